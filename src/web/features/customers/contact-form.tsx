import { Alert, Button, Checkbox, Group, Stack, TagsInput, TextInput } from "@mantine/core";
import { useState } from "react";
import { errorMessage, fieldError, fieldErrorUnder } from "../../app/api-client";
import type { Contact } from "../../app/wire";
import { OrganizationPicker } from "./organization-picker";

export interface ContactFormValues {
  name: string;
  emails: string[];
  phones: string[];
  organizationId: string | null;
  organizationManager: boolean;
}

export const ContactForm = ({
  contact,
  organizationName,
  busy,
  error,
  onSubmit,
  onCancel,
  submitLabel,
}: {
  contact?: Contact;
  organizationName?: string | null;
  busy: boolean;
  error: unknown;
  onSubmit: (body: ContactFormValues) => void;
  onCancel: () => void;
  submitLabel: string;
}) => {
  const [name, setName] = useState(contact?.name ?? "");
  const [emails, setEmails] = useState<string[]>(contact?.emails ?? []);
  const [phones, setPhones] = useState<string[]>(contact?.phones ?? []);
  const [organizationId, setOrganizationId] = useState<string | null>(contact?.organizationId ?? null);
  const [manager, setManager] = useState(contact?.organizationManager ?? false);
  const known = ["name", "emails", "phones", "organizationId", "organizationManager"];
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({
          name: name.trim(),
          emails,
          phones,
          organizationId,
          organizationManager: !!organizationId && manager,
        });
      }}
    >
      <Stack gap="sm">
        {error && !known.some((f) => fieldErrorUnder(error, f)) ? (
          <Alert color="red">{errorMessage(error)}</Alert>
        ) : null}
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, "name")}
          data-autofocus
        />
        <TagsInput
          label="Emails"
          description="Press Enter after each address"
          value={emails}
          onChange={setEmails}
          error={fieldErrorUnder(error, "emails")}
          splitChars={[",", " "]}
        />
        <TagsInput
          label="Phones"
          description="Press Enter after each number"
          value={phones}
          onChange={setPhones}
          error={fieldErrorUnder(error, "phones")}
        />
        <OrganizationPicker
          value={organizationId}
          valueLabel={organizationName ?? null}
          onChange={(id) => setOrganizationId(id)}
          error={fieldError(error, "organizationId")}
        />
        {organizationId ? (
          <Checkbox
            label="Sees all of the organization's cases in the customer portal"
            checked={manager}
            onChange={(e) => setManager(e.currentTarget.checked)}
            error={fieldError(error, "organizationManager")}
          />
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};
