import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Switch, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { CaseSort } from "../../../shared/contracts/cases";
import {
  CASE_PRIORITIES,
  CASE_STATUSES,
  CASE_TYPES,
  type CasePriority,
  type CaseStatus,
  type CaseType,
} from "../../../shared/domain";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { CASE_SORT_VALUES, DUE_FILTER_VALUES, type DueFilter } from "../../app/contract-constants";
import { useEmployeeOptions, useTeams } from "../../app/directory";
import type { View, ViewFilters } from "../../app/wire";
import { options, PRIORITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "../../ui/labels";
import { OrganizationPicker } from "../customers/organization-picker";
import { DUE_LABEL } from "./views";

const SORT_LABEL: Record<CaseSort, string> = {
  next_step_due_at: "Due soonest first",
  "-next_step_due_at": "Due latest first",
  created_at: "Oldest first",
  "-created_at": "Newest first",
  updated_at: "Least recently updated",
  "-updated_at": "Recently updated",
  number: "Number ascending",
  "-number": "Number descending",
  priority: "Priority low to urgent",
  "-priority": "Priority urgent to low",
};

export const ViewEditor = ({
  view,
  onClose,
  onSaved,
}: {
  view: View | null;
  onClose: () => void;
  onSaved: (v: View) => void;
}) => {
  const queryClient = useQueryClient();
  const employees = useEmployeeOptions();
  const teams = useTeams();
  const f = view?.filters ?? {};
  const [name, setName] = useState(view?.name ?? "");
  const [status, setStatus] = useState<CaseStatus[]>(f.status ?? ["new", "open", "pending", "on_hold"]);
  const [priority, setPriority] = useState<CasePriority[]>(f.priority ?? []);
  const [type, setType] = useState<CaseType[]>(f.type ?? []);
  const [ownerId, setOwnerId] = useState<string | null>(f.ownerId ?? null);
  const [teamId, setTeamId] = useState<string | null>(f.teamId ?? null);
  const [organizationId, setOrganizationId] = useState<string | null>(f.organizationId ?? null);
  const [tag, setTag] = useState(f.tag ?? "");
  const [due, setDue] = useState<DueFilter | null>(f.due ?? null);
  const [sort, setSort] = useState<CaseSort>(view?.sort ?? "next_step_due_at");
  const [shared, setShared] = useState(view?.shared ?? false);

  const save = useMutation({
    mutationFn: async () => {
      const filters: ViewFilters = {
        ...(status.length > 0 ? { status } : {}),
        ...(priority.length > 0 ? { priority } : {}),
        ...(type.length > 0 ? { type } : {}),
        ...(ownerId ? { ownerId } : {}),
        ...(teamId ? { teamId } : {}),
        ...(organizationId ? { organizationId } : {}),
        ...(tag.trim() ? { tag: tag.trim().toLowerCase() } : {}),
        ...(due ? { due } : {}),
      };
      const body = { name: name.trim(), filters, sort, shared };
      return view
        ? await api<View>(`/views/${view.id}`, { method: "PATCH", body })
        : await api<View>("/views", { method: "POST", body });
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ["views"] });
      notifications.show({ color: "green", message: `View “${saved.name}” saved.` });
      onSaved(saved);
      onClose();
    },
  });

  const remove = useMutation({
    mutationFn: async () => {
      if (view) await api(`/views/${view.id}`, { method: "DELETE" });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["views"] });
      onClose();
    },
  });

  const err = save.error;
  return (
    <Modal opened onClose={onClose} title={view ? `Edit view “${view.name}”` : "New view"} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          {err && !fieldError(err, "name") ? <Alert color="red">{errorMessage(err)}</Alert> : null}
          {remove.error ? <Alert color="red">{errorMessage(remove.error)}</Alert> : null}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
            data-autofocus
          />
          <MultiSelect
            label="Status"
            data={options(STATUS_LABEL, CASE_STATUSES)}
            value={status}
            onChange={(v) => setStatus(v as CaseStatus[])}
            clearable
          />
          <Group grow>
            <MultiSelect
              label="Priority"
              data={options(PRIORITY_LABEL, CASE_PRIORITIES)}
              value={priority}
              onChange={(v) => setPriority(v as CasePriority[])}
              clearable
              placeholder="Any"
            />
            <MultiSelect
              label="Type"
              data={options(TYPE_LABEL, CASE_TYPES)}
              value={type}
              onChange={(v) => setType(v as CaseType[])}
              clearable
              placeholder="Any"
            />
          </Group>
          <Group grow>
            <Select
              label="Owner"
              searchable
              clearable
              placeholder="Anyone"
              data={[
                { value: "me", label: "Me (whoever uses the view)" },
                { value: "not_me", label: "Anyone but me" },
                ...employees.options,
              ]}
              value={ownerId}
              onChange={setOwnerId}
            />
            <Select
              label="Team"
              clearable
              placeholder="Any team"
              data={[
                { value: "mine", label: "My teams" },
                ...(teams.data ?? []).map((t) => ({ value: t.id, label: t.name })),
              ]}
              value={teamId}
              onChange={setTeamId}
            />
          </Group>
          <Group grow align="flex-start">
            <OrganizationPicker
              value={organizationId}
              onChange={(id) => setOrganizationId(id)}
              placeholder="Any organization"
            />
            <TextInput
              label="Tag"
              placeholder="Any tag"
              value={tag}
              onChange={(e) => setTag(e.currentTarget.value)}
              error={fieldError(err, "filters.tag")}
            />
          </Group>
          <Group grow align="flex-start">
            <Select
              label="Next step due"
              clearable
              placeholder="Any time"
              data={DUE_FILTER_VALUES.map((d) => ({ value: d, label: DUE_LABEL[d] }))}
              value={due}
              onChange={(v) => setDue(v as DueFilter | null)}
            />
            <Select
              label="Sort"
              data={CASE_SORT_VALUES.map((s) => ({ value: s, label: SORT_LABEL[s] }))}
              value={sort}
              onChange={(v) => v && setSort(v as CaseSort)}
              allowDeselect={false}
            />
          </Group>
          <Switch label="Share with everyone" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          <Group justify="space-between" mt="sm">
            {view?.abilities.delete ? (
              <Button color="red" variant="subtle" onClick={() => remove.mutate()} loading={remove.isPending}>
                Delete view
              </Button>
            ) : (
              <span />
            )}
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending}>
                Save view
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};
