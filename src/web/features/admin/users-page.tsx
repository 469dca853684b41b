import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDots, IconKey, IconPlus, IconUserOff } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { USER_ROLES, type UserRole } from "../../../shared/domain";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useDepartments, useEmployeeOptions, useUsers } from "../../app/directory";
import { useSession } from "../../app/session";
import type { User } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useSaveResource } from "./admin.queries";
import { AdminOnly } from "./admin-only";

const ROLE_LABEL: Record<UserRole, string> = {
  admin: "Admin",
  supervisor: "Supervisor",
  agent: "Agent",
  employee: "Employee",
  executive: "Executive",
};
const roleOptions = USER_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }));

const InviteModal = ({ onClose }: { onClose: () => void }) => {
  const departments = useDepartments();
  const save = useSaveResource<User>("users");
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<UserRole>("agent");
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const err = save.error;
  return (
    <Modal opened onClose={onClose} title="Invite an employee">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(
            {
              body: {
                email: email.trim(),
                name: name.trim(),
                role,
                departmentId,
                timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                ...(password ? { password } : {}),
              },
            },
            {
              onSuccess: () => {
                notifications.show({ color: "green", message: `${name} can now sign in.` });
                onClose();
              },
            },
          );
        }}
      >
        <Stack gap="sm">
          {err && !["email", "name", "password", "departmentId"].some((f) => fieldError(err, f)) ? (
            <Alert color="red">{errorMessage(err)}</Alert>
          ) : null}
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError(err, "email")}
            data-autofocus
          />
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
          />
          <Group grow>
            <Select
              label="Role"
              data={roleOptions}
              value={role}
              onChange={(v) => v && setRole(v as UserRole)}
              allowDeselect={false}
            />
            <Select
              label="Department"
              clearable
              data={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              value={departmentId}
              onChange={setDepartmentId}
              error={fieldError(err, "departmentId")}
            />
          </Group>
          <PasswordInput
            label="Initial password"
            description="At least 10 characters; share it privately. Leave empty to set one later."
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(err, "password")}
            autoComplete="new-password"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Invite
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const ResetPasswordModal = ({ user, onClose }: { user: User; onClose: () => void }) => {
  const save = useSaveResource<User>("users");
  const [password, setPassword] = useState("");
  return (
    <Modal opened onClose={onClose} title={`Reset the password of ${user.name}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(
            { id: user.id, body: { password } },
            {
              onSuccess: () => {
                notifications.show({ color: "green", message: `New password set for ${user.name}.` });
                onClose();
              },
            },
          );
        }}
      >
        <Stack gap="sm">
          {save.error && !fieldError(save.error, "password") ? (
            <Alert color="red">{errorMessage(save.error)}</Alert>
          ) : null}
          <PasswordInput
            label="New password"
            description="At least 10 characters. Setting it signs them out everywhere: they sign in again with the new password."
            required
            minLength={10}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldError(save.error, "password")}
            autoComplete="new-password"
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const DeactivateModal = ({ user, onClose }: { user: User; onClose: () => void }) => {
  const queryClient = useQueryClient();
  const employees = useEmployeeOptions();
  const [reassignToId, setReassignToId] = useState<string | null>(null);
  const deactivate = useMutation({
    mutationFn: async () =>
      await api<{ user: User; reassignedCases: number; teamsWithoutLead: { id: string; name: string }[] }>(
        `/users/${user.id}/deactivate`,
        {
          method: "POST",
          body: reassignToId ? { reassignToId } : {},
        },
      ),
    onSuccess: (r) => {
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      void queryClient.invalidateQueries({ queryKey: ["cases"] });
      void queryClient.invalidateQueries({ queryKey: ["teams"] });
      const leaderless = r.teamsWithoutLead.map((t) => t.name).join(", ");
      notifications.show({
        color: "green",
        ...(leaderless ? { autoClose: false } : {}),
        message: `${user.name} deactivated${r.reassignedCases ? `; ${r.reassignedCases} open cases reassigned` : ""}.${
          leaderless
            ? ` ${leaderless} ${r.teamsWithoutLead.length > 1 ? "have" : "has"} no lead now: name one under Teams.`
            : ""
        }`,
      });
      onClose();
    },
  });
  const reassignError = fieldError(deactivate.error, "reassignToId");
  return (
    <Modal opened onClose={onClose} title={`Deactivate ${user.name}`}>
      <Stack gap="sm">
        <Text size="sm">
          {user.name} will no longer be able to sign in. Every open case needs an owner, so choose who takes over the
          cases they own.
        </Text>
        {deactivate.error && !reassignError ? <Alert color="red">{errorMessage(deactivate.error)}</Alert> : null}
        <Select
          label="Reassign their open cases to"
          placeholder="Pick an employee"
          searchable
          data={employees.options.filter((o) => o.value !== user.id)}
          value={reassignToId}
          onChange={setReassignToId}
          error={reassignError ? `${reassignError}. Pick someone to take them over.` : undefined}
          limit={50}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="red" loading={deactivate.isPending} onClick={() => deactivate.mutate()}>
            Deactivate
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};

const UsersTable = () => {
  const session = useSession();
  const users = useUsers();
  const departments = useDepartments();
  const save = useSaveResource<User>("users");
  const [q, setQ] = useState("");
  const [showInactive, setShowInactive] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deactivating, setDeactivating] = useState<User | null>(null);
  const deptOptions = (departments.data ?? []).map((d) => ({ value: d.id, label: d.name }));
  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (users.data ?? [])
      .filter((u) => showInactive || u.active)
      .filter((u) => !needle || u.name.toLowerCase().includes(needle) || u.email.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [users.data, q, showInactive]);
  const update = (u: User, body: Record<string, unknown>, what: string) =>
    save.mutate(
      { id: u.id, body },
      {
        onSuccess: () => notifications.show({ color: "green", message: `${u.name}: ${what} saved.` }),
        onError: (err) =>
          notifications.show({ color: "red", title: `${u.name} not changed`, message: errorMessage(err) }),
      },
    );
  return (
    <Stack gap="sm" maw={1200}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Users
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setInviting(true)}>
          Invite employee
        </Button>
      </Group>
      <Group>
        <TextInput
          aria-label="Find users"
          placeholder="Find by name or email"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={320}
        />
        <Switch
          label="Show deactivated"
          checked={showInactive}
          onChange={(e) => setShowInactive(e.currentTarget.checked)}
        />
      </Group>
      <Paper withBorder>
        {users.isLoading ? (
          <Loading label="Loading users…" />
        ) : users.error ? (
          <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title="No users match" />
        ) : (
          <Table aria-label="Users" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th visibleFrom="md">Email</Table.Th>
                <Table.Th w={150}>Role</Table.Th>
                <Table.Th w={190}>Department</Table.Th>
                <Table.Th w={90}>Status</Table.Th>
                <Table.Th w={48}>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {u.name}
                    </Text>
                  </Table.Td>
                  <Table.Td visibleFrom="md">
                    <Text size="sm">{u.email}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={`Role of ${u.name}`}
                      data={roleOptions}
                      value={u.role}
                      allowDeselect={false}
                      disabled={!u.active || u.id === session.user.id}
                      onChange={(v) => v && v !== u.role && update(u, { role: v }, "role")}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Select
                      size="xs"
                      aria-label={`Department of ${u.name}`}
                      data={deptOptions}
                      value={u.departmentId}
                      clearable
                      placeholder="None"
                      disabled={!u.active}
                      onChange={(v) => v !== u.departmentId && update(u, { departmentId: v }, "department")}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={u.active ? "green" : "gray"}>
                      {u.active ? "Active" : "Deactivated"}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {u.active ? (
                      <Menu position="bottom-end">
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${u.name}`}>
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconKey size={14} />} onClick={() => setResetting(u)}>
                            Reset password
                          </Menu.Item>
                          <Menu.Item
                            color="red"
                            leftSection={<IconUserOff size={14} />}
                            disabled={u.id === session.user.id}
                            onClick={() => setDeactivating(u)}
                          >
                            Deactivate
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {inviting ? <InviteModal onClose={() => setInviting(false)} /> : null}
      {resetting ? <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} /> : null}
      {deactivating ? <DeactivateModal user={deactivating} onClose={() => setDeactivating(null)} /> : null}
    </Stack>
  );
};

export const UsersPage = () => (
  <AdminOnly>
    <UsersTable />
  </AdminOnly>
);
