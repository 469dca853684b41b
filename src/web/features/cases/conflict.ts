import type { Case, UpdateCaseInput } from "../../app/wire";

/** The case fields a person edits; keepFollowing travels with an owner change, it is not a field of the case. */
export type EditField = Exclude<keyof UpdateCaseInput, "keepFollowing">;
export type EditValue = UpdateCaseInput[EditField];

export const FIELD_LABELS: Record<EditField, string> = {
  subject: "Subject",
  status: "Status",
  priority: "Priority",
  type: "Type",
  requesterId: "Requester",
  organizationId: "Organization",
  teamId: "Team",
  ownerId: "Owner",
  nextStep: "Next step",
  nextStepDueAt: "Due",
  tags: "Tags",
  customFields: "Custom fields",
};

/** The value a case holds for an editable field, in the shape PATCH takes. */
export const currentValue = (c: Case, field: EditField): EditValue => {
  switch (field) {
    case "subject":
      return c.subject;
    case "status":
      return c.status;
    case "priority":
      return c.priority;
    case "type":
      return c.type;
    case "requesterId":
      return c.requester.id;
    case "organizationId":
      return c.organization?.id ?? null;
    case "teamId":
      return c.team?.id ?? null;
    case "ownerId":
      return c.owner?.id ?? null;
    case "nextStep":
      return c.nextStep;
    case "nextStepDueAt":
      return c.nextStepDueAt;
    case "tags":
      return c.tags;
    case "customFields":
      return c.customFields;
  }
};

const canonical = (v: unknown): string => {
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return JSON.stringify(new Date(t).toISOString());
  }
  if (Array.isArray(v)) return JSON.stringify([...v].map(String).sort());
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify(entries);
  }
  return JSON.stringify(v ?? null);
};

export const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

export interface FieldReview {
  field: EditField;
  label: string;
  base: EditValue;
  yours: EditValue;
  theirs: EditValue;
  /** Someone else changed this field too (and to something other than your value). */
  clash: boolean;
  /** Your value is already what the case holds now. */
  settled: boolean;
}

const editedFields = (edit: UpdateCaseInput): EditField[] =>
  (Object.keys(edit) as EditField[]).filter((f) => edit[f] !== undefined);

/** What your unsaved edit means against the version someone else saved meanwhile. */
export const reviewConflict = (edit: UpdateCaseInput, base: Case, latest: Case): FieldReview[] =>
  editedFields(edit).map((field) => {
    const yours = edit[field];
    const b = currentValue(base, field);
    const theirs = currentValue(latest, field);
    const settled = sameValue(yours, theirs);
    return {
      field,
      label: FIELD_LABELS[field],
      base: b,
      yours,
      theirs,
      settled,
      clash: !settled && !sameValue(b, theirs),
    };
  });

/** Your edit re-applied on the latest version: only fields that still differ. Null when nothing is left. */
export const rebaseEdit = (edit: UpdateCaseInput, latest: Case): UpdateCaseInput | null => {
  const next: Record<string, unknown> = {};
  for (const field of editedFields(edit)) {
    if (!sameValue(edit[field], currentValue(latest, field))) next[field] = edit[field];
  }
  return Object.keys(next).length > 0 ? (next as UpdateCaseInput) : null;
};
