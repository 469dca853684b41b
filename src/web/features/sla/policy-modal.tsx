import {
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import {
  ESCALATION_RECIPIENTS,
  SLA_METRICS,
  SLA_PAUSE_STATUSES,
  type TSlaConditions,
  type TSlaTargets,
} from "../../../shared/contracts/sla";
import { CASE_CHANNELS, CASE_PRIORITIES, CASE_TYPES, type CasePriority } from "../../../shared/domain";
import { errorMessage, fieldError, fieldErrorUnder } from "../../app/api-client";
import { useTeams } from "../../app/directory";
import { options, PRIORITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "../../ui/labels";
import { EditConflictAlert, useVersionedSave, type VersionedSave } from "../../ui/versioned-save";
import { useOrganizationList } from "../customers/customers.queries";
import {
  type ActionForm,
  actionForm,
  actionsFrom,
  METRIC_LABEL,
  RECIPIENT_LABEL,
  type TargetTexts,
  targetsFrom,
  targetTexts,
} from "./policy-form";
import { type Calendar, type Policy, useRefreshSla, useSaveSla } from "./sla.queries";

const CHANNEL_OPTIONS = CASE_CHANNELS.map((c) => ({ value: c, label: c.replace("_", " ") }));

const ActionsEditor = ({
  legend,
  value,
  onChange,
  teams,
}: {
  legend: string;
  value: ActionForm;
  onChange: (next: ActionForm) => void;
  teams: { value: string; label: string }[];
}) => (
  <Stack gap={6} component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
    <Text component="legend" size="sm" fw={600}>
      {legend}
    </Text>
    <Checkbox.Group
      aria-label={`${legend}: notify`}
      value={value.notify}
      onChange={(v) => onChange({ ...value, notify: ESCALATION_RECIPIENTS.filter((r) => v.includes(r)) })}
    >
      <Group gap="md">
        {ESCALATION_RECIPIENTS.map((r) => (
          <Checkbox key={r} value={r} label={`Notify ${RECIPIENT_LABEL[r]}`} size="xs" />
        ))}
      </Group>
    </Checkbox.Group>
    <Group grow align="flex-end">
      <Select
        size="xs"
        label="Reassign to team"
        clearable
        placeholder="Keep the team"
        data={teams}
        value={value.reassignTeamId}
        onChange={(v) => onChange({ ...value, reassignTeamId: v })}
      />
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Checkbox
          size="xs"
          mb={8}
          label="Raise priority"
          checked={value.raisePriority}
          onChange={(e) => onChange({ ...value, raisePriority: e.currentTarget.checked })}
        />
        <Select
          size="xs"
          label="to"
          disabled={!value.raisePriority}
          clearable
          placeholder="one step up"
          data={options(PRIORITY_LABEL, CASE_PRIORITIES)}
          value={value.raiseTo}
          onChange={(v) => onChange({ ...value, raiseTo: v as CasePriority | null })}
        />
      </Group>
    </Group>
  </Stack>
);

const TargetsTable = ({
  texts,
  errors,
  onChange,
}: {
  texts: TargetTexts;
  errors: Record<string, string>;
  onChange: (next: TargetTexts) => void;
}) => (
  <Table withRowBorders={false} verticalSpacing={4} aria-label="Targets in business time">
    <Table.Thead>
      <Table.Tr>
        <Table.Th>Target</Table.Th>
        {CASE_PRIORITIES.map((p) => (
          <Table.Th key={p}>{PRIORITY_LABEL[p]}</Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
    <Table.Tbody>
      {SLA_METRICS.map((metric) => (
        <Table.Tr key={metric}>
          <Table.Td>
            <Text size="sm">{METRIC_LABEL[metric]}</Text>
          </Table.Td>
          {CASE_PRIORITIES.map((p) => (
            <Table.Td key={p}>
              <TextInput
                size="xs"
                placeholder="none"
                aria-label={`${METRIC_LABEL[metric]} target for ${PRIORITY_LABEL[p]} priority`}
                value={texts[metric][p]}
                error={errors[`${metric}.${p}`]}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  onChange({ ...texts, [metric]: { ...texts[metric], [p]: v } });
                }}
              />
            </Table.Td>
          ))}
        </Table.Tr>
      ))}
    </Table.Tbody>
  </Table>
);

/** Creates or edits an SLA policy: conditions, targets per priority on a calendar, pauses, warning and actions. */
export const PolicyModal = ({
  policy,
  calendars,
  nextPosition,
  onClose,
}: {
  policy: Policy | null;
  calendars: Calendar[];
  nextPosition: number;
  onClose: () => void;
}) => {
  const refresh = useRefreshSla<Policy>("policies");
  const [shown, setShown] = useState(policy);
  const edit = useVersionedSave<Policy>({
    version: policy?.version ?? 0,
    refresh: async () => (policy ? await refresh(policy.id) : undefined),
    onReloaded: setShown,
  });
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": "Close" }}
      title={policy ? `Edit ${policy.name}` : "New SLA policy"}
      size="xl"
    >
      <PolicyForm
        key={edit.formKey}
        policy={shown}
        calendars={calendars}
        nextPosition={nextPosition}
        edit={edit}
        onClose={onClose}
      />
    </Modal>
  );
};

/** The policy's fields; an edit is saved against the version the modal opened with. */
const PolicyForm = ({
  policy,
  calendars,
  nextPosition,
  edit,
  onClose,
}: {
  policy: Policy | null;
  calendars: Calendar[];
  nextPosition: number;
  edit: VersionedSave<Policy>;
  onClose: () => void;
}) => {
  const save = useSaveSla<Policy>("policies");
  const teams = useTeams();
  const organizations = useOrganizationList("");
  const teamOptions = (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  const orgOptions = (organizations.data?.pages.flatMap((p) => p.items) ?? []).map((o) => ({
    value: o.id,
    label: o.name,
  }));
  const c = policy?.conditions ?? {};
  const [name, setName] = useState(policy?.name ?? "");
  const [active, setActive] = useState(policy?.active ?? true);
  const [calendarId, setCalendarId] = useState<string | null>(policy?.calendarId ?? calendars[0]?.id ?? null);
  const [priorities, setPriorities] = useState<string[]>(c.priorities ?? []);
  const [types, setTypes] = useState<string[]>(c.types ?? []);
  const [channels, setChannels] = useState<string[]>(c.channels ?? []);
  const [teamIds, setTeamIds] = useState<string[]>(c.teamIds ?? []);
  const [organizationIds, setOrganizationIds] = useState<string[]>(c.organizationIds ?? []);
  const [tags, setTags] = useState<string[]>(c.tags ?? []);
  const [texts, setTexts] = useState<TargetTexts>(targetTexts(policy?.targets ?? {}));
  const [pauseStatuses, setPauseStatuses] = useState<string[]>(policy?.pauseStatuses ?? ["pending", "on_hold"]);
  const [warningPercent, setWarningPercent] = useState<number | string>(policy ? (policy.warningPercent ?? "") : 80);
  const [warning, setWarning] = useState<ActionForm>(actionForm(policy?.warningActions ?? []));
  const [breach, setBreach] = useState<ActionForm>(
    actionForm(policy?.breachActions ?? [{ type: "notify", recipients: ["owner", "team_lead"] }]),
  );
  const [targetErrors, setTargetErrors] = useState<Record<string, string>>({});
  const err = edit.error;

  const conditions = (): TSlaConditions => ({
    ...(priorities.length ? { priorities: priorities as TSlaConditions["priorities"] } : {}),
    ...(types.length ? { types: types as TSlaConditions["types"] } : {}),
    ...(channels.length ? { channels: channels as TSlaConditions["channels"] } : {}),
    ...(teamIds.length ? { teamIds } : {}),
    ...(organizationIds.length ? { organizationIds } : {}),
    ...(tags.length ? { tags } : {}),
  });

  const submit = async (targets: TSlaTargets) => {
    const body = {
      name: name.trim(),
      active,
      ...(calendarId ? { calendarId } : {}),
      ...(policy ? {} : { position: nextPosition }),
      conditions: conditions(),
      targets,
      pauseStatuses,
      warningPercent: warningPercent === "" ? null : Number(warningPercent),
      warningActions: warningPercent === "" ? [] : actionsFrom(warning),
      breachActions: actionsFrom(breach),
    };
    if (await edit.run(async (headers) => await save.mutateAsync({ id: policy?.id, body, headers }))) {
      notifications.show({ color: "green", message: `Policy ${name.trim()} saved.` });
      onClose();
    }
  };

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const { targets, errors } = targetsFrom(texts);
        setTargetErrors(errors);
        if (Object.keys(errors).length === 0) void submit(targets);
      }}
    >
      <Stack gap="sm">
        <EditConflictAlert what="SLA policy" edit={edit} />
        {err &&
        !["name", "calendarId", "warningPercent"].some((f) => fieldError(err, f)) &&
        !fieldErrorUnder(err, "conditions") ? (
          <Alert color="red" role="alert">
            {errorMessage(err)}
          </Alert>
        ) : null}
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
            data-autofocus
          />
          <Select
            label="Business calendar"
            description="Targets count business time on this calendar"
            required
            data={calendars.map((cal) => ({ value: cal.id, label: cal.name }))}
            value={calendarId}
            onChange={setCalendarId}
            allowDeselect={false}
            error={fieldError(err, "calendarId")}
          />
        </Group>
        <Switch
          label="Active (inactive policies never match)"
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
        />
        <Divider />
        <Title order={3} fz="sm">
          Applies to cases matching all of (leave empty for any)
        </Title>
        {fieldErrorUnder(err, "conditions") ? (
          <Text size="xs" c="red" role="alert">
            {fieldErrorUnder(err, "conditions")}
          </Text>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <MultiSelect
            label="Priority"
            placeholder="Any"
            data={options(PRIORITY_LABEL, CASE_PRIORITIES)}
            value={priorities}
            onChange={setPriorities}
          />
          <MultiSelect
            label="Type"
            placeholder="Any"
            data={options(TYPE_LABEL, CASE_TYPES)}
            value={types}
            onChange={setTypes}
          />
          <MultiSelect
            label="Channel"
            placeholder="Any"
            data={CHANNEL_OPTIONS}
            value={channels}
            onChange={setChannels}
          />
          <MultiSelect label="Team" placeholder="Any" data={teamOptions} value={teamIds} onChange={setTeamIds} />
          <MultiSelect
            label="Organization"
            placeholder="Any"
            searchable
            data={orgOptions}
            value={organizationIds}
            onChange={setOrganizationIds}
          />
          <TagsInput label="Tag" placeholder="Any" value={tags} onChange={setTags} />
        </SimpleGrid>
        <Divider />
        <Group justify="space-between">
          <Title order={3} fz="sm">
            Targets in business time
          </Title>
          <Text size="xs" c="dimmed">
            e.g. 45m, 4h, 1h 30m, 2d · empty: no target
          </Text>
        </Group>
        <TargetsTable texts={texts} errors={targetErrors} onChange={setTexts} />
        <Checkbox.Group label="Pause the clocks while the case is" value={pauseStatuses} onChange={setPauseStatuses}>
          <Group gap="md" mt={4}>
            {SLA_PAUSE_STATUSES.map((s) => (
              <Checkbox key={s} value={s} label={STATUS_LABEL[s]} />
            ))}
          </Group>
        </Checkbox.Group>
        <Divider />
        <NumberInput
          label="Warn at (% of the target used)"
          description="Empty: no warning"
          min={1}
          max={99}
          w={260}
          value={warningPercent}
          onChange={setWarningPercent}
          error={fieldError(err, "warningPercent")}
        />
        {warningPercent === "" ? null : (
          <ActionsEditor legend="At warning" value={warning} onChange={setWarning} teams={teamOptions} />
        )}
        <ActionsEditor legend="At breach" value={breach} onChange={setBreach} teams={teamOptions} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={edit.busy} disabled={!calendarId}>
            Save policy
          </Button>
        </Group>
      </Stack>
    </form>
  );
};
