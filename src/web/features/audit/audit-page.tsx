import {
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
  VisuallyHidden,
} from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import type { z } from "zod";
import type { zAuditEntry } from "../../../shared/contracts/auth";
import { api, queryString } from "../../app/api-client";
import { useUsers } from "../../app/directory";
import type { Page } from "../../app/wire";
import { formatAbsolute, fromLocalInput } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { AdminOnly } from "../admin/admin-only";
import { diffRows, humanize } from "./audit-diff";

type AuditEntry = z.input<typeof zAuditEntry>;

const ENTITY_TYPES = [
  "case",
  "sla_policy",
  "business_calendar",
  "user",
  "department",
  "team",
  "custom_field",
  "view",
  "organization",
  "contact",
  "remedy",
  "authority_limit",
  "root_cause_category",
  "corrective_action",
  "support_address",
  "mailbox",
];

const KIND_COLOR = { added: "green", removed: "red", changed: "blue" } as const;

const Changes = ({ entry }: { entry: AuditEntry }) => {
  const rows = diffRows(entry.before, entry.after);
  if (rows.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        No field changes recorded
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {rows.map((r) => (
        <Text key={r.key} component="div" size="xs" style={{ wordBreak: "break-word" }}>
          <Badge size="xs" variant="light" color={KIND_COLOR[r.kind]} tt="none" mr={4}>
            {r.key}
          </Badge>
          {r.kind === "added" ? null : (
            <Text span size="xs" td="line-through" c="dimmed" aria-label={`before: ${r.before}`}>
              {r.before}
            </Text>
          )}
          {r.kind === "changed" ? " → " : null}
          {r.kind === "removed" ? null : (
            <Text span size="xs" fw={500} aria-label={`after: ${r.after}`}>
              {r.after}
            </Text>
          )}
        </Text>
      ))}
    </Stack>
  );
};

const Audit = () => {
  const users = useUsers();
  const [entityType, setEntityType] = useState<string | null>(null);
  const [entityId, setEntityId] = useState("");
  const [actorId, setActorId] = useState<string | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const filter = {
    entityType: entityType ?? undefined,
    entityId: entityId.trim() || undefined,
    actorId: actorId ?? undefined,
    from: fromLocalInput(from) ?? undefined,
    to: fromLocalInput(to) ?? undefined,
  };
  const log = useInfiniteQuery({
    queryKey: ["audit", filter],
    queryFn: async ({ pageParam, signal }) =>
      await api<Page<AuditEntry>>(`/audit${queryString({ ...filter, limit: 50, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const nameOf = (id: string | null) =>
    id ? (users.data?.find((u) => u.id === id)?.name ?? "A former employee") : "System";
  return (
    <Stack gap="sm" maw={1200}>
      <Title order={1} fz="xl">
        Audit log
      </Title>
      <Text size="sm" c="dimmed">
        Who changed what and when, with the values before and after. The log cannot be edited.
      </Text>
      <Group gap="sm" align="flex-end">
        <Select
          label="Entity"
          placeholder="Any"
          clearable
          searchable
          w={200}
          data={ENTITY_TYPES.map((t) => ({ value: t, label: humanize(t) }))}
          value={entityType}
          onChange={setEntityType}
        />
        <TextInput
          label="Entity id"
          placeholder="Any"
          w={200}
          value={entityId}
          onChange={(e) => setEntityId(e.currentTarget.value)}
        />
        <Select
          label="Changed by"
          placeholder="Anyone"
          clearable
          searchable
          w={220}
          data={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          value={actorId}
          onChange={setActorId}
        />
        <TextInput
          label="From"
          type="datetime-local"
          w={200}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          label="Until"
          type="datetime-local"
          w={200}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
      </Group>
      <Paper withBorder>
        {log.isLoading ? (
          <Loading label="Loading the audit log…" />
        ) : log.error ? (
          <ErrorAlert error={log.error} onRetry={() => void log.refetch()} />
        ) : entries.length === 0 ? (
          <Empty title="No audit entries match">Change or clear the filters to see more.</Empty>
        ) : (
          <Table aria-label="Audit log entries, newest first" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={170}>When</Table.Th>
                <Table.Th w={160}>Who</Table.Th>
                <Table.Th w={220}>What</Table.Th>
                <Table.Th>Changes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Text size="xs">
                      <time dateTime={e.createdAt}>{formatAbsolute(e.createdAt)}</time>
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{nameOf(e.actorId)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {humanize(e.action)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {humanize(e.entityType)}{" "}
                      {e.entityType === "case" ? (
                        <Anchor
                          size="xs"
                          renderRoot={(props) => (
                            <Link {...props} to="/cases/$caseId" params={{ caseId: e.entityId }} />
                          )}
                        >
                          open
                        </Anchor>
                      ) : (
                        <Anchor
                          size="xs"
                          component="button"
                          type="button"
                          title={`Show only this ${humanize(e.entityType)}`}
                          onClick={() => setEntityId(e.entityId)}
                        >
                          {e.entityId.slice(0, 8)}
                          <VisuallyHidden>: show only this {humanize(e.entityType)}</VisuallyHidden>
                        </Anchor>
                      )}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Changes entry={e} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {log.hasNextPage ? (
        <Group>
          <Button variant="default" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            Load older entries
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
};

export const AuditPage = () => (
  <AdminOnly>
    <Audit />
  </AdminOnly>
);
