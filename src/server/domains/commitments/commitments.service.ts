import { z } from "zod";
import type {
  CommitmentKind,
  TCommitment,
  TCommitmentListQuery,
  TCreateCommitmentInput,
} from "../../../shared/contracts/commitments";
import type { Tx } from "../../db/connection";
import { type Actor, type AnyActor, actorId, SYSTEM } from "../../platform/actor";
import type { CaseGuard } from "../../platform/case-guards";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { recordEvents, type StoredEvent } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { lockCaseFor, visibleCaseView } from "../cases/cases.access";
import { canSeeCase } from "../cases/cases.service";
import { notify } from "../notifications/notifications.service";
import { loadActor } from "../users/users.service";
import { commitmentEvent } from "./commitments.events";
import { commitmentsPolicy } from "./commitments.policy";
import * as repo from "./commitments.repository";

const zTimer = z.object({ commitmentId: z.uuid(), dueAt: z.iso.datetime() });

/** Breaks a promise that is still open when it falls due. */
export const COMMITMENT_DUE_JOB = { name: "commitments.due", payload: zTimer };
/** Reminds the owner shortly before a promise falls due. */
export const COMMITMENT_REMINDER_JOB = { name: "commitments.reminder", payload: zTimer };

const KIND_LABEL: Record<CommitmentKind, string> = {
  callback: "Call back",
  email: "Email",
  visit: "Visit",
  shipment: "Shipment",
  other: "Promise",
};

const accessOf = (v: repo.CommitmentView) => ({ ownerId: v.c.ownerId, caseOwnerId: v.caseOwnerId });

const present = (actor: AnyActor, v: repo.CommitmentView): TCommitment => {
  const open = v.c.state === "open";
  return {
    id: v.c.id,
    case: { id: v.c.caseId, number: v.caseNumber, subject: v.caseSubject },
    owner: { id: v.c.ownerId, name: v.ownerName },
    kind: v.c.kind,
    description: v.c.description,
    dueAt: v.c.dueAt,
    state: v.c.state,
    note: v.c.note,
    createdById: v.c.createdById,
    settledById: v.c.settledById,
    remindedAt: v.c.remindedAt,
    settledAt: v.c.settledAt,
    createdAt: v.c.createdAt,
    updatedAt: v.c.updatedAt,
    abilities: {
      keep: open && commitmentsPolicy.can(actor, "keep", accessOf(v)),
      cancel: open && commitmentsPolicy.can(actor, "cancel", accessOf(v)),
    },
  };
};

const viewOrFail = async (tx: Tx, id: string): Promise<repo.CommitmentView> => {
  const view = await repo.findView(tx, id);
  if (!view) throw notFound("Commitment");
  return view;
};

const timerKey = (id: string, dueAt: Date) => `${id}:${dueAt.toISOString()}`;

/**
 * Records a promise on a case in the caller's transaction (other domains make promises too, e.g. a
 * verification call), with its reminder and due timers enqueued in the same transaction.
 */
export const makeCommitment = async (
  ctx: ServiceContext,
  tx: Tx,
  actor: AnyActor,
  caseId: string,
  input: TCreateCommitmentInput,
  now = new Date(),
): Promise<repo.CommitmentRow> => {
  const c = await lockCaseFor(tx, actor, caseId, "update");
  if (c.status === "closed") throw new AppError("INVALID_TRANSITION", "This case is closed", "caseId");
  if (input.dueAt <= now) throw invalid("dueAt", "A promise is due in the future");
  const ownerId = input.ownerId ?? actorId(actor);
  if (!ownerId) throw invalid("ownerId", "Say who keeps the promise");
  if (!(await loadActor(tx, ownerId, null))) throw invalid("ownerId", "The owner must be an active employee");
  const row = await repo.insert(tx, {
    caseId,
    ownerId,
    kind: input.kind,
    description: input.description,
    dueAt: input.dueAt,
    createdById: actorId(actor),
  });
  await recordEvents(tx, actor, [commitmentEvent("commitment.created", null, row)]);
  const key = timerKey(row.id, row.dueAt);
  const payload = { commitmentId: row.id, dueAt: row.dueAt.toISOString() };
  await ctx.jobs.enqueue(tx, COMMITMENT_DUE_JOB, [{ payload, key, startAfter: row.dueAt }]);
  const remindAt = new Date(row.dueAt.getTime() - ctx.config.commitmentReminderMinutes * 60_000);
  if (remindAt > now) await ctx.jobs.enqueue(tx, COMMITMENT_REMINDER_JOB, [{ payload, key, startAfter: remindAt }]);
  return row;
};

export const createCommitment = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TCreateCommitmentInput,
): Promise<TCommitment> =>
  await inTransaction(ctx, async (tx) => {
    const row = await makeCommitment(ctx, tx, actor, caseId, input);
    return present(actor, await viewOrFail(tx, row.id));
  });

export const listCaseCommitments = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
): Promise<TCommitment[]> =>
  await ctx.db.transaction(async (tx) => {
    await visibleCaseView(tx, actor, caseId);
    return (await repo.listByCase(tx, caseId)).map((v) => present(actor, v));
  });

/** Promises across cases ("mine, open, due today"), limited to cases the caller can see. */
export const listCommitments = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TCommitmentListQuery,
): Promise<TCommitment[]> => {
  const rows = await repo.list(ctx.db, {
    ownerId: q.ownerId === "me" ? actor.id : q.ownerId,
    states: q.state,
    dueBefore: q.dueBefore,
    limit: q.limit,
  });
  const out: TCommitment[] = [];
  for (const v of rows) if (await canSeeCase(ctx, actor, v.c.caseId)) out.push(present(actor, v));
  return out;
};

const settle = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  action: "keep" | "cancel",
  note: string | undefined,
): Promise<TCommitment> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Commitment");
    await visibleCaseView(tx, actor, before.caseId).catch(() => {
      throw notFound("Commitment");
    });
    const view = await viewOrFail(tx, id);
    ensureAllowed(
      commitmentsPolicy.can(actor, action, accessOf(view)),
      "Only the promise's owner, the case owner or a supervisor settles it",
    );
    if (before.state !== "open") {
      throw new AppError("INVALID_TRANSITION", `This promise is already ${before.state}`, "state");
    }
    const after = await repo.update(tx, id, {
      state: action === "keep" ? "kept" : "cancelled",
      note: note ?? null,
      settledAt: new Date(),
      settledById: actorId(actor),
    });
    if (!after) throw notFound("Commitment");
    await recordEvents(tx, actor, [
      commitmentEvent(action === "keep" ? "commitment.kept" : "commitment.cancelled", before, after),
    ]);
    return present(actor, await viewOrFail(tx, id));
  });

export const keepCommitment = async (ctx: ServiceContext, actor: AnyActor, id: string, note?: string) =>
  await settle(ctx, actor, id, "keep", note);

export const cancelCommitment = async (ctx: ServiceContext, actor: AnyActor, id: string, note: string) =>
  await settle(ctx, actor, id, "cancel", note);

/**
 * A promise still open at its due time is broken: recorded with an event (reports, escalations and the case's
 * history see it) and a notice to its owner and the case owner. Acts once, and only if the promise
 * is still due at `dueAt` — a stale or repeated timer does nothing.
 */
export const breakDueCommitment = async (
  ctx: ServiceContext,
  timer: { commitmentId: string; dueAt: string },
  now = new Date(),
): Promise<boolean> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, timer.commitmentId);
    if (before?.state !== "open" || before.dueAt.toISOString() !== new Date(timer.dueAt).toISOString()) {
      return false;
    }
    if (before.dueAt > now) return false;
    const after = await repo.update(tx, before.id, { state: "broken", settledAt: before.dueAt });
    if (!after) return false;
    await recordEvents(tx, SYSTEM, [commitmentEvent("commitment.broken", before, after)]);
    const view = await viewOrFail(tx, after.id);
    const title = `Promise broken on case #${view.caseNumber}: ${KIND_LABEL[after.kind]}`;
    await notify(
      tx,
      [...new Set([after.ownerId, view.caseOwnerId].filter((u): u is string => !!u))].map((userId) => ({
        userId,
        kind: "commitment_broken" as const,
        caseId: after.caseId,
        title,
        body: `"${after.description}" was due ${after.dueAt.toISOString()}.`,
        dedupeKey: `commitment:${after.id}:broken:${userId}`,
      })),
    );
    return true;
  });

/** Reminds the owner of an open promise before it falls due (once). */
export const remindCommitment = async (
  ctx: ServiceContext,
  timer: { commitmentId: string; dueAt: string },
  now = new Date(),
): Promise<boolean> =>
  await inTransaction(ctx, async (tx) => {
    const row = await repo.lockById(tx, timer.commitmentId);
    if (row?.state !== "open" || row.remindedAt) return false;
    if (row.dueAt.toISOString() !== new Date(timer.dueAt).toISOString() || row.dueAt <= now) return false;
    await repo.update(tx, row.id, { remindedAt: now });
    const view = await viewOrFail(tx, row.id);
    await notify(tx, [
      {
        userId: row.ownerId,
        kind: "commitment_reminder",
        caseId: row.caseId,
        title: `${KIND_LABEL[row.kind]} due ${row.dueAt.toISOString()} — case #${view.caseNumber}`,
        body: row.description,
        dedupeKey: `commitment:${row.id}:reminder:${row.dueAt.toISOString()}`,
      },
    ]);
    return true;
  });

/** Breaks overdue promises a timer missed (enqueued by a process without a queue, downtime). */
export const breakOverdueCommitments = async (ctx: ServiceContext, now = new Date()): Promise<number> => {
  let broken = 0;
  for (const row of await repo.overdueOpen(ctx.db, now, 200)) {
    if (await breakDueCommitment(ctx, { commitmentId: row.id, dueAt: row.dueAt.toISOString() }, now)) broken++;
  }
  return broken;
};

/**
 * A phone call logged on a case keeps the one callback promise it answers: the one the caller chose, or else the
 * earliest due of those open when the call was logged. Another callback (due tomorrow, say) stays open.
 */
export const applyCommitmentEvent = async (tx: Tx, event: StoredEvent): Promise<void> => {
  if (event.type !== "message.added" || !event.caseId) return;
  const p = event.payload;
  if (p.kind !== "phone" || typeof p.authorUserId !== "string") return;
  const chosen = typeof p.callbackId === "string" ? p.callbackId : undefined;
  const before = await repo.lockAnsweredCallback(tx, event.caseId, event.createdAt, chosen);
  if (!before) return;
  const after = await repo.update(tx, before.id, {
    state: "kept",
    settledAt: event.createdAt,
    settledById: p.authorUserId,
    note: "Kept by the call logged on the case",
  });
  if (after) {
    await recordEvents(tx, SYSTEM, [
      commitmentEvent("commitment.kept", before, after, { messageId: p.messageId ?? null }),
    ]);
  }
};

/** A call logged as answering a callback promise must name an open callback of the same case. */
export const callbackGuard: CaseGuard = {
  name: "commitments",
  beforeMessage: async (tx, _actor, c, message) => {
    if (!message.callbackId) return;
    const chosen = await repo.findById(tx, message.callbackId);
    if (chosen?.caseId !== c.id || chosen.kind !== "callback" || chosen.state !== "open") {
      throw invalid("phone.callbackId", "Choose an open callback promise of this case");
    }
  },
};
