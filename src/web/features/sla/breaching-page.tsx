import { Anchor, Badge, Group, Paper, SegmentedControl, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { PriorityText, StatusBadge } from "../../ui/badges";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useNow } from "../../ui/use-now";
import { clockCell, clockStatus, TONE_COLOR } from "./clock-label";
import { type BreachingFilter, useBreaching } from "./sla.queries";

const WINDOWS = [
  { value: "60", label: "Next hour" },
  { value: "240", label: "Next 4 hours" },
  { value: "1440", label: "Next 24 hours" },
];

const SCOPES = [
  { value: "me", label: "Mine" },
  { value: "team", label: "My teams" },
  { value: "all", label: "Everyone I can see" },
];

/**
 * Breached SLA clocks first (also those whose target no longer applies), then running ones soonest due:
 * "breaching in the next hour" by default.
 */
export const BreachingPage = () => {
  const now = useNow();
  const [within, setWithin] = useState("60");
  const [scope, setScope] = useState("all");
  const [includeBreached, setIncludeBreached] = useState(true);
  const filter: BreachingFilter = {
    withinMinutes: Number(within),
    includeBreached,
    ownerId: scope === "me" ? "me" : undefined,
    teamId: scope === "team" ? "mine" : undefined,
  };
  const breaching = useBreaching(filter);
  const items = breaching.data?.items ?? [];
  return (
    <Stack gap="sm" maw={1200}>
      <Title order={1} fz="xl">
        Breaching soon
      </Title>
      <Group gap="md">
        <SegmentedControl aria-label="Due within" data={WINDOWS} value={within} onChange={setWithin} />
        <SegmentedControl aria-label="Whose cases" data={SCOPES} value={scope} onChange={setScope} />
        <Switch
          label="Include breached"
          checked={includeBreached}
          onChange={(e) => setIncludeBreached(e.currentTarget.checked)}
        />
      </Group>
      <Paper withBorder>
        {breaching.isLoading ? (
          <Loading label="Loading SLA clocks…" />
        ) : breaching.error ? (
          <ErrorAlert error={breaching.error} onRetry={() => void breaching.refetch()} />
        ) : items.length === 0 ? (
          <Empty title="Nothing is about to breach">
            No running SLA clock falls due in this window{includeBreached ? " and none has breached" : ""}.
          </Empty>
        ) : (
          <Table highlightOnHover aria-label="SLA clocks due soonest first">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={64}>#</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Priority</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Team</Table.Th>
                <Table.Th>SLA</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => {
                const status = clockStatus(item.clock, now);
                const cell = clockCell(item.clock, now);
                return (
                  <Table.Tr key={`${item.case.id}:${item.clock.metric}`}>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {item.case.number}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor
                        size="sm"
                        renderRoot={(props) => (
                          <Link {...props} to="/cases/$caseId" params={{ caseId: item.case.id }} />
                        )}
                      >
                        {item.case.subject}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={item.case.status} />
                    </Table.Td>
                    <Table.Td>
                      <PriorityText priority={item.case.priority} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{item.case.owner?.name ?? "Nobody"}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{item.case.team?.name ?? "—"}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Badge color={TONE_COLOR[status.tone]} variant="light" size="sm" tt="none">
                          {status.label}
                        </Badge>
                        <Text size="xs" title={status.detail}>
                          {cell.text}
                        </Text>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
};
