import { ActionIcon, Badge, Button, Group, Paper, Stack, Table, Tabs, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowDown, IconArrowUp, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { SLA_METRICS } from "../../../shared/contracts/sla";
import { CASE_PRIORITIES } from "../../../shared/domain";
import { errorMessage } from "../../app/api-client";
import { useTeams } from "../../app/directory";
import { PRIORITY_LABEL } from "../../ui/labels";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { isVersionConflict } from "../../ui/versioned-save";
import { AdminOnly } from "../admin/admin-only";
import { CalendarModal } from "./calendar-modal";
import { describeWeek, formatMinutes, moved, positionsFor } from "./opening-hours";
import { describeActions, METRIC_LABEL } from "./policy-form";
import { PolicyModal } from "./policy-modal";
import { type Calendar, type Policy, useCalendars, useDeleteSla, usePolicies, useReorderPolicies } from "./sla.queries";

const Calendars = () => {
  const calendars = useCalendars();
  const remove = useDeleteSla("calendars");
  const [editing, setEditing] = useState<Calendar | "new" | null>(null);
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          When the clocks run: a time zone, weekly opening hours and holidays. Policies count their targets in the
          business time of a calendar.
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
          New calendar
        </Button>
      </Group>
      <Paper withBorder>
        {calendars.isLoading ? (
          <Loading label="Loading calendars…" />
        ) : calendars.error ? (
          <ErrorAlert error={calendars.error} onRetry={() => void calendars.refetch()} />
        ) : (calendars.data ?? []).length === 0 ? (
          <Empty title="No business calendars yet">
            Create one with your opening hours; SLA policies need a calendar to count business time on.
          </Empty>
        ) : (
          <Table highlightOnHover aria-label="Business calendars">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Time zone</Table.Th>
                <Table.Th>Opening hours</Table.Th>
                <Table.Th>Holidays</Table.Th>
                <Table.Th w={140} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(calendars.data ?? []).map((cal) => (
                <Table.Tr key={cal.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {cal.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{cal.timeZone}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{describeWeek(cal.weeklyHours, cal.alwaysOpen)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      title={cal.holidays.map((h) => `${h.date}${h.name ? ` ${h.name}` : ""}`).join(", ")}
                    >
                      {cal.alwaysOpen ? "—" : cal.holidays.length}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RowActions item={cal} what="Calendar" remove={remove} onEdit={() => setEditing(cal)} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {editing ? (
        <CalendarModal calendar={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </Stack>
  );
};

const targetsSummary = (p: Policy): string =>
  SLA_METRICS.flatMap((m) => {
    const t = p.targets[m];
    if (!t) return [];
    const parts = CASE_PRIORITIES.flatMap((pr) => {
      const minutes = t[pr];
      return minutes ? [`${PRIORITY_LABEL[pr]} ${formatMinutes(minutes)}`] : [];
    });
    return [`${METRIC_LABEL[m]}: ${parts.join(", ")}`];
  }).join(" · ");

const conditionsSummary = (p: Policy, teamName: (id: string) => string): string => {
  const c = p.conditions;
  const parts = [
    c.priorities ? `priority ${c.priorities.join("/")}` : "",
    c.types ? `type ${c.types.join("/")}` : "",
    c.channels ? `channel ${c.channels.join("/")}` : "",
    c.teamIds ? `team ${c.teamIds.map(teamName).join("/")}` : "",
    c.organizationIds ? `${c.organizationIds.length} organization(s)` : "",
    c.tags ? `tag ${c.tags.join("/")}` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "Every case";
};

const Policies = () => {
  const policies = usePolicies();
  const calendars = useCalendars();
  const teams = useTeams();
  const reorder = useReorderPolicies();
  const remove = useDeleteSla("policies");
  const [editing, setEditing] = useState<Policy | "new" | null>(null);
  const list = policies.data ?? [];
  const teamName = (id: string) => teams.data?.find((t) => t.id === id)?.name ?? "a team";
  const calendarName = (id: string) => calendars.data?.find((c) => c.id === id)?.name ?? "—";
  const move = (from: number, to: number) => {
    const ids = moved(
      list.map((p) => p.id),
      from,
      to,
    );
    const versions = new Map(list.map((p) => [p.id, p.version]));
    const changes = positionsFor(ids, new Map(list.map((p) => [p.id, p.position])));
    reorder.mutate(
      changes.map((c) => ({ ...c, version: versions.get(c.id) ?? 0 })),
      {
        onError: (e) =>
          notifications.show({
            color: "red",
            title: "Order not saved",
            message: isVersionConflict(e)
              ? "Someone changed a policy meanwhile. The list now shows the latest order; move it again."
              : errorMessage(e),
          }),
      },
    );
  };
  const noCalendar = !calendars.isLoading && (calendars.data ?? []).length === 0;
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          In matching order: the first active policy whose conditions all match a case sets its clocks. Move a policy up
          or down to change which one wins.
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")} disabled={noCalendar}>
          New policy
        </Button>
      </Group>
      <Paper withBorder>
        {policies.isLoading ? (
          <Loading label="Loading policies…" />
        ) : policies.error ? (
          <ErrorAlert error={policies.error} onRetry={() => void policies.refetch()} />
        ) : list.length === 0 ? (
          <Empty title="No SLA policies yet">
            {noCalendar
              ? "Create a business calendar first; then a policy sets response and resolution targets on it."
              : "A policy sets first response, next response and resolution targets per priority."}
          </Empty>
        ) : (
          <Table highlightOnHover aria-label="SLA policies in matching order">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={88}>Order</Table.Th>
                <Table.Th>Policy</Table.Th>
                <Table.Th>Targets</Table.Th>
                <Table.Th>At breach</Table.Th>
                <Table.Th w={140} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((p, i) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    <Group gap={2} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        disabled={i === 0 || reorder.isPending || !p.abilities.update}
                        aria-label={`Move ${p.name} up`}
                        onClick={() => move(i, i - 1)}
                      >
                        <IconArrowUp size={16} />
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        disabled={i === list.length - 1 || reorder.isPending || !p.abilities.update}
                        aria-label={`Move ${p.name} down`}
                        onClick={() => move(i, i + 1)}
                      >
                        <IconArrowDown size={16} />
                      </ActionIcon>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      <Text size="sm" fw={500}>
                        {i + 1}. {p.name}
                      </Text>
                      {p.active ? null : (
                        <Badge size="xs" color="gray" variant="light">
                          Inactive
                        </Badge>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed">
                      {conditionsSummary(p, teamName)} · on {calendarName(p.calendarId)}
                      {p.pauseStatuses.length > 0 ? ` · paused in ${p.pauseStatuses.join(", ").replace("_", " ")}` : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{targetsSummary(p)}</Text>
                    {p.warningPercent ? (
                      <Text size="xs" c="dimmed">
                        Warning at {p.warningPercent}%: {describeActions(p.warningActions, teamName)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{describeActions(p.breachActions, teamName)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <RowActions item={p} what="Policy" remove={remove} onEdit={() => setEditing(p)} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {editing ? (
        <PolicyModal
          policy={editing === "new" ? null : editing}
          calendars={calendars.data ?? []}
          nextPosition={(list.at(-1)?.position ?? 0) + 10}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </Stack>
  );
};

export const SlaAdminPage = () => (
  <AdminOnly>
    <Stack gap="sm" maw={1200}>
      <Title order={1} fz="xl">
        SLAs
      </Title>
      <Tabs defaultValue="policies" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="policies">Policies</Tabs.Tab>
          <Tabs.Tab value="calendars">Business calendars</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="policies" pt="sm">
          <Policies />
        </Tabs.Panel>
        <Tabs.Panel value="calendars" pt="sm">
          <Calendars />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  </AdminOnly>
);

/** Edit and delete buttons of a calendar or policy row, as far as the caller's abilities reach. */
const RowActions = ({
  item,
  what,
  remove,
  onEdit,
}: {
  item: { id: string; name: string; abilities: { update: boolean; delete: boolean } };
  what: "Calendar" | "Policy";
  remove: ReturnType<typeof useDeleteSla>;
  onEdit: () => void;
}) => (
  <Group gap={4} wrap="nowrap">
    {item.abilities.update ? (
      <Button size="compact-xs" variant="subtle" onClick={onEdit} aria-label={`Edit ${item.name}`}>
        Edit
      </Button>
    ) : null}
    {item.abilities.delete ? (
      <Button
        size="compact-xs"
        variant="subtle"
        color="red"
        aria-label={`Delete ${item.name}`}
        loading={remove.isPending && remove.variables === item.id}
        onClick={() =>
          remove.mutate(item.id, {
            onSuccess: () => notifications.show({ message: `${what} ${item.name} deleted.` }),
            onError: (e) => notifications.show({ color: "red", title: "Not deleted", message: errorMessage(e) }),
          })
        }
      >
        Delete
      </Button>
    ) : null}
  </Group>
);
