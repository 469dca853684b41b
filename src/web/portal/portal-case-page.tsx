import { Alert, Anchor, Button, FileInput, Group, Loader, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { PORTAL_MAX_FILES } from "../../shared/contracts/portal";
import { type PortalCase, PortalError, type PortalMessage, portalApi } from "./portal-api";
import { usePortalSession } from "./portal-hooks";
import { useLinkProps, usePortalNav } from "./portal-router";
import { StatusBadge } from "./portal-status";

const Message = ({ m }: { m: PortalMessage }) => (
  <Paper
    withBorder
    p="sm"
    radius="md"
    component="li"
    style={{
      listStyle: "none",
      borderLeft: m.from === "agent" ? "4px solid var(--mantine-primary-color-filled)" : undefined,
    }}
  >
    <Text size="sm" fw={600}>
      {m.from === "you" ? "You" : m.authorName}{" "}
      <Text span size="sm" c="gray.7" fw={400}>
        · {new Date(m.createdAt).toLocaleString()}
      </Text>
    </Text>
    <Text style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} mt={4}>
      {m.bodyText}
    </Text>
    {m.attachments.length > 0 && (
      <Group gap="sm" mt="xs">
        {m.attachments.map((a) => (
          <Anchor key={a.id} href={`/api/v1/portal/attachments/${a.id}`} size="sm">
            {a.filename}
          </Anchor>
        ))}
      </Group>
    )}
  </Paper>
);

export const CasePage = ({ caseId }: { caseId: string }) => {
  const session = usePortalSession();
  const { navigate } = usePortalNav();
  const back = useLinkProps("/portal");
  const qc = useQueryClient();
  const [body, setBody] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signedIn = !!session.data;
  const detail = useQuery({
    queryKey: ["portal-case", caseId],
    queryFn: () => portalApi<PortalCase>(`/portal/cases/${caseId}`),
    enabled: signedIn,
  });
  const thread = useQuery({
    queryKey: ["portal-thread", caseId],
    queryFn: () => portalApi<{ items: PortalMessage[] }>(`/portal/cases/${caseId}/messages`),
    enabled: signedIn,
  });
  useEffect(() => {
    if (session.data === null) navigate(`/portal/sign-in?case=${caseId}`);
  }, [session.data, navigate, caseId]);

  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ["portal-case", caseId] });
    await qc.invalidateQueries({ queryKey: ["portal-thread", caseId] });
  };
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      await refresh();
    } catch (err) {
      setError(err instanceof PortalError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const reply = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const form = new FormData();
      form.append("body", body);
      for (const f of files) form.append("files", f);
      await portalApi(`/portal/cases/${caseId}/messages`, { method: "POST", form });
      setBody("");
      setFiles([]);
    });
  };

  if (!signedIn || detail.isPending) return <Loader aria-label="Loading" />;
  if (detail.isError) {
    return (
      <Alert color="red" title="Request not found">
        We could not find this request among yours. <Anchor {...back}>Back to your requests</Anchor>
      </Alert>
    );
  }
  const c = detail.data;
  return (
    <Stack>
      <Anchor {...back} size="sm">
        ← Your requests
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={1} size="h2" style={{ overflowWrap: "anywhere" }}>
            {c.subject}
          </Title>
          <Text size="sm" c="gray.7">
            #{c.number} · opened {new Date(c.createdAt).toLocaleDateString()} by {c.requesterName}
          </Text>
        </Stack>
        <StatusBadge status={c.status} />
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group>
        {c.abilities.solve && (
          <Button
            variant="outline"
            onClick={() => void act(() => portalApi(`/portal/cases/${caseId}/solve`, { method: "POST" }))}
            loading={busy}
          >
            Mark as solved
          </Button>
        )}
        {c.abilities.reopen && (
          <Button
            variant="outline"
            onClick={() => void act(() => portalApi(`/portal/cases/${caseId}/reopen`, { method: "POST" }))}
            loading={busy}
          >
            Reopen
          </Button>
        )}
        {c.reopenUntil && (
          <Text size="sm" c="gray.7">
            You can reopen it until {new Date(c.reopenUntil).toLocaleDateString()}.
          </Text>
        )}
      </Group>
      <Title order={2} size="h3">
        Conversation
      </Title>
      <Stack component="ul" gap="xs" p={0} m={0}>
        {thread.data?.items.map((m) => (
          <Message key={m.id} m={m} />
        ))}
      </Stack>
      {c.abilities.reply && (
        <Paper withBorder p="sm" radius="md">
          <form onSubmit={reply}>
            <Stack>
              <Textarea
                label="Your reply"
                required
                autosize
                minRows={4}
                value={body}
                onChange={(e) => setBody(e.currentTarget.value)}
              />
              <FileInput
                label={`Attachments (up to ${PORTAL_MAX_FILES})`}
                multiple
                clearable
                value={files}
                onChange={(v) => setFiles(v.slice(0, PORTAL_MAX_FILES))}
              />
              <Group>
                <Button type="submit" loading={busy}>
                  Send reply
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      )}
    </Stack>
  );
};
