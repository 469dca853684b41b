import { Anchor, Badge, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconEdit } from "@tabler/icons-react";
import { Link, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { ApiError } from "../../app/api-client";
import type { Contact } from "../../app/wire";
import { ErrorAlert, Loading, NotFound } from "../../ui/states";
import { EditConflictAlert, useVersionedSave } from "../../ui/versioned-save";
import { ContactForm } from "./contact-form";
import { CustomerCases } from "./customer-cases";
import { useContact, useOrganization, useSaveCustomer } from "./customers.queries";

const Field = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Stack gap={2}>
    <Text size="xs" c="dimmed" fw={700} tt="uppercase">
      {label}
    </Text>
    <div>{children}</div>
  </Stack>
);

/** The edit form of a contact, saved against the version it opened with (a conflict is shown, never overwritten). */
const EditContact = ({
  contact,
  organizationName,
  refresh,
  onDone,
}: {
  contact: Contact;
  organizationName: string | null;
  refresh: () => Promise<Contact | undefined>;
  onDone: () => void;
}) => {
  const save = useSaveCustomer<Contact>("contacts");
  const edit = useVersionedSave<Contact>({
    version: contact.version,
    refresh,
    onSaved: (saved) => {
      onDone();
      notifications.show({
        color: "green",
        message:
          saved.pendingEmail && saved.pendingEmail !== contact.pendingEmail
            ? `Contact saved. We emailed ${saved.pendingEmail} a link to confirm it; the current addresses stay in use until then.`
            : "Contact saved.",
      });
    },
  });
  return (
    <Stack gap="sm">
      <EditConflictAlert what="contact" edit={edit} />
      <ContactForm
        key={edit.formKey}
        contact={contact}
        organizationName={organizationName}
        busy={edit.busy}
        error={edit.error}
        submitLabel="Save"
        onCancel={onDone}
        onSubmit={(body) => void edit.run(async (headers) => await save.mutateAsync({ id: contact.id, body, headers }))}
      />
    </Stack>
  );
};

export const ContactPage = () => {
  const { contactId } = useParams({ from: "/app/contacts/$contactId" });
  const contact = useContact(contactId);
  const org = useOrganization(contact.data?.organizationId);
  const [editing, setEditing] = useState(false);
  if (contact.isLoading) return <Loading label="Loading the contact…" />;
  if (contact.error instanceof ApiError && contact.error.status === 404) return <NotFound />;
  if (contact.error || !contact.data)
    return <ErrorAlert error={contact.error} onRetry={() => void contact.refetch()} />;
  const c = contact.data;
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between">
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            <Anchor size="xs" underline="always" renderRoot={(props) => <Link {...props} to="/contacts" />}>
              Contacts
            </Anchor>{" "}
            / contact
          </Text>
          <Title order={1} fz="xl">
            {c.name}
          </Title>
        </Stack>
        <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)}>
          Edit
        </Button>
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Field label="Emails">
            {c.emails.length ? (
              c.emails.map((e) => (
                <Text key={e} size="sm">
                  {e}
                </Text>
              ))
            ) : (
              <Text size="sm" c="dimmed">
                None
              </Text>
            )}
            {c.pendingEmail ? (
              <Stack gap={2} mt={4} data-testid="pending-email">
                <Group gap={6}>
                  <Text size="sm">{c.pendingEmail}</Text>
                  <Badge size="sm" color="yellow" variant="light">
                    Awaiting confirmation
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed">
                  Used for replies and portal sign-in once the customer confirms it from the link we emailed there.
                </Text>
              </Stack>
            ) : null}
          </Field>
          <Field label="Phones">
            {c.phones.length ? (
              c.phones.map((p) => (
                <Text key={p} size="sm">
                  {p}
                </Text>
              ))
            ) : (
              <Text size="sm" c="dimmed">
                None
              </Text>
            )}
          </Field>
          <Field label="Organization">
            {c.organizationId ? (
              <Anchor
                size="sm"
                renderRoot={(props) => (
                  <Link
                    {...props}
                    to="/organizations/$organizationId"
                    params={{ organizationId: c.organizationId ?? "" }}
                  />
                )}
              >
                {org.data?.name ?? "Organization"}
              </Anchor>
            ) : (
              <Text size="sm" c="dimmed">
                None
              </Text>
            )}
          </Field>
          <Field label="Customer portal">
            <Text size="sm">
              {c.organizationId && c.organizationManager
                ? "Sees all of the organization's cases"
                : "Sees their own cases"}
            </Text>
          </Field>
        </SimpleGrid>
      </Paper>
      <CustomerCases params={{ requesterId: c.id }} title={`Cases of ${c.name}`} />
      <Modal
        opened={editing}
        onClose={() => setEditing(false)}
        closeButtonProps={{ "aria-label": "Close" }}
        title={`Edit ${c.name}`}
      >
        {editing ? (
          <EditContact
            contact={c}
            organizationName={org.data?.name ?? null}
            refresh={async () => (await contact.refetch()).data}
            onDone={() => setEditing(false)}
          />
        ) : null}
      </Modal>
    </Stack>
  );
};
