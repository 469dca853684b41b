import { Anchor, Badge, Group, Paper, Select, SimpleGrid, Stack, Table, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import type { z } from "zod";
import { CRACK_KINDS, type CrackKind, type zCracksReport } from "../../../shared/contracts/accountability";
import { api, queryString } from "../../app/api-client";
import { useDepartments, useEmployeeOptions, useTeams } from "../../app/directory";
import { formatAbsolute } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";

type Report = z.input<typeof zCracksReport>;
type CrackGroup = Report["byTeam"][number];

const KIND_LABEL: Record<CrackKind, string> = {
  overdue_next_step: "Overdue next step",
  no_activity: "No activity",
  owner_unavailable: "Owner away",
  waiting_on_other_department: "Waiting on another department",
  broken_promise: "Broken promise",
};

const GroupTable = ({ groups, label }: { groups: CrackGroup[]; label: string }) =>
  groups.length === 0 ? (
    <Empty title="Nothing to count">No cracks in this view.</Empty>
  ) : (
    <Table aria-label={label} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Name</Table.Th>
          {CRACK_KINDS.map((k) => (
            <Table.Th key={k} ta="right">
              {KIND_LABEL[k]}
            </Table.Th>
          ))}
          <Table.Th ta="right">Total</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {groups.map((g) => (
          <Table.Tr key={g.id ?? "none"}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {g.name}
              </Text>
            </Table.Td>
            {CRACK_KINDS.map((k) => (
              <Table.Td key={k} ta="right">
                <Text size="sm" c={g.counts[k] > 0 ? undefined : "dimmed"}>
                  {g.counts[k]}
                </Text>
              </Table.Td>
            ))}
            <Table.Td ta="right">
              <Text size="sm" fw={700}>
                {g.counts.total}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );

/** Item texts ("was due …") in the reader's own time. */
const BROWSER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * What slips through the cracks: overdue next steps, quiet cases, owners away, cases waiting on another
 * department, broken promises; itemised and counted per person, team and department.
 */
export const CracksPage = () => {
  const teams = useTeams();
  const departments = useDepartments();
  const employees = useEmployeeOptions();
  const [teamId, setTeamId] = useState<string | null>(null);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [kind, setKind] = useState<CrackKind | null>(null);
  const report = useQuery({
    queryKey: ["cracks", teamId, departmentId, ownerId],
    queryFn: async () =>
      await api<Report>(`/cracks${queryString({ teamId, departmentId, ownerId, timeZone: BROWSER_TIME_ZONE })}`),
    refetchInterval: 5 * 60_000,
  });
  const data = report.data;
  const items = (data?.items ?? []).filter((i) => !kind || i.kind === kind);
  return (
    <Stack gap="sm" maw={1280}>
      <Title order={1} fz="xl">
        Cracks
      </Title>
      <Text size="sm" c="dimmed">
        Open cases that are slipping: next steps past due, no activity, owners on leave or deactivated, cases held by
        another department, and broken promises. Supervisors see everyone's; everyone else their own.
        {data
          ? ` Thresholds: ${data.parameters.noActivityBusinessHours} business hours without activity, ${data.parameters.waitingHours} h waiting, promises broken in the last ${data.parameters.brokenWithinDays} days.`
          : ""}
      </Text>
      <Group gap="sm" align="flex-end">
        <Select
          label="Team"
          placeholder="All teams"
          clearable
          w={200}
          data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
          value={teamId}
          onChange={setTeamId}
        />
        <Select
          label="Department"
          placeholder="All departments"
          clearable
          w={200}
          data={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
          value={departmentId}
          onChange={setDepartmentId}
        />
        <Select
          label="Person"
          placeholder="Everyone"
          clearable
          searchable
          w={240}
          data={[{ value: "me", label: "Me" }, ...employees.options]}
          value={ownerId}
          onChange={setOwnerId}
          limit={50}
        />
      </Group>
      {report.isLoading ? (
        <Loading label="Looking for cracks…" />
      ) : report.error ? (
        <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : data ? (
        <>
          <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="xs">
            {[...CRACK_KINDS, "total" as const].map((k) => {
              const selected = k === "total" ? kind === null : kind === k;
              return (
                <Paper
                  key={k}
                  withBorder
                  p="xs"
                  component="button"
                  type="button"
                  aria-pressed={selected}
                  onClick={() => setKind(k === "total" || kind === k ? null : k)}
                  style={{
                    textAlign: "left",
                    cursor: "pointer",
                    outline: selected ? "2px solid var(--mantine-color-indigo-6)" : undefined,
                  }}
                >
                  <Text size="xs" c="dimmed">
                    {k === "total" ? "All cracks" : KIND_LABEL[k]}
                  </Text>
                  <Text size="xl" fw={700}>
                    {data.totals[k]}
                  </Text>
                </Paper>
              );
            })}
          </SimpleGrid>
          <Tabs defaultValue="person">
            <Tabs.List>
              <Tabs.Tab value="person">Per person</Tabs.Tab>
              <Tabs.Tab value="team">Per team</Tabs.Tab>
              <Tabs.Tab value="department">Per department</Tabs.Tab>
            </Tabs.List>
            <Paper withBorder mt="xs">
              <Tabs.Panel value="person">
                <GroupTable groups={data.byPerson} label="Cracks per person" />
              </Tabs.Panel>
              <Tabs.Panel value="team">
                <GroupTable groups={data.byTeam} label="Cracks per team" />
              </Tabs.Panel>
              <Tabs.Panel value="department">
                <GroupTable groups={data.byDepartment} label="Cracks per department" />
              </Tabs.Panel>
            </Paper>
          </Tabs>
          <Paper withBorder>
            {items.length === 0 ? (
              <Empty title="Nothing is slipping through the cracks">
                {kind
                  ? `No ${KIND_LABEL[kind].toLowerCase()} items here.`
                  : "Every open case here has a next step on time and an owner at work."}
              </Empty>
            ) : (
              <Table aria-label="Cracks, oldest first within each kind" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={190}>Kind</Table.Th>
                    <Table.Th>Case</Table.Th>
                    <Table.Th w={150}>Person</Table.Th>
                    <Table.Th w={140}>Team</Table.Th>
                    <Table.Th w={150}>Since</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((i) => (
                    <Table.Tr key={`${i.kind}:${i.case.id}:${i.commitmentId ?? ""}`}>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={i.kind === "broken_promise" || i.kind === "overdue_next_step" ? "red" : "orange"}
                          tt="none"
                          size="sm"
                        >
                          {KIND_LABEL[i.kind]}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          size="sm"
                          renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: i.case.id }} />}
                        >
                          #{i.case.number} {i.case.subject}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {i.detail}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{i.person?.name ?? "Nobody"}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{i.team?.name ?? "—"}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs">{formatAbsolute(i.since)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
        </>
      ) : null}
    </Stack>
  );
};
