import type { DomainEvent } from "../../platform/events";
import type { CaseRow } from "./cases.repository";

/** The fields of a case the audit log and processors see. */
export const caseSnapshot = (c: CaseRow) => ({
  number: c.number,
  subject: c.subject,
  status: c.status,
  priority: c.priority,
  type: c.type,
  channel: c.channel,
  requesterId: c.requesterId,
  organizationId: c.organizationId,
  teamId: c.teamId,
  ownerId: c.ownerId,
  nextStep: c.nextStep,
  nextStepDueAt: c.nextStepDueAt?.toISOString() ?? null,
  tags: c.tags,
  customFields: c.customFields,
  mergedIntoId: c.mergedIntoId,
  version: c.version,
});

const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

/** One event per kind of change, so processors subscribe to what they care about and the audit log has no repeats. */
export const caseChangeEvents = (
  before: CaseRow,
  after: CaseRow,
  extra: Record<string, unknown> = {},
): DomainEvent[] => {
  const b = caseSnapshot(before);
  const a = caseSnapshot(after);
  const base = { aggregateType: "case", aggregateId: after.id, caseId: after.id };
  const out: DomainEvent[] = [];
  if (b.status !== a.status) {
    out.push({
      ...base,
      type: "case.status_changed",
      payload: { before: pick(b, ["status"]), after: pick(a, ["status"]), from: b.status, to: a.status, ...extra },
    });
  }
  if (b.ownerId !== a.ownerId) {
    out.push({
      ...base,
      type: "case.owner_changed",
      payload: { before: pick(b, ["ownerId"]), after: pick(a, ["ownerId"]), from: b.ownerId, to: a.ownerId, ...extra },
    });
  }
  const rest = Object.keys(a).filter(
    (k) =>
      !["status", "ownerId", "version"].includes(k) &&
      JSON.stringify(b[k as keyof typeof b]) !== JSON.stringify(a[k as keyof typeof a]),
  );
  if (rest.length > 0) {
    out.push({ ...base, type: "case.updated", payload: { before: pick(b, rest), after: pick(a, rest), ...extra } });
  }
  return out;
};
