import type {
  TCaseServiceFailure,
  TRecordServiceFailureInput,
  TRecoveryReport,
  TServiceFailure,
} from "../../../shared/contracts/recovery";
import { type Actor, type AnyActor, actorId } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid } from "../../platform/errors";
import { changePayload, type DomainEvent, recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { lockCaseFor, visibleCaseView } from "../cases/cases.access";
import { casesPolicy } from "../cases/cases.policy";
import { accessOf } from "../cases/cases.presenter";
import { addEventMessage } from "../messages/messages.service";
import { npsSummaryOf } from "../surveys/surveys.service";
import { recoveryReportPolicy } from "./recovery.policy";
import * as repo from "./recovery.repository";

const present = (v: repo.ServiceFailureView): TServiceFailure => ({
  id: v.f.id,
  caseId: v.f.caseId,
  whatWentWrong: v.f.whatWentWrong,
  occurredAt: v.f.occurredAt,
  markedBy: v.f.markedById ? { id: v.f.markedById, name: v.markedByName ?? "" } : null,
  markedAt: v.f.markedAt,
  apology: v.f.apology,
  apologizedAt: v.f.apologizedAt,
  fix: v.f.fix,
  fixedAt: v.f.fixedAt,
  remedy: v.remedy,
  followUp: v.f.followUp,
  followedUpAt: v.f.followedUpAt,
});

const snapshot = (f: repo.ServiceFailureRow) => ({
  whatWentWrong: f.whatWentWrong,
  occurredAt: f.occurredAt.toISOString(),
  apology: f.apology,
  fix: f.fix,
  remedyId: f.remedyId,
  followUp: f.followUp,
});

const failureEvent = (
  type: "service_failure.marked" | "service_failure.updated",
  before: repo.ServiceFailureRow | null,
  after: repo.ServiceFailureRow,
): DomainEvent => ({
  type,
  aggregateType: "service_failure",
  aggregateId: after.id,
  caseId: after.caseId,
  payload: changePayload(snapshot, before, after),
});

export const getCaseServiceFailure = async (
  ctx: ServiceContext,
  actor: Actor,
  caseId: string,
): Promise<TCaseServiceFailure> => {
  const view = await visibleCaseView(ctx.db, actor, caseId);
  const failure = await repo.findViewByCase(ctx.db, caseId);
  return {
    failure: failure ? present(failure) : null,
    abilities: { record: view.c.status !== "closed" && casesPolicy.can(actor, "note", accessOf(view)) },
  };
};

/** A step's time: kept from the first time it was written, cleared with it. */
const stepTime = (text: string | null | undefined, before: string | null, at: Date | null, now: Date) => {
  if (text === undefined) return { text: before, at };
  if (text === null) return { text: null, at: null };
  return { text, at: at ?? now };
};

/**
 * Marks a case as a service failure (what went wrong, when), or records its recovery: apology, fix, the remedy
 * from the case's ledger entries, follow-up.
 */
export const recordServiceFailure = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TRecordServiceFailureInput,
): Promise<TServiceFailure> =>
  await inTransaction(ctx, async (tx) => {
    const c = await lockCaseFor(tx, actor, caseId, "note");
    const now = new Date();
    if (input.occurredAt > now) throw invalid("occurredAt", "A failure cannot have happened in the future");
    if (input.remedyId && !(await repo.remedyOfCase(tx, input.remedyId, caseId))) {
      throw invalid("remedyId", "Choose a remedy granted on this case");
    }
    const before = await repo.lockByCase(tx, caseId);
    const apology = stepTime(input.apology, before?.apology ?? null, before?.apologizedAt ?? null, now);
    const fix = stepTime(input.fix, before?.fix ?? null, before?.fixedAt ?? null, now);
    const followUp = stepTime(input.followUp, before?.followUp ?? null, before?.followedUpAt ?? null, now);
    const values = {
      whatWentWrong: input.whatWentWrong,
      occurredAt: input.occurredAt,
      apology: apology.text,
      apologizedAt: apology.at,
      fix: fix.text,
      fixedAt: fix.at,
      remedyId: input.remedyId === undefined ? (before?.remedyId ?? null) : input.remedyId,
      followUp: followUp.text,
      followedUpAt: followUp.at,
      updatedAt: now,
    };
    const after = before
      ? await repo.update(tx, before.id, values)
      : await repo.insert(tx, {
          ...values,
          caseId,
          contactId: c.requesterId,
          markedById: actorId(actor),
          markedAt: now,
        });
    if (!before)
      await addEventMessage(tx, caseId, `${actor.name} marked this case as a service failure: ${input.whatWentWrong}`);
    await recordEvents(tx, actor, [
      failureEvent(before ? "service_failure.updated" : "service_failure.marked", before ?? null, after),
    ]);
    const view = await repo.findViewByCase(tx, caseId);
    if (!view) throw new Error("service failure vanished");
    return present(view);
  });

const csatOf = (c: repo.CohortCounts) => ({
  responses: c.csatResponses,
  good: c.csatGood,
  score: c.csatResponses === 0 ? null : Math.round((1000 * c.csatGood) / c.csatResponses) / 10,
});

/** Whether recovery wins customers back: satisfaction after a failure against customers who never had one. */
export const recoveryReport = async (ctx: ServiceContext, actor: Actor): Promise<TRecoveryReport> => {
  ensureAllowed(recoveryReportPolicy.can(actor, "read", null), "Not allowed to read the recovery report");
  const counts = await repo.failureCounts(ctx.db);
  const cohorts = await repo.cohortCounts(ctx.db);
  const turnarounds = await repo.detractorTurnarounds(ctx.db);
  return {
    failures: counts.failures,
    recovered: {
      apologized: counts.apologized,
      fixed: counts.fixed,
      remedied: counts.remedied,
      followedUp: counts.followedUp,
    },
    afterFailure: {
      customers: cohorts.failed.customers,
      csat: csatOf(cohorts.failed),
      nps: npsSummaryOf(cohorts.failed),
    },
    neverFailed: { customers: cohorts.never.customers, csat: csatOf(cohorts.never), nps: npsSummaryOf(cohorts.never) },
    detractorsWonBack: turnarounds.wonBack,
    detractors: turnarounds.detractors,
  };
};
