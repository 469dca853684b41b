import type { CustomFieldType } from "../../../shared/domain";

export type FieldValue = string | number | boolean | null;

export interface FieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: readonly string[];
  required: boolean;
  active: boolean;
}

export type FieldProblem = { key: string; message: string };

const isIsoDate = (v: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
};

/** Checks one value against its definition; null clears a field. */
export const checkValue = (def: FieldDefinition, value: FieldValue): string | null => {
  if (value === null) return null;
  switch (def.type) {
    case "text":
      return typeof value === "string" ? null : "must be text";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "date":
      return typeof value === "string" && isIsoDate(value) ? null : "must be a date (YYYY-MM-DD)";
    case "select":
      return typeof value === "string" && def.options.includes(value)
        ? null
        : `must be one of: ${def.options.join(", ")}`;
    case "checkbox":
      return typeof value === "boolean" ? null : "must be true or false";
    default: {
      const unreachable: never = def.type;
      return unreachable;
    }
  }
};

/**
 * Merges a patch into the current values and validates the result: unknown or inactive keys and
 * wrong types are refused; required fields must be filled when `enforceRequired` (on solving).
 */
export const mergeFieldValues = (
  defs: readonly FieldDefinition[],
  current: Record<string, FieldValue>,
  patch: Record<string, FieldValue>,
  enforceRequired: boolean,
): { values: Record<string, FieldValue>; problem: FieldProblem | null } => {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const [key, value] of Object.entries(patch)) {
    const def = byKey.get(key);
    if (!def?.active) return { values: current, problem: { key, message: "is not a custom field" } };
    const wrong = checkValue(def, value);
    if (wrong) return { values: current, problem: { key, message: `${def.label} ${wrong}` } };
  }
  const values: Record<string, FieldValue> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete values[key];
    else values[key] = value;
  }
  if (enforceRequired) {
    const missing = defs.find((d) => d.active && d.required && (values[d.key] === undefined || values[d.key] === ""));
    if (missing) return { values, problem: { key: missing.key, message: `${missing.label} is required` } };
  }
  return { values, problem: null };
};
