import {
  Alert,
  Button,
  Checkbox,
  Divider,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { CASE_PRIORITIES, CASE_TYPES } from "../../../shared/domain";
import { useCustomFields, useEmployeeOptions, useTeams } from "../../app/directory";
import { useSession } from "../../app/session";
import type { CaseDetail, CustomField, UpdateCaseInput } from "../../app/wire";
import { DueText } from "../../ui/badges";
import { fromLocalInput, toLocalInput } from "../../ui/due-time";
import { options, PRIORITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "../../ui/labels";
import { type Handover, HandoverModal } from "./case-handover-modal";
import { statusChoices } from "./status-choices";

export type SaveCase = (patch: UpdateCaseInput) => Promise<boolean>;
export type FieldErrors = Partial<Record<string, string>>;

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Stack gap={6}>
    <Title order={2} fz="xs" tt="uppercase" c="dimmed" fw={700}>
      {title}
    </Title>
    {children}
  </Stack>
);

const quickDue = (kind: "hour" | "tomorrow" | "3days"): string => {
  const d = new Date();
  if (kind === "hour") d.setHours(d.getHours() + 1, d.getMinutes(), 0, 0);
  if (kind === "tomorrow") {
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
  }
  if (kind === "3days") {
    d.setDate(d.getDate() + 3);
    d.setHours(9, 0, 0, 0);
  }
  return toLocalInput(d.toISOString());
};

const NextStepEditor = ({
  c,
  save,
  errors,
  clearErrors,
  disabled,
}: {
  c: CaseDetail;
  save: SaveCase;
  errors: FieldErrors;
  clearErrors: (fields: string[]) => void;
  disabled: boolean;
}) => {
  const onCase = { step: c.nextStep ?? "", due: toLocalInput(c.nextStepDueAt) };
  /** The values the draft started from: a live update that changes them while you type does not replace your text. */
  const [base, setBase] = useState(onCase);
  const [step, setStep] = useState(onCase.step);
  const [due, setDue] = useState(onCase.due);
  const [busy, setBusy] = useState(false);
  const dirty = step !== base.step || due !== base.due;
  const theirs = dirty && (onCase.step !== base.step || onCase.due !== base.due) ? onCase : null;
  if (!dirty && !busy && (onCase.step !== base.step || onCase.due !== base.due)) {
    setBase(onCase);
    setStep(onCase.step);
    setDue(onCase.due);
  }

  const submit = async () => {
    setBusy(true);
    const patch: UpdateCaseInput = {};
    if (step.trim() !== onCase.step) patch.nextStep = step.trim() === "" ? null : step.trim();
    if (due !== onCase.due) patch.nextStepDueAt = fromLocalInput(due);
    if (await save(patch)) {
      setBase({ step: step.trim(), due });
      setStep(step.trim());
    }
    setBusy(false);
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap={6}>
        {theirs && (
          <Alert color="yellow" role="status" title="The next step changed while you were editing" p="xs">
            <Text size="xs">
              Now on the case: {theirs.step || "no next step"}
              {theirs.due !== due ? `, due ${theirs.due.replace("T", " ")}` : ""}
            </Text>
            <Group gap={4} mt={4}>
              <Button size="compact-xs" variant="default" onClick={() => setBase(theirs)}>
                Keep mine
              </Button>
              <Button
                size="compact-xs"
                variant="default"
                onClick={() => {
                  setBase(theirs);
                  setStep(theirs.step);
                  setDue(theirs.due);
                }}
              >
                Take theirs
              </Button>
            </Group>
          </Alert>
        )}
        <TextInput
          label="Next step"
          value={step}
          onChange={(e) => setStep(e.currentTarget.value)}
          placeholder="What happens next, e.g. Call the customer back"
          error={errors.nextStep}
          disabled={disabled}
          maxLength={500}
        />
        <TextInput
          type="datetime-local"
          label="Due"
          description={<DueText due={c.nextStepDueAt} size="xs" />}
          value={due}
          onChange={(e) => setDue(e.currentTarget.value)}
          error={errors.nextStepDueAt}
          disabled={disabled}
        />
        <Group gap={4}>
          <Button size="compact-xs" variant="default" disabled={disabled} onClick={() => setDue(quickDue("hour"))}>
            In 1 hour
          </Button>
          <Button size="compact-xs" variant="default" disabled={disabled} onClick={() => setDue(quickDue("tomorrow"))}>
            Tomorrow 9:00
          </Button>
          <Button size="compact-xs" variant="default" disabled={disabled} onClick={() => setDue(quickDue("3days"))}>
            In 3 days
          </Button>
        </Group>
        {dirty ? (
          <Group gap="xs">
            <Button type="submit" size="xs" loading={busy}>
              Save next step
            </Button>
            <Button
              size="xs"
              variant="subtle"
              onClick={() => {
                setBase(onCase);
                setStep(onCase.step);
                setDue(onCase.due);
                clearErrors(["nextStep", "nextStepDueAt"]);
              }}
            >
              Undo
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
};

const CustomFieldInput = ({
  field,
  value,
  save,
  error,
  disabled,
}: {
  field: CustomField;
  value: string | number | boolean | null | undefined;
  save: SaveCase;
  error: string | undefined;
  disabled: boolean;
}) => {
  const [text, setText] = useState(value === null || value === undefined ? "" : String(value));
  useEffect(() => setText(value === null || value === undefined ? "" : String(value)), [value]);
  const put = (v: string | number | boolean | null) => void save({ customFields: { [field.key]: v } });
  const label = field.required ? `${field.label} (required to solve)` : field.label;
  switch (field.type) {
    case "checkbox":
      return (
        <Checkbox
          label={field.label}
          checked={value === true}
          onChange={(e) => put(e.currentTarget.checked)}
          disabled={disabled}
          error={error}
        />
      );
    case "select":
      return (
        <Select
          label={label}
          data={field.options}
          value={typeof value === "string" ? value : null}
          onChange={(v) => put(v)}
          clearable
          disabled={disabled}
          error={error}
        />
      );
    case "number":
      return (
        <NumberInput
          label={label}
          value={text}
          onChange={(v) => setText(String(v))}
          onBlur={() => {
            const n = text === "" ? null : Number(text);
            if (n !== (typeof value === "number" ? value : null)) put(n);
          }}
          disabled={disabled}
          error={error}
        />
      );
    case "date":
    case "text":
      return (
        <TextInput
          type={field.type === "date" ? "date" : "text"}
          label={label}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onBlur={() => {
            const v = text.trim() === "" ? null : text.trim();
            if (v !== (value ?? null)) put(v);
          }}
          disabled={disabled}
          error={error}
        />
      );
  }
};

export const CaseSidePanel = ({
  c,
  save,
  errors,
  clearErrors,
  children,
}: {
  c: CaseDetail;
  save: SaveCase;
  errors: FieldErrors;
  clearErrors: (fields: string[]) => void;
  children?: React.ReactNode;
}) => {
  const employees = useEmployeeOptions();
  const teams = useTeams();
  const customFields = useCustomFields();
  const session = useSession();
  const navigate = useNavigate();
  const [handover, setHandover] = useState<Handover | null>(null);
  const closed = c.status === "closed";
  const canUpdate = c.abilities.update && !closed;
  const canAssign = c.abilities.assign && !closed;

  const ownerData = [...employees.options];
  if (c.owner && !ownerData.some((o) => o.value === c.owner?.id))
    ownerData.unshift({ value: c.owner.id, label: c.owner.name });
  const teamData = (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  if (c.team && !teamData.some((t) => t.value === c.team?.id))
    teamData.unshift({ value: c.team.id, label: c.team.name });

  const fields = (customFields.data ?? []).filter((f) => f.active || c.customFields[f.key] !== undefined);
  return (
    <Paper withBorder p="md" component="aside" aria-label="Case details">
      <HandoverModal
        c={c}
        handover={handover}
        meId={session.user.id}
        save={save}
        errors={errors}
        onClose={() => setHandover(null)}
        onLetGo={() => {
          notifications.show({ message: `Case #${c.number} handed over` });
          void navigate({ to: "/inbox" });
        }}
      />
      <Stack gap="md">
        <Section title="Properties">
          <Select
            label="Status"
            data={statusChoices(c.status).map((s) => ({
              value: s,
              label: STATUS_LABEL[s],
            }))}
            value={c.status}
            onChange={(v) => v && v !== c.status && void save({ status: v as CaseDetail["status"] })}
            allowDeselect={false}
            disabled={!canUpdate}
            error={errors.status}
          />
          <Group grow gap="xs">
            <Select
              label="Priority"
              data={options(PRIORITY_LABEL, CASE_PRIORITIES)}
              value={c.priority}
              onChange={(v) => v && v !== c.priority && void save({ priority: v as CaseDetail["priority"] })}
              allowDeselect={false}
              disabled={!canUpdate}
              error={errors.priority}
            />
            <Select
              label="Type"
              data={options(TYPE_LABEL, CASE_TYPES)}
              value={c.type}
              onChange={(v) => v && v !== c.type && void save({ type: v as CaseDetail["type"] })}
              allowDeselect={false}
              disabled={!canUpdate}
              error={errors.type}
            />
          </Group>
          <Select
            label="Owner"
            description="Any employee: type a name or a department"
            searchable
            data={ownerData}
            value={c.owner?.id ?? null}
            onChange={(v) => {
              if (!v || v === c.owner?.id) return;
              setHandover({ toId: v, toName: ownerData.find((o) => o.value === v)?.label ?? "them" });
            }}
            allowDeselect={false}
            nothingFoundMessage="No active employee matches"
            disabled={!canAssign}
            error={errors.ownerId}
            limit={50}
          />
          <Select
            label="Team"
            data={teamData}
            value={c.team?.id ?? null}
            onChange={(v) => v !== (c.team?.id ?? null) && void save({ teamId: v })}
            clearable
            placeholder="No team"
            disabled={!canUpdate}
            error={errors.teamId}
          />
        </Section>
        <Divider />
        <Section title="Next step">
          {closed ? (
            <Text size="sm" c="dimmed">
              Closed cases have no next step.
            </Text>
          ) : (
            <NextStepEditor c={c} save={save} errors={errors} clearErrors={clearErrors} disabled={!canUpdate} />
          )}
        </Section>
        <Divider />
        <Section title="Tags and fields">
          <TagsInput
            label="Tags"
            value={c.tags}
            onChange={(tags) => void save({ tags })}
            placeholder={canUpdate ? "Add a tag and press Enter" : undefined}
            disabled={!canUpdate}
            error={errors.tags}
            splitChars={[",", " "]}
            clearable
          />
          {fields.map((f) => (
            <CustomFieldInput
              key={f.id}
              field={f}
              value={c.customFields[f.key]}
              save={save}
              error={
                errors[`customFields.${f.key}`] ??
                (errors.customFields?.includes(f.label) ? errors.customFields : undefined)
              }
              disabled={!canUpdate}
            />
          ))}
          {errors.customFields && !fields.some((f) => errors.customFields?.includes(f.label)) ? (
            <Text size="xs" c="red" role="alert">
              {errors.customFields}
            </Text>
          ) : null}
        </Section>
        {children}
      </Stack>
    </Paper>
  );
};
