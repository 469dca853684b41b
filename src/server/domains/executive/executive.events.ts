import type { EventType } from "../../../shared/events";
import { changePayload, type DomainEvent } from "../../platform/events";
import type { ExecutiveCaseRow } from "./executive.repository";

/** The executive record's fields the audit log keeps (never the executive's call notes). */
export const executiveSnapshot = (e: ExecutiveCaseRow) => ({
  executiveId: e.executiveId,
  firstOpenedAt: e.firstOpenedAt?.toISOString() ?? null,
  delegatedToId: e.delegatedToId,
  delegationNote: e.delegationNote,
  reportFiledAt: e.reportFiledAt?.toISOString() ?? null,
  reportCustomerSatisfied: e.reportCustomerSatisfied,
  verificationStatus: e.verificationStatus,
  verificationRound: e.verificationRound,
  verificationDueAt: e.verificationDueAt?.toISOString() ?? null,
});

export const executiveEvent = (
  type: Extract<EventType, `executive_case.${string}`>,
  before: ExecutiveCaseRow | null,
  after: ExecutiveCaseRow,
  extra: Record<string, unknown> = {},
): DomainEvent => ({
  type,
  aggregateType: "case",
  aggregateId: after.caseId,
  caseId: after.caseId,
  payload: changePayload(executiveSnapshot, before, after, extra),
});
