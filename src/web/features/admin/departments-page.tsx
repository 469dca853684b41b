import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { DEPARTMENT_KINDS, type DepartmentKind } from "../../../shared/domain";
import { errorMessage, fieldError } from "../../app/api-client";
import { useDepartments, useEmployeeOptions } from "../../app/directory";
import type { Department } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { EditConflictAlert, useRefreshFromList, useVersionedSave, type VersionedSave } from "../../ui/versioned-save";
import { useSaveResource } from "./admin.queries";
import { AdminOnly } from "./admin-only";

const KIND_LABEL: Record<DepartmentKind, string> = { service: "Customer service", operations: "Operations" };

/** Opens the form on the version shown; a reload after a conflict shows the latest one. */
const DepartmentModal = ({ department, onClose }: { department: Department | null; onClose: () => void }) => {
  const refresh = useRefreshFromList<Department>("/departments", ["departments"]);
  const [shown, setShown] = useState(department);
  const edit = useVersionedSave<Department>({
    version: department?.version ?? 0,
    refresh: async () => (department ? await refresh(department.id) : undefined),
    onReloaded: setShown,
  });
  return <DepartmentForm key={edit.formKey} department={shown} edit={edit} onClose={onClose} />;
};

const DepartmentForm = ({
  department,
  edit,
  onClose,
}: {
  department: Department | null;
  edit: VersionedSave<Department>;
  onClose: () => void;
}) => {
  const employees = useEmployeeOptions();
  const save = useSaveResource<Department>("departments");
  const [name, setName] = useState(department?.name ?? "");
  const [kind, setKind] = useState<DepartmentKind>(department?.kind ?? "service");
  const [directorId, setDirectorId] = useState<string | null>(department?.directorId ?? null);
  const [cost, setCost] = useState<number | string>(department ? department.hourlyCostMinor / 100 : 0);
  const [currency, setCurrency] = useState(department?.currency ?? "EUR");
  const err = edit.error;
  return (
    <Modal opened onClose={onClose} title={department ? `Edit ${department.name}` : "New department"}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void edit
            .run(
              async (headers) =>
                await save.mutateAsync({
                  ...{
                    id: department?.id,
                    body: {
                      name: name.trim(),
                      kind,
                      directorId,
                      hourlyCostMinor: Math.round(Number(cost || 0) * 100),
                      currency,
                    },
                  },
                  headers,
                }),
            )
            .then((saved) => {
              if (saved) {
                notifications.show({ color: "green", message: `Department ${name} saved.` });
                onClose();
              }
            });
        }}
      >
        <Stack gap="sm">
          <EditConflictAlert what="department" edit={edit} />
          {err && !["name", "currency", "hourlyCostMinor"].some((f) => fieldError(err, f)) ? (
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
          <Select
            label="Kind"
            data={DEPARTMENT_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => v && setKind(v as DepartmentKind)}
            allowDeselect={false}
          />
          <Select
            label="Director"
            searchable
            clearable
            data={employees.options}
            value={directorId}
            onChange={setDirectorId}
            limit={50}
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Hourly cost"
              min={0}
              decimalScale={2}
              value={cost}
              onChange={setCost}
              error={fieldError(err, "hourlyCostMinor")}
            />
            <TextInput
              label="Currency"
              value={currency}
              onChange={(e) => setCurrency(e.currentTarget.value.toUpperCase())}
              maxLength={3}
              error={fieldError(err, "currency")}
            />
          </Group>
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

const Departments = () => {
  const departments = useDepartments();
  const employees = useEmployeeOptions();
  const [editing, setEditing] = useState<Department | "new" | null>(null);
  const money = (d: Department) =>
    new Intl.NumberFormat(undefined, { style: "currency", currency: d.currency }).format(d.hourlyCostMinor / 100);
  return (
    <Stack gap="sm" maw={1000}>
      <Group justify="space-between">
        <Title order={1} fz="xl">
          Departments
        </Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
          New department
        </Button>
      </Group>
      <Paper withBorder>
        {departments.isLoading ? (
          <Loading />
        ) : departments.error ? (
          <ErrorAlert error={departments.error} />
        ) : (departments.data ?? []).length === 0 ? (
          <Empty title="No departments yet">Departments group employees; case owners can be found by department.</Empty>
        ) : (
          <Table highlightOnHover aria-label="Departments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Director</Table.Th>
                <Table.Th>Hourly cost</Table.Th>
                <Table.Th w={80} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(departments.data ?? []).map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {d.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>{KIND_LABEL[d.kind]}</Table.Td>
                  <Table.Td>{d.directorId ? (employees.byId.get(d.directorId)?.name ?? "—") : "—"}</Table.Td>
                  <Table.Td>{money(d)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() => setEditing(d)}
                      aria-label={`Edit ${d.name}`}
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
      {editing ? (
        <DepartmentModal department={editing === "new" ? null : editing} onClose={() => setEditing(null)} />
      ) : null}
    </Stack>
  );
};

export const DepartmentsPage = () => (
  <AdminOnly>
    <Departments />
  </AdminOnly>
);
