import {
  Alert,
  Button,
  Group,
  Modal,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { USER_ROLES, type UserRole } from "../../../shared/domain";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useEmployeeOptions } from "../../app/directory";
import { formatAbsolute } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { EditConflictAlert, useRefreshFromList, useVersionedSave, type VersionedSave } from "../../ui/versioned-save";
import { AdminOnly } from "../admin/admin-only";
import { useAuthorityLimits } from "./everyones-job.queries";
import { CURRENCIES, formatMoney, parseMoney, toDecimalInput } from "./money";
import type { AuthorityLimit } from "./wire";

const ROLE_LABEL: Record<UserRole, string> = {
  admin: "Admins",
  supervisor: "Supervisors",
  agent: "Agents",
  employee: "Employees",
  executive: "Executives",
};

const useSaveLimit = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      id,
      body,
      headers,
    }: {
      id?: string;
      body: Record<string, unknown>;
      /** If-Match of the version an edit started from (sent with PATCH only). */
      headers: Record<string, string>;
    }) =>
      await api<AuthorityLimit>(id ? `/authority-limits/${id}` : "/authority-limits", {
        method: id ? "PATCH" : "POST",
        body,
        ...(id ? { headers } : {}),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["authority-limits"] }),
  });
};

/** Opens the form on the version shown; a reload after a conflict shows the latest one. */
const LimitModal = ({ limit, onClose }: { limit: AuthorityLimit | null; onClose: () => void }) => {
  const refresh = useRefreshFromList<AuthorityLimit>("/authority-limits", ["authority-limits"]);
  const [shown, setShown] = useState(limit);
  const edit = useVersionedSave<AuthorityLimit>({
    version: limit?.version ?? 0,
    refresh: async () => (limit ? await refresh(limit.id) : undefined),
    onReloaded: setShown,
  });
  return <LimitForm key={edit.formKey} limit={shown} edit={edit} onClose={onClose} />;
};

const LimitForm = ({
  limit,
  edit,
  onClose,
}: {
  limit: AuthorityLimit | null;
  edit: VersionedSave<AuthorityLimit>;
  onClose: () => void;
}) => {
  const employees = useEmployeeOptions();
  const save = useSaveLimit();
  const [scope, setScope] = useState<"role" | "user">("role");
  const [role, setRole] = useState<UserRole | null>("agent");
  const [userId, setUserId] = useState<string | null>(null);
  const [currency, setCurrency] = useState(limit?.currency ?? "EUR");
  const [perRemedy, setPerRemedy] = useState(limit ? toDecimalInput(limit.perRemedyMinor, limit.currency) : "");
  const [per30, setPer30] = useState(limit ? toDecimalInput(limit.per30DaysMinor, limit.currency) : "");
  const perRemedyMinor = parseMoney(perRemedy, currency);
  const per30DaysMinor = parseMoney(per30, currency);
  const err = edit.error;
  const fields = ["role", "userId", "currency", "perRemedyMinor", "per30DaysMinor"];
  const who = limit ? (limit.user?.name ?? (limit.role ? ROLE_LABEL[limit.role] : "")) : null;
  return (
    <Modal opened onClose={onClose} title={who ? `Authority of ${who} (${limit?.currency})` : "New authority limit"}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const amounts = { perRemedyMinor, per30DaysMinor };
          void edit
            .run(
              async (headers) =>
                await save.mutateAsync({
                  ...(limit
                    ? { id: limit.id, body: amounts }
                    : {
                        body: { ...(scope === "role" ? { role } : { userId }), currency, ...amounts },
                      }),
                  headers,
                }),
            )
            .then((saved) => {
              if (saved) {
                notifications.show({ color: "green", message: "Authority limit saved." });
                onClose();
              }
            });
        }}
      >
        <Stack gap="sm">
          <EditConflictAlert what="authority limit" edit={edit} />
          {err && !fields.some((f) => fieldError(err, f)) ? <Alert color="red">{errorMessage(err)}</Alert> : null}
          {limit ? null : (
            <>
              <SegmentedControl
                aria-label="Limit for"
                value={scope}
                onChange={(v) => setScope(v as "role" | "user")}
                data={[
                  { value: "role", label: "Everyone in a role" },
                  { value: "user", label: "One person" },
                ]}
              />
              {scope === "role" ? (
                <Select
                  label="Role"
                  data={USER_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
                  value={role}
                  onChange={(v) => setRole(v as UserRole | null)}
                  allowDeselect={false}
                  error={fieldError(err, "role")}
                />
              ) : (
                <Select
                  label="Person"
                  data={employees.options}
                  value={userId}
                  onChange={setUserId}
                  searchable
                  error={fieldError(err, "userId")}
                />
              )}
              <Select
                label="Currency"
                data={CURRENCIES}
                value={currency}
                onChange={(v) => v && setCurrency(v)}
                allowDeselect={false}
                error={fieldError(err, "currency")}
              />
            </>
          )}
          <Group grow align="flex-start">
            <TextInput
              label={`Per remedy (${currency})`}
              inputMode="decimal"
              required
              value={perRemedy}
              onChange={(e) => setPerRemedy(e.currentTarget.value)}
              error={
                perRemedy && perRemedyMinor === null
                  ? `Not an amount in ${currency}`
                  : fieldError(err, "perRemedyMinor")
              }
            />
            <TextInput
              label={`Per 30 days (${currency})`}
              inputMode="decimal"
              required
              value={per30}
              onChange={(e) => setPer30(e.currentTarget.value)}
              error={
                per30 && per30DaysMinor === null ? `Not an amount in ${currency}` : fieldError(err, "per30DaysMinor")
              }
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={edit.busy}
              disabled={perRemedyMinor === null || per30DaysMinor === null || (!limit && scope === "user" && !userId)}
            >
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const DeleteButton = ({ limit, who }: { limit: AuthorityLimit; who: string }) => {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: async () => await api(`/authority-limits/${limit.id}`, { method: "DELETE" }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["authority-limits"] });
      notifications.show({ message: `${who} now use the next limit that applies.` });
    },
    onError: (err) => notifications.show({ color: "red", title: "Not removed", message: errorMessage(err) }),
  });
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      color="red"
      loading={remove.isPending}
      onClick={() => remove.mutate()}
      aria-label={`Remove the limit of ${who} in ${limit.currency}`}
    >
      Remove
    </Button>
  );
};

const AuthorityLimits = () => {
  const limits = useAuthorityLimits();
  const [editing, setEditing] = useState<AuthorityLimit | "new" | null>(null);
  const whoOf = (l: AuthorityLimit) => l.user?.name ?? (l.role ? ROLE_LABEL[l.role] : "—");
  return (
    <Stack gap="sm" maw={1000}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Authority limits
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
          New limit
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Within their limit, people grant remedies at once with no approval step. Above it they still can, with a written
        justification, and the remedy is reviewed afterwards. A person's own limit beats their role's, which beats the
        generous built-in defaults.
      </Text>
      <Paper withBorder>
        {limits.isLoading ? (
          <Loading label="Loading authority limits…" />
        ) : limits.error ? (
          <ErrorAlert error={limits.error} onRetry={() => void limits.refetch()} />
        ) : (limits.data ?? []).length === 0 ? (
          <Empty title="Only the built-in defaults apply">
            Add a limit for a role or a person to change what they may give without review.
          </Empty>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover aria-label="Authority limits">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>For</Table.Th>
                  <Table.Th ta="right">Per remedy</Table.Th>
                  <Table.Th ta="right">Per 30 days</Table.Th>
                  <Table.Th>Changed</Table.Th>
                  <Table.Th w={140} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(limits.data ?? []).map((l) => (
                  <Table.Tr key={l.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {whoOf(l)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {l.user ? "personal limit" : "role"}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{formatMoney(l.perRemedyMinor, l.currency)}</Table.Td>
                    <Table.Td ta="right">{formatMoney(l.per30DaysMinor, l.currency)}</Table.Td>
                    <Table.Td>
                      <time dateTime={l.updatedAt}>{formatAbsolute(l.updatedAt)}</time>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          onClick={() => setEditing(l)}
                          aria-label={`Edit the limit of ${whoOf(l)} in ${l.currency}`}
                        >
                          Edit
                        </Button>
                        <DeleteButton limit={l} who={whoOf(l)} />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {editing ? <LimitModal limit={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
};

export const AuthorityLimitsPage = () => (
  <AdminOnly>
    <AuthorityLimits />
  </AdminOnly>
);
