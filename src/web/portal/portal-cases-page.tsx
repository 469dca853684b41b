import { Alert, Anchor, Button, Group, Loader, Paper, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type PortalCase, portalApi } from "./portal-api";
import { useExecutiveLetter } from "./portal-executive-page";
import { usePortalSession } from "./portal-hooks";
import { useLinkProps, usePortalNav } from "./portal-router";
import { StatusBadge } from "./portal-status";

const CaseRow = ({ c }: { c: PortalCase }) => {
  const link = useLinkProps(`/portal/cases/${c.id}`);
  return (
    <Paper withBorder p="sm" radius="md" component="li" style={{ listStyle: "none" }}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Anchor {...link} fw={600} style={{ overflowWrap: "anywhere" }}>
            {c.subject}
          </Anchor>
          <Text size="sm" c="gray.7">
            #{c.number} · {c.requesterName} · updated {new Date(c.updatedAt).toLocaleString()}
          </Text>
        </Stack>
        <StatusBadge status={c.status} />
      </Group>
    </Paper>
  );
};

export const CasesPage = () => {
  const session = usePortalSession();
  const { navigate } = usePortalNav();
  const [scope, setScope] = useState<"mine" | "organization">("mine");
  const executive = useExecutiveLetter(!!session.data);
  const writeToExecutive = useLinkProps("/portal/executive");
  const cases = useQuery({
    queryKey: ["portal-cases", scope],
    queryFn: () => portalApi<{ items: PortalCase[] }>(`/portal/cases?scope=${scope}&limit=100`),
    enabled: !!session.data,
  });
  useEffect(() => {
    if (session.data === null) navigate("/portal/sign-in");
  }, [session.data, navigate]);
  if (!session.data) return <Loader aria-label="Loading" />;
  const manager = session.data.contact.organizationManager;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Your requests
        </Title>
        <Group gap="xs">
          {executive.data?.available && (
            <Button component="a" variant="default" {...writeToExecutive}>
              Write to {executive.data.executiveName}
            </Button>
          )}
          <Button component="a" href="/form">
            New request
          </Button>
        </Group>
      </Group>
      {manager && (
        <SegmentedControl
          aria-label="Whose requests"
          value={scope}
          onChange={(v) => setScope(v as "mine" | "organization")}
          data={[
            { value: "mine", label: "Mine" },
            { value: "organization", label: session.data.contact.organizationName ?? "My organization" },
          ]}
        />
      )}
      {cases.isError && <Alert color="red">{String(cases.error.message)}</Alert>}
      {cases.data && cases.data.items.length === 0 && <Text>You have no requests yet.</Text>}
      <Stack component="ul" gap="xs" p={0} m={0}>
        {cases.data?.items.map((c) => (
          <CaseRow key={c.id} c={c} />
        ))}
      </Stack>
    </Stack>
  );
};
