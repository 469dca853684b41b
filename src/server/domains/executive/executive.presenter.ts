import type {
  ExecutiveStage,
  TExecutiveCase,
  TExecutiveCaseSummary,
  TVerificationCall,
} from "../../../shared/contracts/executive";
import type { AnyActor } from "../../platform/actor";
import { type ExecutiveCaseAccess, executivePolicy } from "./executive.policy";
import type { ExecutiveCaseRow, ExecutiveCaseView, VerificationCallRow } from "./executive.repository";

/** A report counts for the next solve only if it was filed after the last solve (a reopen needs a new one). */
export const reportIsCurrent = (e: ExecutiveCaseRow): boolean =>
  e.reportFiledAt !== null && (e.verificationRequestedAt === null || e.reportFiledAt > e.verificationRequestedAt);

export const stageOf = (v: ExecutiveCaseView): ExecutiveStage => {
  if (v.c.status === "closed") return "closed";
  if (v.c.status === "solved") return "awaiting_verification";
  if (reportIsCurrent(v.e)) return "awaiting_solve";
  return v.e.delegatedToId ? "awaiting_report" : "awaiting_delegation";
};

export const accessOf = (v: ExecutiveCaseView): ExecutiveCaseAccess => ({
  executiveId: v.e.executiveId,
  ownerId: v.c.ownerId,
});

const HOUR_MS = 3_600_000;

const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? "" } : null);

export const presentSummary = (v: ExecutiveCaseView, now: Date): TExecutiveCaseSummary => ({
  caseId: v.c.id,
  number: v.c.number,
  subject: v.c.subject,
  status: v.c.status,
  priority: v.c.priority,
  type: v.c.type,
  requester: { id: v.c.requesterId, name: v.requesterName },
  owner: ref(v.c.ownerId, v.ownerName),
  executive: { id: v.e.executiveId, name: v.executiveName },
  stage: stageOf(v),
  receivedAt: v.e.receivedAt,
  firstOpenedAt: v.e.firstOpenedAt,
  verificationStatus: v.e.verificationStatus,
  verificationDueAt: v.c.status === "solved" ? v.e.verificationDueAt : null,
  ageHours: Math.round(((v.c.closedAt ?? now).getTime() - v.e.receivedAt.getTime()) / (HOUR_MS / 10)) / 10,
});

export type CallWithName = { call: VerificationCallRow; calledByName: string | null };

export const presentExecutiveCase = (
  actor: AnyActor,
  v: ExecutiveCaseView,
  calls: CallWithName[],
  attemptsBeforeUnreachable: number,
  now: Date,
): TExecutiveCase => {
  const access = accessOf(v);
  const open = v.c.status !== "closed";
  const notes = executivePolicy.can(actor, "readVerificationNotes", access);
  const e = v.e;
  return {
    ...presentSummary(v, now),
    loggedBy: ref(e.loggedById, v.loggerName),
    delegation:
      e.delegatedToId && e.delegatedAt
        ? { to: { id: e.delegatedToId, name: v.delegateName ?? "" }, at: e.delegatedAt, note: e.delegationNote ?? "" }
        : null,
    report:
      e.reportFiledAt &&
      e.reportCustomerSaid !== null &&
      e.reportActionsTaken !== null &&
      e.reportRemedyGiven !== null &&
      e.reportCustomerSatisfied !== null
        ? {
            customerSaid: e.reportCustomerSaid,
            actionsTaken: e.reportActionsTaken,
            remedyGiven: e.reportRemedyGiven,
            customerSatisfied: e.reportCustomerSatisfied,
            filedBy: ref(e.reportFiledById, v.filerName),
            filedAt: e.reportFiledAt,
            current: reportIsCurrent(e),
          }
        : null,
    verification: {
      status: e.verificationStatus,
      round: e.verificationRound,
      requestedAt: e.verificationRequestedAt,
      dueAt: e.verificationDueAt,
      completedAt: e.verificationCompletedAt,
      attemptsThisRound: calls.filter((c) => c.call.round === e.verificationRound).length,
      attemptsBeforeUnreachable,
      calls: calls.map(
        ({ call, calledByName }): TVerificationCall => ({
          id: call.id,
          round: call.round,
          outcome: call.outcome,
          notes: notes ? call.notes : null,
          calledBy: ref(call.calledById, calledByName),
          calledAt: call.calledAt,
        }),
      ),
    },
    abilities: {
      delegate: open && v.c.status !== "solved" && executivePolicy.can(actor, "delegate", access),
      fileReport: open && v.c.status !== "solved" && executivePolicy.can(actor, "fileReport", access),
      verify:
        v.c.status === "solved" && e.verificationStatus === "pending" && executivePolicy.can(actor, "verify", access),
      readVerificationNotes: notes,
    },
  };
};
