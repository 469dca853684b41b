import { changePayload, type DomainEvent } from "../../platform/events";
import type { AuthorityLimitRow, RemedyRow } from "./remedies.repository";

export const remedySnapshot = (r: RemedyRow) => ({
  caseId: r.caseId,
  kind: r.kind,
  amountMinor: r.amountMinor,
  currency: r.currency,
  description: r.description,
  grantedById: r.grantedById,
  aboveLimit: r.aboveLimit,
  justification: r.justification,
  reviewStatus: r.reviewStatus,
  reviewNote: r.reviewNote,
});

export const remedyEvent = (
  type: "remedy.granted" | "remedy.reviewed",
  before: RemedyRow | null,
  after: RemedyRow,
): DomainEvent => ({
  type,
  aggregateType: "remedy",
  aggregateId: after.id,
  caseId: after.caseId,
  payload: changePayload(remedySnapshot, before, after),
});

const limitSnapshot = (l: AuthorityLimitRow) => ({
  role: l.role,
  userId: l.userId,
  currency: l.currency,
  perRemedyMinor: l.perRemedyMinor,
  per30DaysMinor: l.per30DaysMinor,
});

export const authorityLimitEvent = (
  type: "authority_limit.created" | "authority_limit.updated" | "authority_limit.deleted",
  before: AuthorityLimitRow | null,
  after: AuthorityLimitRow | null,
  id: string,
): DomainEvent => ({
  type,
  aggregateType: "authority_limit",
  aggregateId: id,
  payload: changePayload(limitSnapshot, before, after),
});
