import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { CUSTOM_FIELD_TYPES, type CustomFieldType } from "../../../shared/domain";
import { errorMessage, fieldError, fieldErrorUnder } from "../../app/api-client";
import { useCustomFields } from "../../app/directory";
import type { CustomField } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { EditConflictAlert, useRefreshFromList, useVersionedSave, type VersionedSave } from "../../ui/versioned-save";
import { useSaveResource } from "./admin.queries";
import { AdminOnly } from "./admin-only";

const TYPE_LABEL: Record<CustomFieldType, string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  select: "Choice list",
  checkbox: "Checkbox",
};

/** Opens the form on the version shown; a reload after a conflict shows the latest one. */
const FieldModal = ({ field, onClose }: { field: CustomField | null; onClose: () => void }) => {
  const refresh = useRefreshFromList<CustomField>("/custom-fields", ["custom-fields"]);
  const [shown, setShown] = useState(field);
  const edit = useVersionedSave<CustomField>({
    version: field?.version ?? 0,
    refresh: async () => (field ? await refresh(field.id) : undefined),
    onReloaded: setShown,
  });
  return <FieldForm key={edit.formKey} field={shown} edit={edit} onClose={onClose} />;
};

const FieldForm = ({
  field,
  edit,
  onClose,
}: {
  field: CustomField | null;
  edit: VersionedSave<CustomField>;
  onClose: () => void;
}) => {
  const save = useSaveResource<CustomField>("custom-fields");
  const [label, setLabel] = useState(field?.label ?? "");
  const [key, setKey] = useState(field?.key ?? "");
  const [type, setType] = useState<CustomFieldType>(field?.type ?? "text");
  const [fieldOptions, setFieldOptions] = useState<string[]>(field?.options ?? []);
  const [required, setRequired] = useState(field?.required ?? false);
  const [active, setActive] = useState(field?.active ?? true);
  const [position, setPosition] = useState<number | string>(field?.position ?? 0);
  const err = edit.error;
  const suggestKey = (l: string) =>
    l
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^[^a-z]+|_+$/g, "")
      .slice(0, 64);
  return (
    <Modal opened onClose={onClose} title={field ? `Edit “${field.label}”` : "New custom field"}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const common = { label: label.trim(), options: fieldOptions, required, position: Number(position) || 0 };
          void edit
            .run(
              async (headers) =>
                await save.mutateAsync({
                  ...(field ? { id: field.id, body: { ...common, active } } : { body: { ...common, key, type } }),
                  headers,
                }),
            )
            .then((saved) => {
              if (saved) {
                notifications.show({ color: "green", message: `Field “${label}” saved.` });
                onClose();
              }
            });
        }}
      >
        <Stack gap="sm">
          <EditConflictAlert what="custom field" edit={edit} />
          {err && !["label", "key", "options"].some((f) => fieldErrorUnder(err, f)) ? (
            <Alert color="red">{errorMessage(err)}</Alert>
          ) : null}
          <TextInput
            label="Label"
            required
            value={label}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (!field && (key === "" || key === suggestKey(label))) setKey(suggestKey(v));
              setLabel(v);
            }}
            error={fieldError(err, "label")}
            data-autofocus
          />
          <Group grow align="flex-start">
            <TextInput
              label="Key"
              description="Used in the API; cannot change later"
              required
              disabled={!!field}
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
              error={fieldError(err, "key")}
            />
            <Select
              label="Type"
              disabled={!!field}
              data={CUSTOM_FIELD_TYPES.map((t) => ({ value: t, label: TYPE_LABEL[t] }))}
              value={type}
              onChange={(v) => v && setType(v as CustomFieldType)}
              allowDeselect={false}
            />
          </Group>
          {type === "select" ? (
            <TagsInput
              label="Choices"
              description="Press Enter after each choice"
              value={fieldOptions}
              onChange={setFieldOptions}
              error={fieldErrorUnder(err, "options")}
            />
          ) : null}
          <Group grow align="flex-end">
            <NumberInput
              label="Position"
              min={0}
              max={10000}
              value={position}
              onChange={setPosition}
              allowDecimal={false}
            />
            <Checkbox
              label="Required to solve a case"
              checked={required}
              onChange={(e) => setRequired(e.currentTarget.checked)}
              mb={8}
            />
          </Group>
          {field ? (
            <Checkbox
              label="Active (shown on cases)"
              checked={active}
              onChange={(e) => setActive(e.currentTarget.checked)}
            />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={edit.busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const CustomFields = () => {
  const fields = useCustomFields();
  const [editing, setEditing] = useState<CustomField | "new" | null>(null);
  const rows = [...(fields.data ?? [])].sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));
  return (
    <Stack gap="sm" maw={1000}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Custom fields
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
          New field
        </Button>
      </Group>
      <Paper withBorder>
        {fields.isLoading ? (
          <Loading />
        ) : fields.error ? (
          <ErrorAlert error={fields.error} />
        ) : rows.length === 0 ? (
          <Empty title="No custom fields yet">Add fields such as “Order number” or “Product” to every case.</Empty>
        ) : (
          <Table highlightOnHover aria-label="Custom fields">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Rules</Table.Th>
                <Table.Th w={80} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    <Text size="sm" fw={500} c={f.active ? undefined : "dimmed"}>
                      {f.label}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {f.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {TYPE_LABEL[f.type]}
                    {f.type === "select" ? ` (${f.options.length})` : ""}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {f.required ? (
                        <Badge size="xs" variant="light">
                          Required to solve
                        </Badge>
                      ) : null}
                      {f.active ? null : (
                        <Badge size="xs" color="gray" variant="light">
                          Inactive
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setEditing(f)}
                      aria-label={`Edit ${f.label}`}
                    >
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      {editing ? <FieldModal field={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
};

export const CustomFieldsPage = () => (
  <AdminOnly>
    <CustomFields />
  </AdminOnly>
);
