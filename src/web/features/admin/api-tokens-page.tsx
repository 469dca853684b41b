import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { API_TOKEN_SCOPES, type ApiTokenScope } from "../../../shared/domain";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { isAdmin, useSession } from "../../app/session";
import type { ApiToken, CreatedApiToken } from "../../app/wire";
import { describeAgo, formatAbsolute } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useNow } from "../../ui/use-now";

const CreateTokenModal = ({ onClose }: { onClose: () => void }) => {
  const session = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiTokenScope[]>(["read", "write"]);
  const [days, setDays] = useState<number | string>(90);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const create = useMutation({
    mutationFn: async () =>
      await api<CreatedApiToken>("/me/tokens", {
        method: "POST",
        body: { name: name.trim(), scopes, expiresInDays: days === "" ? null : Number(days) },
      }),
    onSuccess: (t) => {
      setCreated(t);
      void queryClient.invalidateQueries({ queryKey: ["tokens"] });
    },
  });
  const allowed = API_TOKEN_SCOPES.filter((s) => s !== "admin" || isAdmin(session));
  return (
    <Modal opened onClose={onClose} title={created ? "Your new API token" : "New API token"} size="lg">
      {created ? (
        <Stack gap="sm">
          <Alert color="yellow" variant="light">
            Copy the token now. It is shown only once; Extramile keeps only its hash.
          </Alert>
          <Code block data-testid="new-token">
            {created.token}
          </Code>
          <Group justify="flex-end">
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? "Copied" : "Copy token"}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Stack gap="sm">
            {create.error && !fieldError(create.error, "name") ? (
              <Alert color="red">{errorMessage(create.error)}</Alert>
            ) : null}
            <TextInput
              label="Name"
              description="What uses it, e.g. “CRM sync”"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(create.error, "name")}
              data-autofocus
            />
            <Checkbox.Group
              label="Scopes"
              value={scopes}
              onChange={(v) => setScopes(v as ApiTokenScope[])}
              error={fieldError(create.error, "scopes")}
            >
              <Group mt={4}>
                {allowed.map((s) => (
                  <Checkbox key={s} value={s} label={s} />
                ))}
              </Group>
            </Checkbox.Group>
            <NumberInput
              label="Expires after (days)"
              description="Empty: never expires"
              min={1}
              max={3650}
              value={days}
              onChange={setDays}
              allowDecimal={false}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={scopes.length === 0}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
};

export const ApiTokensPage = () => {
  const queryClient = useQueryClient();
  const now = useNow();
  const [creating, setCreating] = useState(false);
  const tokens = useQuery({
    queryKey: ["tokens"],
    queryFn: async () => (await api<{ items: ApiToken[] }>("/me/tokens")).items,
  });
  const revoke = useMutation({
    mutationFn: async (t: ApiToken) => await api<ApiToken>(`/me/tokens/${t.id}`, { method: "DELETE" }),
    onSuccess: (t) => {
      notifications.show({ message: `Token “${t.name}” revoked.` });
      void queryClient.invalidateQueries({ queryKey: ["tokens"] });
    },
    onError: (err) => notifications.show({ color: "red", message: errorMessage(err) }),
  });
  const state = (t: ApiToken) =>
    t.revokedAt ? "Revoked" : t.expiresAt && new Date(t.expiresAt) < now ? "Expired" : "Active";
  return (
    <Stack gap="sm" maw={1000}>
      <Group justify="space-between">
        <Stack gap={0}>
          <Title order={1} fz="xl">
            API tokens
          </Title>
          <Text size="sm" c="dimmed">
            Personal tokens act as you. Send them as <Code>Authorization: Bearer …</Code>; see the API docs at{" "}
            <a href="/api/docs">/api/docs</a>.
          </Text>
        </Stack>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New token
        </Button>
      </Group>
      <Paper withBorder>
        {tokens.isLoading ? (
          <Loading />
        ) : tokens.error ? (
          <ErrorAlert error={tokens.error} />
        ) : (tokens.data ?? []).length === 0 ? (
          <Empty title="No API tokens">Create one to connect another system to Extramile.</Empty>
        ) : (
          <Table aria-label="API tokens" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Prefix</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th w={90} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(tokens.data ?? []).map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>{t.name}</Table.Td>
                  <Table.Td>
                    <Code>{t.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{t.scopes.join(", ")}</Table.Td>
                  <Table.Td title={t.expiresAt ? formatAbsolute(t.expiresAt) : undefined}>
                    {t.expiresAt ? describeAgo(t.expiresAt, now) : "Never"}
                  </Table.Td>
                  <Table.Td>{t.lastUsedAt ? describeAgo(t.lastUsedAt, now) : "Never"}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={state(t) === "Active" ? "green" : "gray"}>
                      {state(t)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {state(t) === "Active" ? (
                      <Button
                        size="compact-xs"
                        color="red"
                        variant="subtle"
                        onClick={() => revoke.mutate(t)}
                        aria-label={`Revoke ${t.name}`}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {creating ? <CreateTokenModal onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
};
