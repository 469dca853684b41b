import { Anchor, Button, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import type { Contact } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { ContactForm } from "./contact-form";
import { useContactList, useSaveCustomer } from "./customers.queries";

export const ContactsPage = () => {
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 250);
  const list = useContactList(q);
  const save = useSaveCustomer<Contact>("contacts");
  const [creating, setCreating] = useState(false);
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="sm" maw={1100}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Contacts
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New contact
        </Button>
      </Group>
      <TextInput
        aria-label="Find contacts"
        placeholder="Find by name, email or phone"
        leftSection={<IconSearch size={16} />}
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        maw={420}
      />
      <Paper withBorder>
        {list.isLoading ? (
          <Loading label="Loading contacts…" />
        ) : list.error ? (
          <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          <Empty title={q ? "No contact matches" : "No contacts yet"}>
            {q ? `Nobody matches “${q}”.` : "Contacts appear when customers write in, or add one yourself."}
          </Empty>
        ) : (
          <Table highlightOnHover aria-label="Contacts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th visibleFrom="md">Phone</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor
                      size="sm"
                      fw={500}
                      renderRoot={(props) => <Link {...props} to="/contacts/$contactId" params={{ contactId: c.id }} />}
                    >
                      {c.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{c.emails.join(", ") || "—"}</Text>
                  </Table.Td>
                  <Table.Td visibleFrom="md">
                    <Text size="sm">{c.phones.join(", ") || "—"}</Text>
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
      <Modal opened={creating} onClose={() => setCreating(false)} title="New contact">
        {creating ? (
          <ContactForm
            busy={save.isPending}
            error={save.error}
            submitLabel="Create contact"
            onCancel={() => setCreating(false)}
            onSubmit={(body) =>
              save.mutate(
                { body },
                {
                  onSuccess: (created) => {
                    setCreating(false);
                    notifications.show({ color: "green", message: `${created.name} added.` });
                    void navigate({ to: "/contacts/$contactId", params: { contactId: created.id } });
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
