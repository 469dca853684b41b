import { Anchor, Badge, Group, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useUsers } from "../../app/directory";
import { isAdmin, useSession } from "../../app/session";
import { formatAbsolute } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useExecutiveDashboard } from "./everyones-job.queries";
import { formatHours, STAGE_COLOR, STAGE_LABEL } from "./labels";
import { Stat } from "./stat";
import type { ExecutiveCaseSummary } from "./wire";

const PERIODS = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "A year" },
];

const OpenCases = ({ items }: { items: ExecutiveCaseSummary[] }) =>
  items.length === 0 ? (
    <Empty title="No open executive cases">Every letter to the executive has been answered and verified.</Empty>
  ) : (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover aria-label="Open executive cases">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Case</Table.Th>
            <Table.Th>Customer</Table.Th>
            <Table.Th>Owner</Table.Th>
            <Table.Th>Stage</Table.Th>
            <Table.Th>Age</Table.Th>
            <Table.Th>First opened</Table.Th>
            <Table.Th>Call due</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr key={c.caseId}>
              <Table.Td>
                <Anchor
                  renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: c.caseId }} />}
                  size="sm"
                >
                  #{c.number} {c.subject}
                </Anchor>
              </Table.Td>
              <Table.Td>{c.requester.name}</Table.Td>
              <Table.Td>{c.owner?.name ?? "—"}</Table.Td>
              <Table.Td>
                <Badge color={STAGE_COLOR[c.stage]} variant="light" tt="none">
                  {STAGE_LABEL[c.stage]}
                </Badge>
              </Table.Td>
              <Table.Td>{formatHours(c.ageHours)}</Table.Td>
              <Table.Td>
                {c.firstOpenedAt ? (
                  <time dateTime={c.firstOpenedAt}>{formatAbsolute(c.firstOpenedAt)}</time>
                ) : (
                  <Text span size="sm" c="red" fw={600}>
                    Not yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {c.verificationDueAt ? (
                  <time dateTime={c.verificationDueAt}>{formatAbsolute(c.verificationDueAt)}</time>
                ) : (
                  "—"
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );

/** The executive's own line: what is open, where it stands, the calls' outcomes and how long verification takes. */
export const ExecutiveDashboardPage = () => {
  const session = useSession();
  const admin = isAdmin(session);
  const users = useUsers();
  const [sinceDays, setSinceDays] = useState("90");
  const [executiveId, setExecutiveId] = useState<string | null>(null);
  const query = useExecutiveDashboard(Number(sinceDays), executiveId);
  const executives = (users.data ?? []).filter((u) => u.role === "executive");
  const d = query.data;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={1} fz="xl">
            Executive line{d ? `: ${d.executive.name}` : ""}
          </Title>
          <Text size="sm" c="dimmed">
            Letters and calls to the executive, from arrival to the executive's own verification call.
          </Text>
        </Stack>
        <Group gap="sm" align="flex-end">
          {admin ? (
            <Select
              label="Executive"
              placeholder="Yourself"
              data={executives.map((u) => ({ value: u.id, label: u.name }))}
              value={executiveId}
              onChange={setExecutiveId}
              clearable
              w={200}
            />
          ) : null}
          <SegmentedControl
            aria-label="Outcomes over the last"
            value={sinceDays}
            onChange={setSinceDays}
            data={PERIODS}
          />
        </Group>
      </Group>
      {query.isLoading ? (
        <Loading label="Loading the executive dashboard…" />
      ) : query.error ? (
        <ErrorAlert
          error={query.error}
          title="The dashboard could not be loaded"
          onRetry={() => void query.refetch()}
        />
      ) : d ? (
        <>
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
            <Stat
              label="Open"
              value={d.counts.open}
              hint={`oldest ${formatHours(d.openAge.oldestHours)}, median ${formatHours(d.openAge.medianHours)}`}
            />
            <Stat
              label="Not opened yet"
              value={d.counts.unopened}
              tone={d.counts.unopened > 0 ? "red" : undefined}
              hint={d.executive.id === session.user.id ? "by you" : `by ${d.executive.name}`}
            />
            <Stat label="Awaiting delegation" value={d.counts.awaitingDelegation} />
            <Stat
              label="Awaiting report"
              value={d.counts.awaitingReport}
              hint={`${d.counts.awaitingSolve} reported, not solved`}
            />
            <Stat
              label="Awaiting my call"
              value={d.counts.awaitingMyCall}
              tone={d.counts.overdueCalls > 0 ? "red" : undefined}
              hint={d.counts.overdueCalls > 0 ? `${d.counts.overdueCalls} overdue` : "none overdue"}
            />
            <Stat
              label="To verified satisfaction"
              value={formatHours(d.complaintToVerifiedSatisfaction.medianHours)}
              hint={`median of ${d.complaintToVerifiedSatisfaction.cases}; average ${formatHours(d.complaintToVerifiedSatisfaction.averageHours)}`}
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Title order={2} fz="md">
              Verification outcomes since {formatAbsolute(d.since)}
            </Title>
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
              <Stat label="Satisfied" value={d.outcomes.satisfied} tone="green" />
              <Stat
                label="Not satisfied"
                value={d.outcomes.notSatisfied}
                tone={d.outcomes.notSatisfied ? "red" : undefined}
              />
              <Stat label="Unreachable" value={d.outcomes.unreachable} />
              <Stat label="Unanswered calls" value={d.outcomes.noAnswerCalls} />
            </SimpleGrid>
          </Stack>
          <Stack gap={4}>
            <Title order={2} fz="md">
              Open executive cases
            </Title>
            <OpenCases items={d.open} />
          </Stack>
        </>
      ) : null}
    </Stack>
  );
};
