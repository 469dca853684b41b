import {
  Alert,
  Button,
  Group,
  Modal,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { errorMessage, fieldError } from "../../app/api-client";
import { useDepartments, useEmployeeOptions, useTeams } from "../../app/directory";
import type { Team } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { EditConflictAlert, useRefreshFromList, useVersionedSave, type VersionedSave } from "../../ui/versioned-save";
import { useSaveResource } from "./admin.queries";
import { AdminOnly } from "./admin-only";

/** Opens the form on the version shown; a reload after a conflict shows the latest one. */
const TeamModal = ({ team, onClose }: { team: Team | null; onClose: () => void }) => {
  const refresh = useRefreshFromList<Team>("/teams", ["teams"]);
  const [shown, setShown] = useState(team);
  const edit = useVersionedSave<Team>({
    version: team?.version ?? 0,
    refresh: async () => (team ? await refresh(team.id) : undefined),
    onReloaded: setShown,
  });
  return <TeamForm key={edit.formKey} team={shown} edit={edit} onClose={onClose} />;
};

const TeamForm = ({ team, edit, onClose }: { team: Team | null; edit: VersionedSave<Team>; onClose: () => void }) => {
  const employees = useEmployeeOptions();
  const departments = useDepartments();
  const save = useSaveResource<Team>("teams");
  const [name, setName] = useState(team?.name ?? "");
  const [departmentId, setDepartmentId] = useState<string | null>(team?.departmentId ?? null);
  const [leadId, setLeadId] = useState<string | null>(team?.leadId ?? null);
  const [memberIds, setMemberIds] = useState<string[]>(team?.memberIds ?? []);
  const err = edit.error;
  return (
    <Modal opened onClose={onClose} title={team ? `Edit ${team.name}` : "New team"} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void edit
            .run(
              async (headers) =>
                await save.mutateAsync({
                  ...{ id: team?.id, body: { name: name.trim(), departmentId, leadId, memberIds } },
                  headers,
                }),
            )
            .then((saved) => {
              if (saved) {
                notifications.show({ color: "green", message: `Team ${name} saved.` });
                onClose();
              }
            });
        }}
      >
        <Stack gap="sm">
          <EditConflictAlert what="team" edit={edit} />
          {err && !["name", "leadId", "memberIds"].some((f) => fieldError(err, f)) ? (
            <Alert color="red">{errorMessage(err)}</Alert>
          ) : null}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
            data-autofocus
          />
          <Group grow>
            <Select
              label="Department"
              clearable
              data={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              value={departmentId}
              onChange={setDepartmentId}
            />
            <Select
              label="Lead"
              searchable
              clearable
              data={employees.options}
              value={leadId}
              onChange={setLeadId}
              error={fieldError(err, "leadId")}
              limit={50}
            />
          </Group>
          <MultiSelect
            label="Members"
            searchable
            data={employees.options}
            value={memberIds}
            onChange={setMemberIds}
            error={fieldError(err, "memberIds")}
            limit={50}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={edit.busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const Teams = () => {
  const teams = useTeams();
  const departments = useDepartments();
  const employees = useEmployeeOptions();
  const [editing, setEditing] = useState<Team | "new" | null>(null);
  const deptName = (id: string | null) => (id ? (departments.data?.find((d) => d.id === id)?.name ?? "—") : "—");
  return (
    <Stack gap="sm" maw={1000}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Teams
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
          New team
        </Button>
      </Group>
      <Paper withBorder>
        {teams.isLoading ? (
          <Loading />
        ) : teams.error ? (
          <ErrorAlert error={teams.error} />
        ) : (teams.data ?? []).length === 0 ? (
          <Empty title="No teams yet">Teams share an inbox view (“My team”) and can own cases together.</Empty>
        ) : (
          <Table highlightOnHover aria-label="Teams">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Department</Table.Th>
                <Table.Th>Lead</Table.Th>
                <Table.Th>Members</Table.Th>
                <Table.Th w={80} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(teams.data ?? []).map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {t.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{deptName(t.departmentId)}</Table.Td>
                  <Table.Td>{t.leadId ? (employees.byId.get(t.leadId)?.name ?? "—") : "—"}</Table.Td>
                  <Table.Td>
                    <Text size="sm" title={t.memberIds.map((id) => employees.byId.get(id)?.name ?? "").join(", ")}>
                      {t.memberIds.length}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setEditing(t)}
                      aria-label={`Edit ${t.name}`}
                    >
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {editing ? <TeamModal team={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
};

export const TeamsPage = () => (
  <AdminOnly>
    <Teams />
  </AdminOnly>
);
