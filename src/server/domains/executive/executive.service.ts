import { z } from "zod";
import type { TCreateCaseInput } from "../../../shared/contracts/cases";
import type {
  TDelegateInput,
  TExecutiveCase,
  TExecutiveCaseSummary,
  TExecutiveDashboard,
  TExecutiveDashboardQuery,
  TExecutiveLetterSettings,
  TExecutiveQueueQuery,
  TFeedbackReportInput,
  TOpenExecutiveCaseInput,
  TPublicExecutiveLetter,
  TUpdateExecutiveLetterSettingsInput,
  TVerificationCallInput,
} from "../../../shared/contracts/executive";
import type { DbOrTx, Tx } from "../../db/connection";
import { type Actor, type AnyActor, actorId } from "../../platform/actor";
import type { CaseGuard } from "../../platform/case-guards";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, invariant, notFound } from "../../platform/errors";
import { changePayload, type EventProcessor, recordEvents } from "../../platform/events";
import type { ExecutiveLine } from "../../platform/executive-line";
import { ensureAllowed, ensureVisible } from "../../platform/policy";
import { lockCaseFor, visibleCaseView } from "../cases/cases.access";
import {
  type CaseRecord,
  DEFAULT_NEXT_STEP_HOURS,
  insertCaseInTransaction,
  keepFollowerInTransaction,
  openFollowUpCase,
  updateCaseInTransaction,
} from "../cases/cases.service";
import { cancelCommitment, keepCommitment, makeCommitment } from "../commitments/commitments.service";
import { addEventMessage } from "../messages/messages.service";
import { addBusinessDays } from "./executive.calendar";
import { executiveEvent } from "./executive.events";
import {
  executiveAdminPolicy,
  executivePolicy,
  executiveQueuePolicy,
  openExecutiveCasePolicy,
} from "./executive.policy";
import { presentExecutiveCase, presentSummary, reportIsCurrent } from "./executive.presenter";
import * as repo from "./executive.repository";

const HOUR_MS = 3_600_000;

const VERIFICATION_OUTCOME_WORDS = {
  no_answer: "no answer",
  satisfied: "the customer is satisfied",
  not_satisfied: "the customer is not satisfied",
  unreachable: "the customer could not be reached",
} as const;

/** That `id` is an active employee with the executive role (a channel is pointed at them, a letter addressed). */
export const ensureActiveExecutive = async (db: DbOrTx, id: string, field: string): Promise<repo.PersonRow> => {
  const person = await repo.findPerson(db, id);
  if (!person?.active || person.role !== "executive") {
    throw invalid(field, "Choose an active employee with the executive role");
  }
  return person;
};

/**
 * The executive a configured channel (an executive address, the customer pages) names, when a letter arrives. Their
 * role was checked when the channel was set up and a demotion does not break the line (the queue is the person's);
 * a deactivated executive refuses the letter loudly (email quarantines it) instead of letting it fall to a queue.
 */
const ensureNamedExecutiveActive = async (db: DbOrTx, id: string): Promise<void> => {
  const person = await repo.findPerson(db, id);
  if (!person?.active) {
    throw invariant(
      "executiveId",
      `The executive this channel names (${person?.name ?? id}) is deactivated: hand the executive line over (POST /api/v1/executive/handovers)`,
    );
  }
};

export interface ExecutiveCaseOptions {
  /** The channel was configured with this executive (an address, the customer pages): see ensureNamedExecutiveActive. */
  configured?: boolean;
  /** A case the letter answers (a closed case, or an ordinary one the customer wrote about): linked as related. */
  relatedCaseId?: string | null;
}

/**
 * "Write to the chief executive", inside the caller's transaction: the email channel, the portal and the web form
 * call this with their own writes. The case is owned by the executive, who follows it until it is closed; nothing
 * in the input can route it elsewhere on the way in. Records `executive_case.opened`, which alerts the executive.
 */
export const openExecutiveCaseInTransaction = async (
  tx: Tx,
  actor: AnyActor,
  input: TOpenExecutiveCaseInput,
  opts: ExecutiveCaseOptions = {},
): Promise<CaseRecord> => {
  ensureAllowed(openExecutiveCasePolicy.can(actor, "open", null), "Not allowed to open executive cases");
  const { executiveId, ...caseInput } = input;
  if (opts.configured) await ensureNamedExecutiveActive(tx, executiveId);
  else await ensureActiveExecutive(tx, executiveId, "executiveId");
  const values: TCreateCaseInput = {
    ...caseInput,
    ownerId: executiveId,
    followerIds: [...new Set([...caseInput.followerIds, executiveId])],
    nextStep: caseInput.nextStep ?? "Read the customer's letter and delegate it",
  };
  const created = opts.relatedCaseId
    ? await openFollowUpCase(tx, actor, opts.relatedCaseId, values)
    : await insertCaseInTransaction(tx, actor, values);
  const row = await repo.insert(tx, {
    caseId: created.id,
    executiveId,
    loggedById: actorId(actor),
    receivedAt: created.createdAt,
  });
  await recordEvents(tx, actor, [executiveEvent("executive_case.opened", null, row, { channel: created.channel })]);
  return created;
};

/** The executive a case was written to, or null for an ordinary case. */
export const executiveOfCase = async (db: DbOrTx, caseId: string): Promise<string | null> =>
  (await repo.findByCaseId(db, caseId))?.executiveId ?? null;

/**
 * The customer's executive case with this executive that is not closed yet, which their next letter joins (a second
 * mail, a second letter from the portal or the web form), or null. Holds a lock on the customer's letters to that
 * executive until the transaction ends, so two letters arriving at once cannot open two cases.
 */
export const openExecutiveCaseOf = async (tx: Tx, executiveId: string, requesterId: string): Promise<string | null> => {
  await repo.lockLetters(tx, executiveId, requesterId);
  return (await repo.findOpenCaseOf(tx, executiveId, requesterId)) ?? null;
};

/** What a customer writes to the executive through the portal or the web form. */
export interface CustomerLetter {
  executiveId: string;
  requesterId: string;
  subject: string;
  channel: "portal" | "web_form";
  teamId: string | null;
  customFields?: Record<string, string | number | boolean>;
}

/**
 * A customer's letter through the customer pages: it joins their executive case with that executive that is not
 * closed yet, else opens one. Answers the case the caller adds the letter to; `created` is null when it joined.
 */
export const executiveCaseForLetter = async (
  tx: Tx,
  actor: AnyActor,
  letter: CustomerLetter,
): Promise<{ caseId: string; created: CaseRecord | null }> => {
  const open = await openExecutiveCaseOf(tx, letter.executiveId, letter.requesterId);
  if (open) return { caseId: open, created: null };
  const created = await openExecutiveCaseInTransaction(
    tx,
    actor,
    {
      executiveId: letter.executiveId,
      subject: letter.subject,
      requester: { contactId: letter.requesterId },
      teamId: letter.teamId,
      status: "new",
      priority: "high",
      type: "complaint",
      channel: letter.channel,
      tags: [],
      customFields: letter.customFields ?? {},
      followerIds: [],
    },
    { configured: true },
  );
  return { caseId: created.id, created };
};

const detailOf = async (ctx: ServiceContext, db: DbOrTx, actor: AnyActor, caseId: string): Promise<TExecutiveCase> => {
  const view = await repo.findView(db, caseId);
  if (!view) throw notFound("Executive case");
  return presentExecutiveCase(
    actor,
    view,
    await repo.callsOf(db, caseId),
    ctx.config.executiveLine.verificationAttempts,
    new Date(),
  );
};

/** openExecutiveCaseInTransaction in its own transaction (the API's and the phone log's entry). */
export const openExecutiveCase = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TOpenExecutiveCaseInput,
): Promise<TExecutiveCase> =>
  await inTransaction(ctx, async (tx) => {
    const created = await openExecutiveCaseInTransaction(tx, actor, input);
    return await detailOf(ctx, tx, actor, created.id);
  });

/** The executive case on a case page; the executive's own first look is recorded once, as the receipt. */
export const getExecutiveCase = async (ctx: ServiceContext, actor: AnyActor, caseId: string): Promise<TExecutiveCase> =>
  await inTransaction(ctx, async (tx) => {
    await visibleCaseView(tx, actor, caseId);
    const row = await repo.findByCaseId(tx, caseId);
    if (!row) throw notFound("Executive case");
    if (actor.type === "user" && actor.id === row.executiveId && !row.firstOpenedAt) {
      const locked = await repo.lockByCaseId(tx, caseId);
      if (locked && !locked.firstOpenedAt) {
        const after = await repo.update(tx, caseId, { firstOpenedAt: new Date() });
        await recordEvents(tx, actor, [executiveEvent("executive_case.received", locked, after)]);
      }
    }
    return await detailOf(ctx, tx, actor, caseId);
  });

/** Locks the case (visible to the actor) and then its executive record, always in that order. */
const lockExecutiveCase = async (tx: Tx, actor: AnyActor, caseId: string) => {
  const c = await lockCaseFor(tx, actor, caseId, "read");
  const e = await repo.lockByCaseId(tx, caseId);
  if (!e) throw notFound("Executive case");
  return { c, e, access: { executiveId: e.executiveId, ownerId: c.ownerId } };
};

/** The executive hands the case to any employee with one action and a note; the cases service keeps no-cracks. */
export const delegateExecutiveCase = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TDelegateInput,
): Promise<TExecutiveCase> =>
  await inTransaction(ctx, async (tx) => {
    const { c, e, access } = await lockExecutiveCase(tx, actor, caseId);
    ensureAllowed(executivePolicy.can(actor, "delegate", access), "Only the case's executive delegates it");
    if (c.status === "solved" || c.status === "closed") {
      throw new AppError("INVALID_TRANSITION", `A ${c.status} executive case cannot be delegated`, "status");
    }
    const now = new Date();
    // The delegation is recorded first: the owner change below is what it allows (executiveCaseGuard).
    const after = await repo.update(tx, caseId, {
      delegatedToId: input.ownerId,
      delegatedAt: now,
      delegationNote: input.note,
      firstOpenedAt: e.firstOpenedAt ?? now,
    });
    const updated = await updateCaseInTransaction(ctx, tx, actor, caseId, c.version, {
      ownerId: input.ownerId,
      nextStep: "Put it right with the customer, then file the feedback report",
      nextStepDueAt: input.nextStepDueAt ?? new Date(now.getTime() + DEFAULT_NEXT_STEP_HOURS[c.priority] * HOUR_MS),
    });
    await addEventMessage(
      tx,
      caseId,
      `${actor.name} delegated this case to ${updated.owner?.name ?? ""}: ${input.note}`,
    );
    await recordEvents(tx, actor, [executiveEvent("executive_case.delegated", e, after)]);
    return await detailOf(ctx, tx, actor, caseId);
  });

/** The owner's written feedback report; an executive case cannot be solved without a current one. */
export const fileFeedbackReport = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TFeedbackReportInput,
): Promise<TExecutiveCase> =>
  await inTransaction(ctx, async (tx) => {
    const { c, e, access } = await lockExecutiveCase(tx, actor, caseId);
    ensureAllowed(executivePolicy.can(actor, "fileReport", access), "Only the case's owner files the report");
    if (c.status === "solved" || c.status === "closed") {
      throw new AppError("INVALID_TRANSITION", `The report of a ${c.status} case cannot change`, "status");
    }
    const after = await repo.update(tx, caseId, {
      reportCustomerSaid: input.customerSaid,
      reportActionsTaken: input.actionsTaken,
      reportRemedyGiven: input.remedyGiven,
      reportCustomerSatisfied: input.customerSatisfied,
      reportFiledById: actorId(actor),
      reportFiledAt: new Date(),
    });
    await addEventMessage(
      tx,
      caseId,
      `${actor.name} filed the feedback report for the executive (customer satisfied: ${input.customerSatisfied ? "yes" : "no"}).`,
    );
    await recordEvents(tx, actor, [executiveEvent("executive_case.report_filed", e, after)]);
    return await detailOf(ctx, tx, actor, caseId);
  });

/**
 * The executive's verification call. `no_answer` counts an attempt; `unreachable` is accepted from the K-th attempt;
 * `satisfied` and `unreachable` close the case; `not_satisfied` reopens it to its owner for a new report.
 */
export const recordVerificationCall = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TVerificationCallInput,
): Promise<TExecutiveCase> => {
  const { detail, promise } = await inTransaction(ctx, async (tx) => {
    const { c, e, access } = await lockExecutiveCase(tx, actor, caseId);
    ensureAllowed(
      executivePolicy.can(actor, "verify", access),
      "Only the case's executive makes the verification call",
    );
    if (c.status !== "solved" || e.verificationStatus !== "pending") {
      throw new AppError("INVALID_TRANSITION", "No verification call is due: the case is not solved", "status");
    }
    const attempt = (await repo.countCalls(tx, caseId, e.verificationRound)) + 1;
    const needed = ctx.config.executiveLine.verificationAttempts;
    if (input.outcome === "unreachable" && attempt < needed) {
      throw invariant(
        "outcome",
        `"unreachable" is recorded on attempt ${needed} at the earliest; this is attempt ${attempt} (record "no_answer")`,
      );
    }
    await repo.insertCall(tx, {
      caseId,
      round: e.verificationRound,
      outcome: input.outcome,
      notes: input.notes,
      calledById: actorId(actor),
    });
    const now = new Date();
    let after = e;
    if (input.outcome !== "no_answer") {
      after = await repo.update(tx, caseId, { verificationStatus: input.outcome, verificationCompletedAt: now });
      await updateCaseInTransaction(
        ctx,
        tx,
        actor,
        caseId,
        c.version,
        input.outcome === "not_satisfied"
          ? {
              status: "open",
              nextStep: "The customer is not satisfied (executive's call): put it right and file a new report",
              nextStepDueAt: new Date(now.getTime() + DEFAULT_NEXT_STEP_HOURS[c.priority] * HOUR_MS),
            }
          : { status: "closed" },
      );
    }
    await addEventMessage(
      tx,
      caseId,
      `Verification call by ${actor.name} (attempt ${attempt}): ${VERIFICATION_OUTCOME_WORDS[input.outcome]}.`,
    );
    await recordEvents(tx, actor, [
      executiveEvent("executive_case.verification_called", e, after, { outcome: input.outcome, attempt }),
    ]);
    return {
      detail: await detailOf(ctx, tx, actor, caseId),
      promise: input.outcome === "no_answer" ? null : e.verificationCommitmentId,
    };
  });
  if (promise) {
    await settleVerificationPromise(
      ctx,
      actor,
      promise,
      "keep",
      `Called: ${VERIFICATION_OUTCOME_WORDS[input.outcome]}`,
    );
  }
  return detail;
};

/**
 * Keeps or cancels the verification promise after the executive line's own transaction committed (the commitments
 * domain settles in a transaction of its own). A promise no longer open (broken because the call came late) stays
 * as it is.
 */
export const settleVerificationPromise = async (
  ctx: ServiceContext,
  actor: AnyActor,
  commitmentId: string,
  action: "keep" | "cancel",
  note: string,
): Promise<void> => {
  try {
    if (action === "keep") await keepCommitment(ctx, actor, commitmentId, note);
    else await cancelCommitment(ctx, actor, commitmentId, note);
  } catch (err) {
    if (!(err instanceof AppError && err.code === "INVALID_TRANSITION")) throw err;
  }
};

export const SETTLE_VERIFICATION_JOB = {
  name: "executive.cancel-verification-promise",
  payload: z.object({ commitmentId: z.uuid() }),
};

/**
 * A solved executive case reopened before the executive's call (the customer wrote again, the owner reopened it):
 * the promise of that call is cancelled by a job (enqueued with the event's dispatch), and the next solve makes a
 * new one. Works for every path that reopens a case, including those that bypass the case guards.
 */
export const executiveLineProcessor = (ctx: ServiceContext): EventProcessor => ({
  name: "executive-line",
  handle: async (tx, event) => {
    if (event.type !== "case.status_changed" || !event.caseId) return;
    if (event.payload.from !== "solved" || event.payload.to === "closed") return;
    const e = await repo.findByCaseId(tx, event.caseId);
    if (e?.verificationStatus !== "pending" || !e.verificationCommitmentId) return;
    await ctx.jobs.enqueue(tx, SETTLE_VERIFICATION_JOB, [
      { payload: { commitmentId: e.verificationCommitmentId }, key: `${e.verificationCommitmentId}:${event.id}` },
    ]);
  },
});

const queueOwner = (actor: Actor, executiveId: string | undefined): string => {
  const id = executiveId ?? actor.id;
  ensureAllowed(
    executiveQueuePolicy.can(actor, "read", { executiveId: id }),
    "Only admins see another executive's queue",
  );
  return id;
};

/** The executive's own queue: every case written to them, whoever owns it now and whatever their role. */
export const executiveQueue = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TExecutiveQueueQuery,
): Promise<TExecutiveCaseSummary[]> => {
  const executiveId = queueOwner(actor, q.executiveId);
  const now = new Date();
  return (await repo.listViews(ctx.db, executiveId, q.status)).map((v) => presentSummary(v, now));
};

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
};

const average = (values: number[]): number | null =>
  values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;

export const executiveDashboard = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TExecutiveDashboardQuery,
): Promise<TExecutiveDashboard> => {
  const executiveId = queueOwner(actor, q.executiveId);
  const person = await repo.findPerson(ctx.db, executiveId);
  ensureVisible(!!person, "Executive");
  const now = new Date();
  const since = new Date(now.getTime() - q.sinceDays * 24 * HOUR_MS);
  const open = (await repo.listViews(ctx.db, executiveId, "open")).map((v) => presentSummary(v, now));
  const outcomes = new Map((await repo.outcomeCounts(ctx.db, executiveId, since)).map((r) => [r.outcome, r.n]));
  const satisfaction = await repo.verifiedSatisfactionHours(ctx.db, executiveId, since);
  const ages = open.map((o) => o.ageHours);
  const count = (stage: TExecutiveCaseSummary["stage"]) => open.filter((o) => o.stage === stage).length;
  return {
    executive: { id: executiveId, name: person?.name ?? "" },
    since,
    counts: {
      open: open.length,
      unopened: open.filter((o) => !o.firstOpenedAt).length,
      awaitingDelegation: count("awaiting_delegation"),
      awaitingReport: count("awaiting_report"),
      awaitingSolve: count("awaiting_solve"),
      awaitingMyCall: count("awaiting_verification"),
      overdueCalls: open.filter(
        (o) => o.stage === "awaiting_verification" && o.verificationDueAt && o.verificationDueAt < now,
      ).length,
    },
    openAge: { oldestHours: ages.length ? Math.max(...ages) : null, medianHours: median(ages) },
    open: [...open].sort((a, b) => b.ageHours - a.ageHours),
    outcomes: {
      satisfied: outcomes.get("satisfied") ?? 0,
      notSatisfied: outcomes.get("not_satisfied") ?? 0,
      unreachable: outcomes.get("unreachable") ?? 0,
      noAnswerCalls: outcomes.get("no_answer") ?? 0,
    },
    complaintToVerifiedSatisfaction: {
      cases: satisfaction.length,
      medianHours: median(satisfaction),
      averageHours: average(satisfaction),
    },
  };
};

const verificationDueAt = async (ctx: ServiceContext, db: DbOrTx, e: repo.ExecutiveCaseRow, from: Date) => {
  const person = await repo.findPerson(db, e.executiveId);
  return {
    executiveName: person?.name ?? "the executive",
    dueAt: addBusinessDays(from, ctx.config.executiveLine.verificationBusinessDays, person?.timeZone ?? "UTC"),
  };
};

/**
 * The executive line's rules on every case write, whatever path it takes (API, merge, reassignment, jobs):
 * solved only with a current report, closed only after verification, merged only into the same executive's case,
 * and the executive follows it until it is closed.
 */
export const executiveCaseGuard = (ctx: ServiceContext): CaseGuard => ({
  name: "executive-line",
  beforeUpdate: async (tx, actor, before, next) => {
    if (next.ownerId === undefined || next.ownerId === before.ownerId) return;
    const e = await repo.findByCaseId(tx, before.id);
    if (!e || next.ownerId === e.executiveId) return;
    if (!e.delegatedToId) {
      throw invariant(
        "ownerId",
        "An executive case stays with its executive until they delegate it (POST /api/v1/executive/cases/:id/delegate)",
      );
    }
    // Named rules (an SLA escalation) do not hand it on either: only the people the line put in charge.
    const access = { executiveId: e.executiveId, ownerId: before.ownerId };
    if (actor.type !== "user" || !executivePolicy.can(actor, "handOn", access)) {
      throw new AppError(
        "FORBIDDEN",
        "Only the executive, or the owner they delegated to, hands an executive case on",
        "ownerId",
      );
    }
  },
  beforeSolve: async (tx, _actor, c, now) => {
    const e = await repo.findByCaseId(tx, c.id);
    if (!e) return undefined;
    if (!reportIsCurrent(e)) {
      throw invariant(
        "report",
        "An executive case is solved only after its owner files the written feedback report (PUT /api/v1/executive/cases/:id/report)",
      );
    }
    const { executiveName, dueAt } = await verificationDueAt(ctx, tx, e, now);
    return { nextStep: `Verification call: ${executiveName} calls the customer`, nextStepDueAt: dueAt };
  },
  closeBlocker: async (tx, c) => {
    const e = await repo.findByCaseId(tx, c.id);
    if (!e || e.verificationStatus === "satisfied" || e.verificationStatus === "unreachable") return null;
    return "An executive case closes only after the executive's verification call";
  },
  beforeMerge: async (tx, _actor, source, target) => {
    const from = await repo.findByCaseId(tx, source.id);
    if (!from) return;
    const into = await repo.findByCaseId(tx, target.id);
    if (into?.executiveId !== from.executiveId) {
      throw invariant(
        "targetCaseId",
        "An executive case is merged only into another case of the same executive; merge the other case into this one instead",
      );
    }
  },
  beforeFollowerRemoved: async (tx, _actor, c, userId) => {
    const e = await repo.findByCaseId(tx, c.id);
    if (e && e.executiveId === userId && c.status !== "closed") {
      throw invariant("userId", "The executive follows an executive case until it is closed");
    }
  },
  afterChange: async (tx, actor, before, after) => {
    const e = await repo.findByCaseId(tx, after.id);
    if (!e) return;
    if (after.status !== "closed") await keepFollowerInTransaction(tx, actor, after.id, e.executiveId);
    if (before.status !== "solved" && after.status === "solved") {
      const requestedAt = after.solvedAt ?? new Date();
      const { executiveName, dueAt } = await verificationDueAt(ctx, tx, e, requestedAt);
      const promise = await makeCommitment(
        ctx,
        tx,
        actor,
        after.id,
        {
          kind: "other",
          ownerId: e.executiveId,
          description: `Verification call: ${executiveName} calls the customer to hear whether it was put right`,
          dueAt,
        },
        requestedAt,
      );
      const requested = await repo.update(tx, after.id, {
        verificationStatus: "pending",
        verificationRound: e.verificationRound + 1,
        verificationRequestedAt: requestedAt,
        verificationDueAt: dueAt,
        verificationCompletedAt: null,
        verificationCommitmentId: promise.id,
      });
      await recordEvents(tx, actor, [executiveEvent("executive_case.verification_requested", e, requested)]);
    }
  },
});

/* "Write to the chief executive" on the customer pages */

const presentLetterSettings = async (
  db: DbOrTx,
  row: repo.LetterSettingsRow | undefined,
): Promise<TExecutiveLetterSettings> => {
  const person = row?.executiveId ? await repo.findPerson(db, row.executiveId) : undefined;
  return {
    enabled: row?.enabled ?? false,
    executive: person ? { id: person.id, name: person.name } : null,
    message: row?.message ?? "",
    version: row?.version ?? 0,
    updatedAt: row?.updatedAt ?? new Date(0),
  };
};

const letterSnapshot = (row: repo.LetterSettingsRow) => ({
  enabled: row.enabled,
  executiveId: row.executiveId,
  message: row.message,
});

export const getExecutiveLetterSettings = async (
  ctx: ServiceContext,
  actor: AnyActor,
): Promise<TExecutiveLetterSettings> => {
  ensureAllowed(executiveAdminPolicy.can(actor, "manage", null), "Only admins set up the customer pages");
  return await presentLetterSettings(ctx.db, await repo.findLetterSettings(ctx.db));
};

/**
 * Turns "write to the chief executive" on the portal and the web form on or off. On needs an active executive and
 * the executive's own message to the customer; both can be prepared while it is off.
 */
export const updateExecutiveLetterSettings = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TUpdateExecutiveLetterSettingsInput,
): Promise<TExecutiveLetterSettings> => {
  ensureAllowed(executiveAdminPolicy.can(actor, "manage", null), "Only admins set up the customer pages");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockLetterSettings(tx);
    const enabled = input.enabled ?? before.enabled;
    const executiveId = input.executiveId === undefined ? before.executiveId : input.executiveId;
    const message = input.message ?? before.message;
    if (input.executiveId) await ensureActiveExecutive(tx, input.executiveId, "executiveId");
    if (enabled) {
      if (!executiveId)
        throw invariant("executiveId", "Choose the executive customers write to before turning this on");
      await ensureActiveExecutive(tx, executiveId, "executiveId");
      if (!message) throw invariant("message", "Write the executive's message to customers before turning this on");
    }
    const after = await repo.updateLetterSettings(tx, {
      enabled,
      executiveId,
      message,
      updatedById: actorId(actor),
    });
    await recordEvents(tx, actor, [
      {
        type: "executive_letter_settings.updated",
        aggregateType: "executive_letter_settings",
        aggregateId: "executive_letter_settings",
        payload: changePayload(letterSnapshot, before, after),
      },
    ]);
    return await presentLetterSettings(tx, after);
  });
};

/** The executive customers may write to on the customer pages, or null while the option is off. */
const offeredExecutive = async (
  db: DbOrTx,
): Promise<{ row: repo.LetterSettingsRow; person: repo.PersonRow } | null> => {
  const row = await repo.findLetterSettings(db);
  if (!row?.enabled || !row.executiveId) return null;
  const person = await repo.findPerson(db, row.executiveId);
  return person?.active ? { row, person } : null;
};

/** What the portal and the web form show: whether the option is on, to whom, and the executive's own words. */
export const publicExecutiveLetter = async (ctx: Pick<ServiceContext, "db">): Promise<TPublicExecutiveLetter> => {
  const offered = await offeredExecutive(ctx.db);
  return offered
    ? { available: true, executiveName: offered.person.name, message: offered.row.message }
    : { available: false, executiveName: null, message: null };
};

export const NOT_OFFERED = "Writing to the chief executive is not offered here";

/** The executive a customer page's letter goes to, or null while the option is off. */
export const offeredExecutiveId = async (db: DbOrTx): Promise<string | null> =>
  (await offeredExecutive(db))?.person.id ?? null;

/** The executive line as the email channel reaches it (see platform/executive-line.ts). */
export const executiveLine: ExecutiveLine = {
  ensureActiveExecutive,
  executiveOfCase,
  openCaseOf: openExecutiveCaseOf,
  openLetter: openExecutiveCaseInTransaction,
};
