import { Anchor, Button, Grid, Group, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconEdit } from "@tabler/icons-react";
import { Link, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { ApiError } from "../../app/api-client";
import type { Organization } from "../../app/wire";
import { Empty, ErrorAlert, Loading, NotFound } from "../../ui/states";
import { EditConflictAlert, useVersionedSave } from "../../ui/versioned-save";
import { CustomerCases } from "./customer-cases";
import { useContactList, useOrganization, useSaveCustomer } from "./customers.queries";
import { OrganizationForm } from "./organization-form";

/** The edit form of an organization, saved against the version it opened with (a conflict is shown). */
const EditOrganization = ({
  organization,
  refresh,
  onDone,
}: {
  organization: Organization;
  refresh: () => Promise<Organization | undefined>;
  onDone: () => void;
}) => {
  const save = useSaveCustomer<Organization>("organizations");
  const edit = useVersionedSave<Organization>({
    version: organization.version,
    refresh,
    onSaved: () => {
      onDone();
      notifications.show({ color: "green", message: "Organization saved." });
    },
  });
  return (
    <Stack gap="sm">
      <EditConflictAlert what="organization" edit={edit} />
      <OrganizationForm
        key={edit.formKey}
        organization={organization}
        busy={edit.busy}
        error={edit.error}
        submitLabel="Save"
        onCancel={onDone}
        onSubmit={(body) =>
          void edit.run(async (headers) => await save.mutateAsync({ id: organization.id, body, headers }))
        }
      />
    </Stack>
  );
};

export const OrganizationPage = () => {
  const { organizationId } = useParams({ from: "/app/organizations/$organizationId" });
  const org = useOrganization(organizationId);
  const contacts = useContactList("", organizationId);
  const [editing, setEditing] = useState(false);
  if (org.isLoading) return <Loading label="Loading the organization…" />;
  if (org.error instanceof ApiError && org.error.status === 404) return <NotFound />;
  if (org.error || !org.data) return <ErrorAlert error={org.error} onRetry={() => void org.refetch()} />;
  const o = org.data;
  const people = contacts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="md" maw={1200}>
      <Group justify="space-between">
        <Stack gap={0}>
          <Text size="xs" c="dimmed">
            <Anchor size="xs" underline="always" renderRoot={(props) => <Link {...props} to="/organizations" />}>
              Organizations
            </Anchor>{" "}
            / organization
          </Text>
          <Title order={1} fz="xl">
            {o.name}
          </Title>
        </Stack>
        <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)}>
          Edit
        </Button>
      </Group>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="md">
            <Stack gap="sm">
              <Stack gap={2}>
                <Text size="xs" c="dimmed" fw={700} tt="uppercase">
                  Domains
                </Text>
                <Text size="sm">{o.domains.join(", ") || "None"}</Text>
              </Stack>
              <Stack gap={2}>
                <Text size="xs" c="dimmed" fw={700} tt="uppercase">
                  Notes
                </Text>
                <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                  {o.notes || "None"}
                </Text>
              </Stack>
              <Stack gap={2} aria-label="Contacts">
                <Text size="xs" c="dimmed" fw={700} tt="uppercase">
                  Contacts
                </Text>
                {contacts.isLoading ? (
                  <Loading />
                ) : people.length === 0 ? (
                  <Empty title="No contacts" />
                ) : (
                  people.map((p) => (
                    <Anchor
                      key={p.id}
                      size="sm"
                      renderRoot={(props) => <Link {...props} to="/contacts/$contactId" params={{ contactId: p.id }} />}
                    >
                      {p.name}
                      {p.emails[0] ? ` · ${p.emails[0]}` : ""}
                    </Anchor>
                  ))
                )}
              </Stack>
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <CustomerCases params={{ organizationId: o.id }} title={`Cases of ${o.name}`} />
        </Grid.Col>
      </Grid>
      <Modal
        opened={editing}
        onClose={() => setEditing(false)}
        closeButtonProps={{ "aria-label": "Close" }}
        title={`Edit ${o.name}`}
      >
        {editing ? (
          <EditOrganization
            organization={o}
            refresh={async () => (await org.refetch()).data}
            onDone={() => setEditing(false)}
          />
        ) : null}
      </Modal>
    </Stack>
  );
};
