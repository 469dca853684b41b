import { Alert, Button, Group, Stack, TagsInput, Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { errorMessage, fieldError, fieldErrorUnder } from "../../app/api-client";
import type { Organization } from "../../app/wire";

export interface OrganizationFormValues {
  name: string;
  domains: string[];
  notes: string;
}

export const OrganizationForm = ({
  organization,
  busy,
  error,
  onSubmit,
  onCancel,
  submitLabel,
}: {
  organization?: Organization;
  busy: boolean;
  error: unknown;
  onSubmit: (body: OrganizationFormValues) => void;
  onCancel: () => void;
  submitLabel: string;
}) => {
  const [name, setName] = useState(organization?.name ?? "");
  const [domains, setDomains] = useState<string[]>(organization?.domains ?? []);
  const [notes, setNotes] = useState(organization?.notes ?? "");
  const domainError = fieldErrorUnder(error, "domains");
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit({ name: name.trim(), domains, notes });
      }}
    >
      <Stack gap="sm">
        {error && !fieldError(error, "name") && !domainError ? <Alert color="red">{errorMessage(error)}</Alert> : null}
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(error, "name")}
          data-autofocus
        />
        <TagsInput
          label="Email domains"
          description="Mail from these domains is linked to this organization"
          value={domains}
          onChange={setDomains}
          error={domainError}
          splitChars={[",", " "]}
        />
        <Textarea
          label="Notes"
          autosize
          minRows={2}
          maxRows={8}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
        />
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
