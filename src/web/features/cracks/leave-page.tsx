import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import type { z } from "zod";
import type { zHandover, zLeave } from "../../../shared/contracts/accountability";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useEmployeeOptions } from "../../app/directory";
import { useSession } from "../../app/session";
import { formatAbsolute, fromLocalInput, toLocalInput } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";

type Leave = z.input<typeof zLeave>;
type Handover = z.input<typeof zHandover>;

const LEAVE = ["leave"] as const;

const startOfTomorrow = () => {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(0, 0, 0, 0);
  return d;
};

const MarkLeave = ({ manager }: { manager: boolean }) => {
  const queryClient = useQueryClient();
  const employees = useEmployeeOptions();
  const [userId, setUserId] = useState<string | null>(null);
  const [startsAt, setStartsAt] = useState(toLocalInput(startOfTomorrow().toISOString()));
  const [endsAt, setEndsAt] = useState(
    toLocalInput(new Date(startOfTomorrow().getTime() + 7 * 86_400_000).toISOString()),
  );
  const [note, setNote] = useState("");
  const create = useMutation({
    mutationFn: async () =>
      await api<Leave>("/leave", {
        method: "POST",
        body: {
          ...(userId ? { userId } : {}),
          startsAt: fromLocalInput(startsAt) ?? "",
          endsAt: fromLocalInput(endsAt) ?? "",
          note: note.trim(),
        },
      }),
    onSuccess: (leave) => {
      void queryClient.invalidateQueries({ queryKey: LEAVE });
      notifications.show({ color: "green", message: `Leave marked for ${leave.user.name}.` });
      setNote("");
    },
  });
  const err = create.error;
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} fz="md">
            Mark leave
          </Title>
          {err && !["startsAt", "endsAt", "userId"].some((f) => fieldError(err, f)) ? (
            <Alert color="red" role="alert">
              {errorMessage(err)}
            </Alert>
          ) : null}
          <Group align="flex-start" gap="sm">
            {manager ? (
              <Select
                label="Who"
                placeholder="Me"
                clearable
                searchable
                w={240}
                data={employees.options}
                value={userId}
                onChange={setUserId}
                error={fieldError(err, "userId")}
                limit={50}
              />
            ) : null}
            <TextInput
              label="From"
              type="datetime-local"
              required
              value={startsAt}
              onChange={(e) => setStartsAt(e.currentTarget.value)}
              error={fieldError(err, "startsAt")}
            />
            <TextInput
              label="Back on"
              type="datetime-local"
              required
              value={endsAt}
              onChange={(e) => setEndsAt(e.currentTarget.value)}
              error={fieldError(err, "endsAt")}
            />
            <TextInput
              label="Note"
              placeholder="Holiday, training…"
              style={{ flex: 1, minWidth: 200 }}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
          </Group>
          <Group>
            <Button type="submit" loading={create.isPending}>
              Mark leave
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
};

const HandoverPanel = ({ leaveId }: { leaveId: string }) => {
  const handover = useQuery({
    queryKey: ["leave", leaveId, "handover"],
    queryFn: async () => await api<Handover>(`/leave/${leaveId}/handover`),
  });
  if (handover.isLoading) return <Loading label="Finding what to hand over…" />;
  if (handover.error) return <ErrorAlert error={handover.error} />;
  const h = handover.data;
  if (!h) return null;
  if (h.cases.length === 0 && h.commitments.length === 0) {
    return <Empty title="Nothing to hand over">No next step or promise falls due during this leave.</Empty>;
  }
  return (
    <Stack gap="xs" p="sm">
      <Text size="sm" fw={600}>
        Due before {h.leave.user.name} is back — hand these over:
      </Text>
      {h.cases.length > 0 ? (
        <Table aria-label="Cases to hand over" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Case</Table.Th>
              <Table.Th>Next step</Table.Th>
              <Table.Th w={190}>Due</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {h.cases.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor
                    size="sm"
                    renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: c.id }} />}
                  >
                    #{c.number} {c.subject}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{c.nextStep ?? "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {formatAbsolute(c.nextStepDueAt)}{" "}
                    {c.overdueBeforeLeave ? (
                      <Badge size="xs" color="red" variant="light" tt="none">
                        already overdue
                      </Badge>
                    ) : null}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {h.commitments.map((p) => (
        <Text key={p.id} size="sm">
          Promise on{" "}
          <Anchor
            size="sm"
            renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: p.caseId }} />}
          >
            #{p.caseNumber}
          </Anchor>
          : {p.description} — due {formatAbsolute(p.dueAt)}
        </Text>
      ))}
    </Stack>
  );
};

/** Out of office: mark leave, see current and upcoming leave, and what each person must hand over. */
export const LeavePage = () => {
  const session = useSession();
  const queryClient = useQueryClient();
  const manager = ["admin", "supervisor"].includes(session.user.role);
  const [open, setOpen] = useState<string | null>(null);
  const leave = useQuery({
    queryKey: LEAVE,
    queryFn: async () => (await api<{ items: Leave[] }>("/leave")).items,
  });
  const remove = useMutation({
    mutationFn: async (id: string) => await api<{ ok: true }>(`/leave/${id}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: LEAVE }),
    onError: (e) => notifications.show({ color: "red", title: "Not withdrawn", message: errorMessage(e) }),
  });
  const items = leave.data ?? [];
  return (
    <Stack gap="sm" maw={1100}>
      <Title order={1} fz="xl">
        Out of office
      </Title>
      <Text size="sm" c="dimmed">
        While someone is on leave their cases show up in the cracks report; the next steps and promises that fall due
        before they are back are listed here for hand-over.
      </Text>
      <MarkLeave manager={manager} />
      <Paper withBorder>
        {leave.isLoading ? (
          <Loading label="Loading leave…" />
        ) : leave.error ? (
          <ErrorAlert error={leave.error} onRetry={() => void leave.refetch()} />
        ) : items.length === 0 ? (
          <Empty title="Nobody is away">No current or upcoming leave.</Empty>
        ) : (
          <Table aria-label="Current and upcoming leave">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Who</Table.Th>
                <Table.Th>From</Table.Th>
                <Table.Th>Back on</Table.Th>
                <Table.Th>Note</Table.Th>
                <Table.Th w={200} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.flatMap((l) => [
                <Table.Tr key={l.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {l.user.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatAbsolute(l.startsAt)}</Table.Td>
                  <Table.Td>{formatAbsolute(l.endsAt)}</Table.Td>
                  <Table.Td>{l.note || "—"}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {l.abilities.handover ? (
                        <Button
                          size="compact-xs"
                          variant="light"
                          aria-expanded={open === l.id}
                          onClick={() => setOpen(open === l.id ? null : l.id)}
                        >
                          Hand-over
                        </Button>
                      ) : null}
                      {l.abilities.delete ? (
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          loading={remove.isPending && remove.variables === l.id}
                          onClick={() => remove.mutate(l.id)}
                          aria-label={`Withdraw leave of ${l.user.name}`}
                        >
                          Withdraw
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>,
                ...(open === l.id
                  ? [
                      <Table.Tr key={`${l.id}:handover`}>
                        <Table.Td colSpan={5}>
                          <HandoverPanel leaveId={l.id} />
                        </Table.Td>
                      </Table.Tr>,
                    ]
                  : []),
              ])}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
};
