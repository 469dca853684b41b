import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage, fieldError } from "../../app/api-client";
import type { RootCauseCategory } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import {
  EditConflictAlert,
  ifMatch,
  isVersionConflict,
  useRefreshFromList,
  useVersionedSave,
  type VersionedSave,
} from "../../ui/versioned-save";
import { AdminOnly } from "../admin/admin-only";
import { useRootCauseCategories } from "./everyones-job.queries";

const useSaveCategory = () => {
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
      await api<RootCauseCategory>(id ? `/root-cause-categories/${id}` : "/root-cause-categories", {
        method: id ? "PATCH" : "POST",
        body,
        ...(id ? { headers } : {}),
      }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["root-cause-categories"] }),
  });
};

/** Opens the form on the version shown; a reload after a conflict shows the latest one. */
const CategoryModal = ({ category, onClose }: { category: RootCauseCategory | null; onClose: () => void }) => {
  const refresh = useRefreshFromList<RootCauseCategory>("/root-cause-categories", ["root-cause-categories"]);
  const [shown, setShown] = useState(category);
  const edit = useVersionedSave<RootCauseCategory>({
    version: category?.version ?? 0,
    refresh: async () => (category ? await refresh(category.id) : undefined),
    onReloaded: setShown,
  });
  return <CategoryForm key={edit.formKey} category={shown} edit={edit} onClose={onClose} />;
};

const CategoryForm = ({
  category,
  edit,
  onClose,
}: {
  category: RootCauseCategory | null;
  edit: VersionedSave<RootCauseCategory>;
  onClose: () => void;
}) => {
  const save = useSaveCategory();
  const [name, setName] = useState(category?.name ?? "");
  const [description, setDescription] = useState(category?.description ?? "");
  const [position, setPosition] = useState<number | string>(category?.position ?? 0);
  const err = edit.error;
  return (
    <Modal opened onClose={onClose} title={category ? `Edit ${category.name}` : "New root-cause category"}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void edit
            .run(
              async (headers) =>
                await save.mutateAsync({
                  ...{
                    ...(category ? { id: category.id } : {}),
                    body: { name: name.trim(), description: description.trim(), position: Number(position) || 0 },
                  },
                  headers,
                }),
            )
            .then((saved) => {
              if (saved) {
                notifications.show({ color: "green", message: `Category ${name.trim()} saved.` });
                onClose();
              }
            });
        }}
      >
        <Stack gap="sm">
          <EditConflictAlert what="root-cause category" edit={edit} />
          {err && !["name", "description", "position"].some((f) => fieldError(err, f)) ? (
            <Alert color="red">{errorMessage(err)}</Alert>
          ) : null}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
            data-autofocus
          />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={fieldError(err, "description")}
          />
          <NumberInput
            label="Position in lists"
            min={0}
            max={10_000}
            value={position}
            onChange={setPosition}
            error={fieldError(err, "position")}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={edit.busy} disabled={!name.trim()}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};

const ActiveToggle = ({ category }: { category: RootCauseCategory }) => {
  const save = useSaveCategory();
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      color={category.active ? "red" : "green"}
      loading={save.isPending}
      aria-label={`${category.active ? "Retire" : "Reactivate"} ${category.name}`}
      onClick={() =>
        save.mutate(
          { id: category.id, body: { active: !category.active }, headers: ifMatch(category.version) },
          {
            onSuccess: (saved) =>
              notifications.show({
                message: saved.active
                  ? `${saved.name} can be chosen again.`
                  : `${saved.name} is retired: old cases keep it, new ones cannot choose it.`,
              }),
            onError: (err) =>
              notifications.show({
                color: "red",
                title: "Not saved",
                message: isVersionConflict(err)
                  ? `Someone changed ${category.name} meanwhile; the list now shows it as it is. Try again if still needed.`
                  : errorMessage(err),
              }),
          },
        )
      }
    >
      {category.active ? "Retire" : "Reactivate"}
    </Button>
  );
};

const Categories = () => {
  const categories = useRootCauseCategories();
  const [editing, setEditing] = useState<RootCauseCategory | "new" | null>(null);
  const sorted = [...(categories.data ?? [])].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  return (
    <Stack gap="sm" maw={1000}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Root-cause categories
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
          New category
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        Complaints and incidents are solved with a root cause from this list. Retired categories stay on old cases but
        cannot be chosen.
      </Text>
      <Paper withBorder>
        {categories.isLoading ? (
          <Loading label="Loading categories…" />
        ) : categories.error ? (
          <ErrorAlert error={categories.error} onRetry={() => void categories.refetch()} />
        ) : sorted.length === 0 ? (
          <Empty title="No categories yet">
            Without categories nobody can solve a complaint or an incident: add the first one.
          </Empty>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table highlightOnHover aria-label="Root-cause categories">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th w={160} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sorted.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {c.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {c.description || "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={c.active ? "green" : "gray"} variant="light" tt="none">
                        {c.active ? "In use" : "Retired"}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          onClick={() => setEditing(c)}
                          aria-label={`Edit ${c.name}`}
                        >
                          Edit
                        </Button>
                        <ActiveToggle category={c} />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {editing ? (
        <CategoryModal category={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </Stack>
  );
};

export const RootCauseCategoriesPage = () => (
  <AdminOnly>
    <Categories />
  </AdminOnly>
);
