export interface DiffRow {
  key: string;
  before: string;
  after: string;
  kind: "added" | "removed" | "changed";
}

/** A value as one readable line: text as is, empty as "—", anything else as compact JSON. */
export const show = (value: unknown): string => {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
};

/** The fields an audit entry changed, in key order: created entries list `after`, deleted ones `before`. */
export const diffRows = (before: Record<string, unknown> | null, after: Record<string, unknown> | null): DiffRow[] => {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return keys.flatMap((key): DiffRow[] => {
    const b = before ? before[key] : undefined;
    const a = after ? after[key] : undefined;
    if (JSON.stringify(b) === JSON.stringify(a)) return [];
    const kind =
      before === null || !(key in before) ? "added" : after === null || !(key in after) ? "removed" : "changed";
    return [{ key, before: show(b), after: show(a), kind }];
  });
};

/** "sla_policy" → "SLA policy", "case.status_changed" → "Case status changed". */
export const humanize = (code: string): string => {
  const words = code
    .replace(/[._]/g, " ")
    .replace(/\bsla\b/gi, "SLA")
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
