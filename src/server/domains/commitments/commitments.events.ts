import { changePayload, type DomainEvent } from "../../platform/events";
import type { CommitmentRow } from "./commitments.repository";

const auditable = (c: CommitmentRow) => ({
  ownerId: c.ownerId,
  kind: c.kind,
  description: c.description,
  dueAt: c.dueAt.toISOString(),
  state: c.state,
  note: c.note,
});

/** Commitment events are case events: in order with the case's, seen by reports, realtime and escalations. */
export const commitmentEvent = (
  type: "commitment.created" | "commitment.kept" | "commitment.cancelled" | "commitment.broken",
  before: CommitmentRow | null,
  after: CommitmentRow,
  extra: Record<string, unknown> = {},
): DomainEvent => ({
  type,
  aggregateType: "case",
  aggregateId: after.caseId,
  caseId: after.caseId,
  payload: changePayload(auditable, before, after, { commitmentId: after.id, ...extra }),
});
