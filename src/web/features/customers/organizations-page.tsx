import { Anchor, Button, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import type { Organization } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useOrganizationList, useSaveCustomer } from "./customers.queries";
import { OrganizationForm } from "./organization-form";

export const OrganizationsPage = () => {
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const list = useOrganizationList(q);
  const save = useSaveCustomer<Organization>("organizations");
  const [creating, setCreating] = useState(false);
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm" maw={1100}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Organizations
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New organization
        </Button>
      </Group>
      <TextInput
        aria-label="Find organizations"
        placeholder="Find by name or domain"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={420}
      />
      <Paper withBorder>
        {list.isLoading ? (
          <Loading label="Loading organizations…" />
        ) : list.error ? (
          <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title={q ? "No organization matches" : "No organizations yet"}>
            {q ? `Nothing matches “${q}”.` : "Add the companies your customers work for."}
          </Empty>
        ) : (
          <Table highlightOnHover aria-label="Organizations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Domains</Table.Th>
                <Table.Th visibleFrom="md">Notes</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((o) => (
                <Table.Tr key={o.id}>
                  <Table.Td>
                    <Anchor
                      size="sm"
                      fw={500}
                      renderRoot={(props) => (
                        <Link {...props} to="/organizations/$organizationId" params={{ organizationId: o.id }} />
                      )}
                    >
                      {o.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{o.domains.join(", ") || "—"}</Text>
                  </Table.Td>
                  <Table.Td visibleFrom="md" maw={360}>
                    <Text size="sm" c="dimmed" truncate>
                      {o.notes || "—"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {list.hasNextPage ? (
        <Button
          variant="default"
          w="fit-content"
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
        >
          Load more
        </Button>
      ) : null}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New organization">
        {creating ? (
          <OrganizationForm
            busy={save.isPending}
            error={save.error}
            submitLabel="Create organization"
            onCancel={() => setCreating(false)}
            onSubmit={(body) =>
              save.mutate(
                { body },
                {
                  onSuccess: (created) => {
                    setCreating(false);
                    notifications.show({ color: "green", message: `${created.name} added.` });
                    void navigate({ to: "/organizations/$organizationId", params: { organizationId: created.id } });
                  },
                },
              )
            }
          />
        ) : null}
      </Modal>
    </Stack>
  );
};
