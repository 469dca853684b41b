import type { DomainEvent } from "../../platform/events";
import type { CsatRow, NpsRow } from "./surveys.repository";

export const csatEvent = (type: "csat_survey.sent" | "csat_survey.answered", s: CsatRow): DomainEvent => ({
  type,
  aggregateType: "csat_survey",
  aggregateId: s.id,
  caseId: s.caseId,
  payload: { contactId: s.contactId, status: s.status, rating: s.rating, ownerId: s.ownerId },
});

export const npsEvent = (type: "nps_survey.sent" | "nps_survey.answered", s: NpsRow): DomainEvent => ({
  type,
  aggregateType: "nps_survey",
  aggregateId: s.id,
  payload: { contactId: s.contactId, status: s.status, score: s.score },
});

export const recoveryCaseEvent = (
  caseId: string,
  contactId: string,
  trigger: "csat" | "nps",
  outcome: "opened" | "reopened" | "updated",
  surveyId: string,
): DomainEvent => ({
  type: "recovery_case.opened",
  aggregateType: "case",
  aggregateId: caseId,
  caseId,
  payload: { contactId, trigger, outcome, surveyId },
});
