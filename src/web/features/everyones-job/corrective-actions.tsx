import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { CORRECTIVE_ACTION_STATUSES, type CorrectiveActionStatus } from "../../../shared/contracts/root-causes";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useUsers } from "../../app/directory";
import { formatAbsolute } from "../../ui/due-time";
import { options } from "../../ui/labels";
import { Empty } from "../../ui/states";
import { useRootCauseCategories } from "./everyones-job.queries";
import { ACTION_STATUS_LABEL } from "./labels";
import type { CorrectiveAction, UpstreamView } from "./wire";

/** A date input's value (YYYY-MM-DD) as the end of that working day, 17:00 local time. */
const dueFromDate = (day: string): string => new Date(`${day}T17:00:00`).toISOString();

const NewActionModal = ({ view, onClose }: { view: UpstreamView; onClose: () => void }) => {
  const queryClient = useQueryClient();
  const users = useUsers();
  const categories = useRootCauseCategories();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [due, setDue] = useState("");
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [caseIds, setCaseIds] = useState<string[]>([]);
  const people = (users.data ?? []).filter((u) => u.active && u.departmentId === view.department.id);
  const create = useMutation({
    mutationFn: async () =>
      await api<CorrectiveAction>("/corrective-actions", {
        method: "POST",
        body: {
          departmentId: view.department.id,
          title: title.trim(),
          description: description.trim(),
          ownerId: ownerId ?? "",
          dueAt: due ? dueFromDate(due) : "",
          categoryId,
          caseIds,
        },
      }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ["upstream", view.department.id] });
      notifications.show({ color: "green", message: `Corrective action “${saved.title}” recorded.` });
      onClose();
    },
  });
  const err = create.error;
  const fields = ["title", "description", "ownerId", "dueAt", "categoryId", "caseIds"];
  return (
    <Modal opened onClose={onClose} title={`New corrective action for ${view.department.name}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          {err && !fields.some((f) => fieldError(err, f)) ? <Alert color="red">{errorMessage(err)}</Alert> : null}
          <TextInput
            label="What the department will do"
            required
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={fieldError(err, "title")}
            data-autofocus
          />
          <Textarea
            label="Details"
            autosize
            minRows={2}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={fieldError(err, "description")}
          />
          <Group grow align="flex-start">
            <Select
              label={`Owner in ${view.department.name}`}
              required
              data={people.map((u) => ({ value: u.id, label: u.name }))}
              value={ownerId}
              onChange={setOwnerId}
              searchable
              nothingFoundMessage="Nobody in this department by that name"
              error={fieldError(err, "ownerId")}
            />
            <TextInput
              type="date"
              label="Due"
              required
              value={due}
              onChange={(e) => setDue(e.currentTarget.value)}
              error={fieldError(err, "dueAt")}
            />
          </Group>
          <Select
            label="Root-cause category"
            placeholder="Any"
            data={(categories.data ?? []).filter((c) => c.active).map((c) => ({ value: c.id, label: c.name }))}
            value={categoryId}
            onChange={setCategoryId}
            clearable
            error={fieldError(err, "categoryId")}
          />
          <MultiSelect
            label="Cases it answers"
            data={view.cases.map((c) => ({ value: c.caseId, label: `#${c.number} ${c.subject}` }))}
            value={caseIds}
            onChange={setCaseIds}
            searchable
            nothingFoundMessage="No case of this department matches"
            error={fieldError(err, "caseIds")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!title.trim() || !ownerId || !due}>
              Record corrective action
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const StatusCell = ({ action, departmentId }: { action: CorrectiveAction; departmentId: string }) => {
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: async (status: CorrectiveActionStatus) =>
      await api<CorrectiveAction>(`/corrective-actions/${action.id}`, { method: "PATCH", body: { status } }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ["upstream", departmentId] });
      notifications.show({
        color: "green",
        message: `“${saved.title}” is now ${ACTION_STATUS_LABEL[saved.status].toLowerCase()}.`,
      });
    },
    onError: (err) => notifications.show({ color: "red", title: "Not saved", message: errorMessage(err) }),
  });
  if (!action.abilities.update) return <>{ACTION_STATUS_LABEL[action.status]}</>;
  return (
    <Select
      aria-label={`Status of ${action.title}`}
      size="xs"
      w={140}
      data={options(ACTION_STATUS_LABEL, CORRECTIVE_ACTION_STATUSES)}
      value={action.status}
      onChange={(v) => v && v !== action.status && update.mutate(v as CorrectiveActionStatus)}
      allowDeselect={false}
      disabled={update.isPending}
    />
  );
};

/** What the department commits to doing about its failures: owner in the department, due date, status, cases. */
export const CorrectiveActions = ({ view }: { view: UpstreamView }) => {
  const [creating, setCreating] = useState(false);
  const numberOf = new Map(view.cases.map((c) => [c.caseId, c.number]));
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2} fz="md">
          Corrective actions
        </Title>
        {view.abilities.manageActions ? (
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
            New corrective action
          </Button>
        ) : null}
      </Group>
      {view.correctiveActions.length === 0 ? (
        <Empty title="No corrective actions yet">
          {view.abilities.manageActions
            ? "Record what the department will change so these failures stop recurring."
            : "The department's director or a supervisor records them."}
        </Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Corrective actions" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Action</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Cases</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {view.correctiveActions.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {a.title}
                    </Text>
                    {a.category ? (
                      <Text size="xs" c="dimmed">
                        {a.category.name}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{a.owner.name}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <time dateTime={a.dueAt}>{formatAbsolute(a.dueAt)}</time>
                      {a.overdue ? (
                        <Badge color="red" size="sm" variant="light">
                          Overdue
                        </Badge>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <StatusCell action={a} departmentId={view.department.id} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      {a.caseIds.length === 0
                        ? "—"
                        : a.caseIds.map((id) => (
                            <Anchor
                              key={id}
                              renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: id }} />}
                              size="sm"
                            >
                              {numberOf.has(id) ? `#${numberOf.get(id)}` : "a case"}
                            </Anchor>
                          ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {creating ? <NewActionModal view={view} onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
};
