import { randomUUID } from "node:crypto";
import { z } from "zod";
import type {
  TCase,
  TCaseDetail,
  TCaseListQuery,
  TCreateCaseInput,
  TSearchHit,
  TUpdateCaseInput,
} from "../../../shared/contracts/cases";
import { type CasePriority, type CaseStatus, canTransition } from "../../../shared/domain";
import type { DbOrTx, Tx } from "../../db/connection";
import { type Actor, type AnyActor, actorId } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import type { DeactivationStep } from "../../platform/deactivation";
import { AppError, invalid, invariant, notFound } from "../../platform/errors";
import { type DomainEvent, recordEvents } from "../../platform/events";
import { escapeHtml } from "../../platform/html";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "../../platform/pagination";
import { ensureAllowed } from "../../platform/policy";
import { findContact, findOrCreateContactByEmail } from "../contacts/contacts.service";
import { applyCustomFields } from "../custom-fields/custom-fields.service";
import { addEventMessage, addFirstMessage, moveThread } from "../messages/messages.service";
import { findOrganization } from "../organizations/organizations.service";
import { teamExists, teamLeadOf } from "../teams/teams.service";
import { activeUserIds, lockActiveUsers } from "../users/directory.service";
import { authorizeCase, type CaseRecord, lockCaseFor, visibleCaseView } from "./cases.access";
import { caseChangeEvents, caseSnapshot } from "./cases.events";
import { caseScope, casesPolicy, createCasePolicy } from "./cases.policy";
import { accessOf, presentCase } from "./cases.presenter";
import * as repo from "./cases.repository";

const PRIORITY_RANK: Record<CasePriority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

/** Default time to the next step when none is given: sooner for more urgent cases. */
export const DEFAULT_NEXT_STEP_HOURS: Record<CasePriority, number> = { urgent: 1, high: 4, normal: 24, low: 72 };

const hoursFromNow = (hours: number, now = new Date()): Date => new Date(now.getTime() + hours * 3_600_000);

const AUTO_CLOSE_STEP = "Closes automatically unless the customer replies";

/** The owner is active and stays so until the transaction ends (a deactivation waits for it, or it for that). */
const ensureActiveOwner = async (tx: Tx, ownerId: string, field = "ownerId"): Promise<void> => {
  if (!(await lockActiveUsers(tx, [ownerId])).has(ownerId)) {
    throw invariant(field, "The owner must be an active employee");
  }
};

const ensureTeam = async (tx: Tx, teamId: string | null | undefined): Promise<void> => {
  if (teamId && !(await teamExists(tx, teamId))) throw invalid("teamId", "No such team");
};

const ensureUsers = async (tx: Tx, ids: string[], field: string): Promise<void> => {
  if ((await activeUserIds(tx, ids)).size !== new Set(ids).size) {
    throw invalid(field, "Every follower must be an active employee");
  }
};

const viewOrFail = async (tx: Tx, actor: AnyActor, id: string): Promise<repo.CaseView> => {
  const view = await repo.findView(tx, id, actorId(actor));
  if (!view) throw notFound("Case");
  return view;
};

/**
 * Opens a case for an employee or the system. An employee in exactly one team who names no team (`teamId` absent,
 * not null) opens it in that team, as a desk expects of a phone call logged by its agent; one in several teams
 * chooses (the New case form offers their first team).
 */
export const openCase = async (ctx: ServiceContext, actor: AnyActor, input: TCreateCaseInput): Promise<TCase> => {
  ensureAllowed(createCasePolicy.can(actor, "create", null), "Not allowed to open cases");
  const ownTeam = actor.type === "user" && actor.teamIds.length === 1 ? actor.teamIds[0] : undefined;
  const withTeam = input.teamId === undefined && ownTeam ? { ...input, teamId: ownTeam } : input;
  return await inTransaction(ctx, async (tx) => await openCaseInTransaction(tx, actor, withTeam));
};

/** openCase within the caller's transaction (web form, surveys, the executive line): answers with the case as the actor sees it. */
export const openCaseInTransaction = async (tx: Tx, actor: AnyActor, input: TCreateCaseInput): Promise<TCase> => {
  const row = await insertCaseInTransaction(tx, actor, input);
  return presentCase(actor, await viewOrFail(tx, actor, row.id));
};

/**
 * What the caller made sure of earlier in the same transaction, so opening a case need not read it again
 * (email intake files many messages to a transaction): the requester's contact as read there, that the
 * owner is an active employee, that the team exists.
 */
export interface CheckedForNewCase {
  requester?: { id: string; organizationId: string | null };
  /** An owner the caller found active with lockActiveUsers in the same transaction. */
  activeOwnerId?: string;
  /** An employee the caller found active, to follow the case. */
  activeFollowerId?: string;
  teamId?: string;
}

/** Writes a new case, its followers, its event and its first message in the caller's transaction; answers with the row. */
export const insertCaseInTransaction = async (
  tx: Tx,
  actor: AnyActor,
  input: TCreateCaseInput,
  checked: CheckedForNewCase = {},
): Promise<CaseRecord> => {
  const [row] = await insertCasesInTransaction(tx, actor, [{ input, checked }]);
  if (!row) throw new Error("case insert returned nothing");
  return row;
};

export interface NewCase {
  input: TCreateCaseInput;
  checked?: CheckedForNewCase;
}

/**
 * insertCaseInTransaction for many cases at once (email intake files a burst of new mail): each is checked as
 * on its own, then all are inserted by one statement and their events recorded together. Answers in order.
 */
export const insertCasesInTransaction = async (
  tx: Tx,
  actor: AnyActor,
  list: readonly NewCase[],
): Promise<CaseRecord[]> => {
  ensureAllowed(createCasePolicy.can(actor, "create", null), "Not allowed to open cases");
  const planned: { values: repo.NewCaseValues & { id: string }; followerIds: string[]; input: TCreateCaseInput }[] = [];
  for (const { input, checked = {} } of list) {
    const requester =
      "contactId" in input.requester
        ? checked.requester?.id === input.requester.contactId
          ? checked.requester
          : // Not read first: the INSERT reads the organization, and its foreign key refuses an unknown contact.
            { id: input.requester.contactId, organizationId: repo.requesterOrganization(input.requester.contactId) }
        : await findOrCreateContactByEmail(tx, actor, input.requester.email, input.requester.name);
    const organizationId = input.organizationId === undefined ? requester.organizationId : input.organizationId;
    if (input.organizationId && !(await findOrganization(tx, input.organizationId))) {
      throw invalid("organizationId", "No such organization");
    }
    if (input.teamId !== checked.teamId) await ensureTeam(tx, input.teamId);
    const ownerId = input.ownerId ?? actorId(actor) ?? (input.teamId ? await teamLeadOf(tx, input.teamId) : null);
    if (!ownerId) throw invariant("ownerId", "Every open case needs an owner");
    // Also when the actor owns it: they were active when the request was signed in, but may not be any more.
    if (ownerId !== checked.activeOwnerId) await ensureActiveOwner(tx, ownerId);
    const followerIds = [
      ...new Set([...input.followerIds, ...(actor.type === "user" && actor.id !== ownerId ? [actor.id] : [])]),
    ];
    if (followerIds.some((id) => id !== checked.activeFollowerId)) await ensureUsers(tx, followerIds, "followerIds");
    const customFields = await applyCustomFields(tx, {}, input.customFields, false);
    planned.push({
      input,
      followerIds,
      values: {
        id: randomUUID(),
        subject: input.subject,
        status: input.status,
        priority: input.priority,
        priorityRank: PRIORITY_RANK[input.priority],
        type: input.type,
        channel: input.channel,
        requesterId: requester.id,
        organizationId,
        teamId: input.teamId ?? null,
        ownerId,
        nextStep: input.nextStep ?? "Reply to the customer",
        nextStepDueAt: input.nextStepDueAt ?? hoursFromNow(DEFAULT_NEXT_STEP_HOURS[input.priority]),
        tags: [...new Set(input.tags)].sort(),
        customFields,
      },
    });
  }
  // An unknown requester fails the foreign key: answered 400 naming requester.contactId (fromDatabaseError).
  const inserted = new Map(
    (
      await repo.insertMany(
        tx,
        planned.map((p) => p.values),
      )
    ).map((row) => [row.id, row]),
  );
  const made = planned.map((p) => {
    const row = inserted.get(p.values.id);
    if (!row) throw new Error("case insert returned nothing");
    return { ...p, row };
  });
  await repo.addFollowersOfCases(
    tx,
    made.flatMap(({ row, followerIds }) => followerIds.map((userId) => ({ caseId: row.id, userId }))),
  );
  await recordEvents(
    tx,
    actor,
    made.map(({ row }) => ({
      type: "case.created",
      aggregateType: "case",
      aggregateId: row.id,
      caseId: row.id,
      payload: { before: null, after: caseSnapshot(row) },
    })),
  );
  for (const { row, input } of made) {
    if (input.description) {
      await addFirstMessage(tx, actor, row, row.requesterId, input.description.body, input.description.format);
    }
  }
  return made.map(({ row }) => row);
};

/** Plain reads without a transaction (the detail is a snapshot, not a unit of work); extras are read alongside and dropped unless the case is visible. */
export const getCase = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TCaseDetail> => {
  const db = ctx.db;
  const [view, { links, followerIds, mergedCaseIds }, executiveId] = await Promise.all([
    visibleCaseView(db, actor, id),
    repo.extrasOf(db, id),
    ctx.executiveLine.executiveOfCase(db, id),
  ]);
  const otherIds = links.map((l) => (l.caseId === id ? l.otherCaseId : l.caseId));
  const others = new Map((await repo.findViewsByIds(db, otherIds, actorId(actor))).map((v) => [v.c.id, v]));
  return {
    ...presentCase(actor, view),
    followerIds,
    mergedCaseIds,
    executiveLine: executiveId !== null,
    links: links.flatMap((l) => {
      const other = others.get(l.caseId === id ? l.otherCaseId : l.caseId);
      return other
        ? [
            {
              id: l.id,
              kind: l.kind,
              direction: l.caseId === id ? ("outgoing" as const) : ("incoming" as const),
              otherCase: casesPolicy.can(actor, "read", accessOf(other))
                ? {
                    readable: true as const,
                    id: other.c.id,
                    number: other.c.number,
                    subject: other.c.subject,
                    status: other.c.status,
                  }
                : { readable: false as const, number: other.c.number },
              createdAt: l.createdAt,
            },
          ]
        : [];
    }),
  };
};

const filterOf = (actor: Actor, q: TCaseListQuery): repo.CaseFilter => ({
  status: q.status,
  priority: q.priority,
  type: q.type,
  ownerId: q.ownerId === "me" ? actor.id : q.ownerId === "not_me" ? undefined : q.ownerId,
  notOwnerId: q.ownerId === "not_me" ? actor.id : undefined,
  teamIds: q.teamId === "mine" ? actor.teamIds : q.teamId ? [q.teamId] : undefined,
  organizationId: q.organizationId,
  requesterId: q.requesterId,
  tag: q.tag,
  dueBefore: q.dueBefore,
});

const instant = cursorValues.timestamp.transform((d) => d.toISOString());

/** What each sort writes into a cursor, as the SQL cast of repo.list takes it. */
const CASE_CURSORS = {
  next_step_due_at: cursorSchema(z.union([instant, z.literal("infinity")])),
  created_at: cursorSchema(instant),
  updated_at: cursorSchema(instant),
  number: cursorSchema(cursorValues.bigint),
  priority: cursorSchema(cursorValues.int),
} as const;

const caseCursorOf = (sort: TCaseListQuery["sort"]) =>
  CASE_CURSORS[sort.replace(/^-/, "") as keyof typeof CASE_CURSORS];

export const listCases = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TCaseListQuery,
): Promise<{ items: TCase[]; nextCursor: string | null }> => {
  const after = q.cursor ? decodeCursor(q.cursor, caseCursorOf(q.sort)) : null;
  const rows = await repo.list(ctx.db, actor.id, caseScope(actor), filterOf(actor, q), q.sort, after, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((v) => presentCase(actor, v)),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ v: repo.sortValueOf(q.sort, last.c), id: last.c.id }) : null,
  };
};

export const COUNT_CAP = 10_000;

/** The number of cases in a view, exact up to COUNT_CAP; beyond it `capped` is true. */
export const countCases = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TCaseListQuery,
): Promise<{ count: number; capped: boolean }> => {
  const n = await repo.count(ctx.db, caseScope(actor), filterOf(actor, q), COUNT_CAP);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
};

interface Transition {
  status: CaseStatus;
  values: Partial<repo.CaseInsert>;
}

const applyStatus = (ctx: ServiceContext, before: repo.CaseRow, input: TUpdateCaseInput, now: Date): Transition => {
  const to = input.status ?? before.status;
  if (to === before.status) return { status: to, values: {} };
  if (!canTransition(before.status, to)) {
    throw new AppError("INVALID_TRANSITION", `A ${before.status} case cannot become ${to}`, "status");
  }
  const stepGiven = input.nextStep !== undefined || input.nextStepDueAt !== undefined;
  switch (to) {
    case "solved":
      return {
        status: to,
        values: {
          solvedAt: now,
          ...(stepGiven
            ? {}
            : { nextStep: AUTO_CLOSE_STEP, nextStepDueAt: hoursFromNow(ctx.config.solvedCloseDays * 24, now) }),
        },
      };
    case "closed":
      return { status: to, values: { closedAt: now } };
    default:
      return {
        status: to,
        values: {
          solvedAt: null,
          ...(before.status === "solved" && !stepGiven
            ? {
                nextStep: "Follow up on the reopened case",
                nextStepDueAt: hoursFromNow(DEFAULT_NEXT_STEP_HOURS[before.priority], now),
              }
            : {}),
        },
      };
  }
};

export const updateCase = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateCaseInput,
): Promise<TCase> =>
  await inTransaction(ctx, async (tx) => await updateCaseInTransaction(ctx, tx, actor, id, expectedVersion, input));

/**
 * updateCase within the caller's transaction (the executive line delegates and reopens with its own writes). `reason`
 * says why a change nobody typed was made ("First response SLA breached"); the case's history shows it.
 */
export const updateCaseInTransaction = async (
  ctx: ServiceContext,
  tx: Tx,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateCaseInput,
  reason?: string,
): Promise<TCase> => {
  const before = await lockCaseFor(tx, actor, id, "read");
  if (before.version !== expectedVersion) {
    throw new AppError(
      "VERSION_CONFLICT",
      `The case changed since version ${expectedVersion}`,
      "If-Match",
      before.version,
    );
  }
  if (before.status === "closed") throw new AppError("INVALID_TRANSITION", "Closed cases cannot be changed", "status");
  const assigning = input.ownerId !== undefined && input.ownerId !== before.ownerId;
  if (input.keepFollowing !== undefined && !assigning) {
    throw invalid("keepFollowing", "Keep following applies only when the case gets a new owner");
  }
  await lockCaseFor(tx, actor, id, assigning ? "assign" : "update");
  const now = new Date();
  const transition = applyStatus(ctx, before, input, now);
  const next: Partial<repo.CaseInsert> = { ...transition.values, status: transition.status };
  if (input.subject !== undefined) next.subject = input.subject;
  if (input.priority !== undefined) {
    next.priority = input.priority;
    next.priorityRank = PRIORITY_RANK[input.priority];
  }
  if (input.type !== undefined) next.type = input.type;
  if (input.requesterId !== undefined) {
    if (!(await findContact(tx, input.requesterId))) throw invalid("requesterId", "No such contact");
    next.requesterId = input.requesterId;
  }
  if (input.organizationId !== undefined) {
    if (input.organizationId && !(await findOrganization(tx, input.organizationId))) {
      throw invalid("organizationId", "No such organization");
    }
    next.organizationId = input.organizationId;
  }
  if (input.teamId !== undefined) {
    await ensureTeam(tx, input.teamId);
    next.teamId = input.teamId;
  }
  if (input.ownerId !== undefined) next.ownerId = input.ownerId;
  if (input.nextStep !== undefined) next.nextStep = input.nextStep === "" ? null : input.nextStep;
  if (input.nextStepDueAt !== undefined) next.nextStepDueAt = input.nextStepDueAt;
  if (input.tags !== undefined) next.tags = [...new Set(input.tags)].sort();
  await ctx.caseGuards.beforeUpdate(tx, actor, before, next);
  const solving = transition.status === "solved" && before.status !== "solved";
  const fields = await applyCustomFields(tx, before.customFields, input.customFields ?? {}, solving);
  if (input.customFields !== undefined || solving) next.customFields = fields;
  if (solving) {
    const held = await ctx.caseGuards.beforeSolve(tx, actor, { ...before, ...next }, now);
    if (held && input.nextStep === undefined) next.nextStep = held.nextStep;
    if (held && input.nextStepDueAt === undefined) next.nextStepDueAt = held.nextStepDueAt;
  }
  if (transition.status === "closed") {
    const blocker = await ctx.caseGuards.closeBlocker(tx, before);
    if (blocker) throw new AppError("INVALID_TRANSITION", blocker, "status");
  }

  if (transition.status !== "closed") {
    const ownerId = next.ownerId === undefined ? before.ownerId : next.ownerId;
    if (!ownerId) throw invariant("ownerId", "An open case always has an owner");
    if (input.ownerId !== undefined) await ensureActiveOwner(tx, ownerId);
    const step = next.nextStep === undefined ? before.nextStep : next.nextStep;
    if (!step) throw invariant("nextStep", "An open case always has a next step");
    const due = next.nextStepDueAt === undefined ? before.nextStepDueAt : next.nextStepDueAt;
    if (!due) throw invariant("nextStepDueAt", "An open case always has a due time for its next step");
  }
  const after = await repo.updateVersioned(tx, id, expectedVersion, next);
  if (!after) throw new AppError("VERSION_CONFLICT", "The case changed meanwhile", "If-Match");
  await recordEvents(tx, actor, caseChangeEvents(before, after, reason ? { reason } : {}));
  if (assigning && actor.type === "user" && (input.keepFollowing ?? before.ownerId === actor.id)) {
    await keepFollowerInTransaction(tx, actor, id, actor.id);
  }
  await ctx.caseGuards.afterChange(tx, actor, before, after);
  return presentCase(actor, await viewOrFail(tx, actor, id));
};

export const mergeCase = async (
  ctx: ServiceContext,
  actor: AnyActor,
  sourceId: string,
  targetId: string,
): Promise<TCase> =>
  await inTransaction(ctx, async (tx) => {
    if (sourceId === targetId) throw invalid("targetCaseId", "A case cannot be merged into itself");
    const locked = new Map<string, repo.CaseRow>();
    for (const id of [sourceId, targetId].sort()) {
      const row = await repo.lockById(tx, id);
      if (row) locked.set(id, row);
    }
    if (!locked.has(sourceId)) throw notFound("Case");
    await authorizeCase(tx, actor, sourceId, "merge");
    if (!locked.has(targetId)) throw invalid("targetCaseId", "No such case");
    try {
      await authorizeCase(tx, actor, targetId, "merge");
    } catch (err) {
      if (err instanceof AppError && err.code === "NOT_FOUND") throw invalid("targetCaseId", "No such case");
      throw err;
    }
    const source = locked.get(sourceId) as repo.CaseRow;
    const target = locked.get(targetId) as repo.CaseRow;
    if (source.status === "closed")
      throw new AppError("INVALID_TRANSITION", "A closed case cannot be merged", "status");
    if (target.status === "closed") throw invalid("targetCaseId", "Cannot merge into a closed case");
    await ctx.caseGuards.beforeMerge(tx, actor, source, target);
    const moved = await moveThread(tx, sourceId, targetId);
    await repo.addFollowers(tx, targetId, await repo.followerIds(tx, sourceId));
    const now = new Date();
    const after = await repo.updateVersioned(tx, sourceId, source.version, {
      status: "closed",
      closedAt: now,
      mergedIntoId: targetId,
    });
    if (!after) throw new AppError("VERSION_CONFLICT", "The case changed meanwhile");
    await repo.touch(tx, targetId);
    await addEventMessage(
      tx,
      targetId,
      `Case #${source.number} "${source.subject}" was merged into this case (${moved} messages moved).`,
    );
    await addEventMessage(tx, sourceId, `Merged into case #${target.number}.`);
    const events: DomainEvent[] = [
      {
        type: "case.merged",
        aggregateType: "case",
        aggregateId: sourceId,
        caseId: sourceId,
        payload: {
          before: { status: source.status, mergedIntoId: null },
          after: { status: "closed", mergedIntoId: targetId },
          targetCaseId: targetId,
          messagesMoved: moved,
        },
      },
      {
        type: "case.merged",
        aggregateType: "case",
        aggregateId: targetId,
        caseId: targetId,
        payload: { before: null, after: { mergedCaseId: sourceId, messagesMoved: moved }, sourceCaseId: sourceId },
      },
    ];
    await recordEvents(tx, actor, events);
    await ctx.caseGuards.afterChange(tx, actor, source, after);
    await ctx.caseGuards.afterChange(tx, actor, target, target);
    return presentCase(actor, await viewOrFail(tx, actor, targetId));
  });

export const linkCases = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: { otherCaseId: string; kind: "related" | "duplicate" | "caused_by" },
): Promise<TCaseDetail> => {
  await inTransaction(ctx, async (tx) => {
    if (caseId === input.otherCaseId) throw invalid("otherCaseId", "A case cannot be linked to itself");
    await lockCaseFor(tx, actor, caseId, "link");
    await visibleCaseView(tx, actor, input.otherCaseId).catch(() => {
      throw invalid("otherCaseId", "No such case");
    });
    const link = await repo.insertLink(tx, {
      caseId,
      otherCaseId: input.otherCaseId,
      kind: input.kind,
      createdById: actorId(actor),
    });
    await recordEvents(tx, actor, [
      {
        type: "case.linked",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: { before: null, after: { linkId: link.id, otherCaseId: input.otherCaseId, kind: input.kind } },
      },
    ]);
  });
  return await getCase(ctx, actor, caseId);
};

export const unlinkCases = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  linkId: string,
): Promise<TCaseDetail> => {
  await inTransaction(ctx, async (tx) => {
    await lockCaseFor(tx, actor, caseId, "link");
    const link = await repo.findLink(tx, linkId);
    if (!link || (link.caseId !== caseId && link.otherCaseId !== caseId)) throw notFound("Link");
    await repo.deleteLink(tx, linkId);
    await recordEvents(tx, actor, [
      {
        type: "case.unlinked",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: {
          before: { linkId, otherCaseId: link.caseId === caseId ? link.otherCaseId : link.caseId, kind: link.kind },
          after: null,
        },
      },
    ]);
  });
  return await getCase(ctx, actor, caseId);
};

export const addFollower = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  userId: string,
): Promise<TCaseDetail> => {
  await inTransaction(ctx, async (tx) => {
    await lockCaseFor(tx, actor, caseId, "follow");
    await ensureUsers(tx, [userId], "userId");
    if ((await repo.addFollowers(tx, caseId, [userId])).length > 0) {
      await recordEvents(tx, actor, [
        {
          type: "case.follower_added",
          aggregateType: "case",
          aggregateId: caseId,
          caseId,
          payload: { before: null, after: { userId } },
        },
      ]);
    }
  });
  return await getCase(ctx, actor, caseId);
};

/** Makes `userId` a follower inside the caller's transaction (a rule says they must keep following); true if added. */
export const keepFollowerInTransaction = async (
  tx: Tx,
  actor: AnyActor,
  caseId: string,
  userId: string,
): Promise<boolean> => {
  if ((await repo.addFollowers(tx, caseId, [userId])).length === 0) return false;
  await recordEvents(tx, actor, [
    {
      type: "case.follower_added",
      aggregateType: "case",
      aggregateId: caseId,
      caseId,
      payload: { before: null, after: { userId } },
    },
  ]);
  return true;
};

export const removeFollower = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  userId: string,
): Promise<TCaseDetail> => {
  await inTransaction(ctx, async (tx) => {
    const row = await lockCaseFor(tx, actor, caseId, "follow");
    await ctx.caseGuards.beforeFollowerRemoved(tx, actor, row, userId);
    if (!(await repo.removeFollower(tx, caseId, userId))) throw notFound("Follower");
    await recordEvents(tx, actor, [
      {
        type: "case.follower_removed",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: { before: { userId }, after: null },
      },
    ]);
  });
  return await getCase(ctx, actor, caseId);
};

/**
 * Keeps the no-cracks rule when an employee leaves (a deactivation hand-over step, run after the leaver's row is
 * locked): every open case they own moves to the chosen colleague, or else to its team's lead. The new owners are
 * share-locked before the plan is made, so a lead deactivated at the same moment is either waited for and found
 * inactive or keeps the cases until their own hand-over passes them on. Refuses (naming `reassignToId`) if any case
 * would be left without an owner.
 */
export const caseHandover = (ctx: ServiceContext): DeactivationStep => ({
  name: "cases",
  apply: async (tx, actor, leaver, { reassignToId }) => {
    if (reassignToId) await ensureActiveOwner(tx, reassignToId, "reassignToId");
    const open = await repo.lockOpenCasesOwnedBy(tx, leaver.id);
    const leads = new Map<string, string | null>();
    if (!reassignToId) {
      const teamIds = [...new Set(open.flatMap((row) => (row.teamId ? [row.teamId] : [])))];
      const leadOf = new Map(
        await Promise.all(teamIds.map(async (teamId) => [teamId, await teamLeadOf(tx, teamId)] as const)),
      );
      const active = await lockActiveUsers(
        tx,
        [...leadOf.values()].filter((id): id is string => !!id && id !== leaver.id),
      );
      for (const [teamId, lead] of leadOf) leads.set(teamId, lead && active.has(lead) ? lead : null);
    }
    const plan = open.map((row) => ({ row, ownerId: reassignToId ?? (row.teamId ? leads.get(row.teamId) : null) }));
    const orphans = plan.filter((p) => !p.ownerId).length;
    if (orphans > 0) {
      throw invariant(
        "reassignToId",
        `${orphans} open case(s) have no team lead to take over; choose who takes them over`,
      );
    }
    for (const { row, ownerId } of plan) {
      const after = await repo.updateVersioned(tx, row.id, row.version, { ownerId });
      if (!after) throw new AppError("VERSION_CONFLICT", "A case changed meanwhile; try again");
      await recordEvents(tx, actor, caseChangeEvents(row, after, { reason: "owner_deactivated" }));
      await ctx.caseGuards.afterChange(tx, actor, row, after);
    }
    return { reassignedCases: plan.length };
  },
});

const CLOSE_BATCH = 500;

/**
 * Closes solved cases whose waiting time has passed, a batch per transaction, skipping those a case guard
 * holds open (an executive case waits for its verification call). Returns how many were closed.
 */
export const closeSolvedCases = async (ctx: ServiceContext, actor: AnyActor, now = new Date()): Promise<number> => {
  let closed = 0;
  let after: repo.ClosingCursor | null = null;
  for (;;) {
    const batch: { closed: number; last: repo.ClosingCursor | null; size: number } = await inTransaction(
      ctx,
      async (tx) => {
        const due = await repo.solvedDueForClosing(tx, now, CLOSE_BATCH, after);
        let n = 0;
        for (const row of due) {
          if (await ctx.caseGuards.closeBlocker(tx, row)) continue;
          const changed = await repo.updateVersioned(tx, row.id, row.version, { status: "closed", closedAt: now });
          if (!changed) continue;
          await recordEvents(tx, actor, caseChangeEvents(row, changed, { reason: "auto_close" }));
          await ctx.caseGuards.afterChange(tx, actor, row, changed);
          n++;
        }
        const last = due.at(-1);
        return {
          closed: n,
          last: last?.nextStepDueAt ? { dueAt: last.nextStepDueAt, id: last.id } : null,
          size: due.length,
        };
      },
    );
    closed += batch.closed;
    if (batch.size < CLOSE_BATCH || !batch.last) return closed;
    after = batch.last;
  }
};

const highlight = (snippet: string): string =>
  escapeHtml(snippet).replaceAll(repo.HIGHLIGHT_START, "<mark>").replaceAll(repo.HIGHLIGHT_END, "</mark>");

export const searchCases = async (
  ctx: ServiceContext,
  actor: Actor,
  text: string,
  limit: number,
): Promise<TSearchHit[]> =>
  (await repo.search(ctx.db, caseScope(actor), text, limit)).map((r) => ({
    caseId: r.caseId,
    number: r.number,
    subject: r.subject,
    status: r.status,
    rank: r.rank,
    snippetHtml: highlight(r.snippet),
  }));

/** Cheap visibility check for realtime fan-out: no query for roles that see every case. */
export const canSeeCase = async (ctx: ServiceContext, actor: Actor, caseId: string): Promise<boolean> => {
  if (caseScope(actor).all) return true;
  const view = await repo.findView(ctx.db, caseId, actor.id);
  return !!view && casesPolicy.can(actor, "read", accessOf(view));
};

/** What the email channel needs to know about a case: who asked, where it stands, where it was merged. */
export interface CaseForEmail {
  id: string;
  number: number;
  subject: string;
  status: CaseStatus;
  channel: string;
  requesterId: string;
  requesterName: string;
  requesterEmail: string | null;
  teamId: string | null;
  ownerId: string | null;
}

const MAX_MERGE_HOPS = 20;

/**
 * The case mail about `ref` belongs to: by id or by number, following merges to the surviving case.
 * Null when there is no such case.
 */
export const caseForEmail = async (
  db: DbOrTx,
  ref: { id: string } | { number: number },
): Promise<CaseForEmail | null> => {
  let id = "id" in ref ? ref.id : await repo.findIdByNumber(db, ref.number);
  for (let hop = 0; id && hop < MAX_MERGE_HOPS; hop++) {
    const view = await repo.findView(db, id, null);
    if (!view) return null;
    if (view.c.mergedIntoId) {
      id = view.c.mergedIntoId;
      continue;
    }
    return {
      id: view.c.id,
      number: view.c.number,
      subject: view.c.subject,
      status: view.c.status,
      channel: view.c.channel,
      requesterId: view.c.requesterId,
      requesterName: view.requesterName,
      requesterEmail: view.requesterEmail,
      teamId: view.c.teamId,
      ownerId: view.c.ownerId,
    };
  }
  return null;
};

const REOPENED_BY_CUSTOMER = "Answer the customer's reply";

/**
 * The customer wrote to a case that was waiting (pending, on hold) or solved: it is open again, with
 * the next step to answer them, due as soon as a new case of its priority would be. Returns whether
 * the status changed.
 */
export const reopenOnCustomerReply = async (tx: Tx, actor: AnyActor, caseId: string): Promise<boolean> => {
  const before = await repo.lockById(tx, caseId);
  if (!before) throw notFound("Case");
  if (!["pending", "on_hold", "solved"].includes(before.status) || !canTransition(before.status, "open")) return false;
  const after = await repo.updateVersioned(tx, caseId, before.version, {
    status: "open",
    solvedAt: null,
    nextStep: REOPENED_BY_CUSTOMER,
    nextStepDueAt: hoursFromNow(DEFAULT_NEXT_STEP_HOURS[before.priority]),
  });
  if (!after) throw new AppError("VERSION_CONFLICT", "The case changed meanwhile");
  await recordEvents(tx, actor, caseChangeEvents(before, after, { reason: "customer_reply" }));
  return true;
};

/** Opens the follow-up of a closed case the customer wrote to again, linked to it as related. */
export const openFollowUpCase = async (
  tx: Tx,
  actor: AnyActor,
  closedCaseId: string,
  input: TCreateCaseInput,
  checked: CheckedForNewCase = {},
): Promise<CaseRecord> => {
  const created = await insertCaseInTransaction(tx, actor, input, checked);
  const link = await repo.insertLink(tx, {
    caseId: created.id,
    otherCaseId: closedCaseId,
    kind: "related",
    createdById: actorId(actor),
  });
  await recordEvents(tx, actor, [
    {
      type: "case.linked",
      aggregateType: "case",
      aggregateId: created.id,
      caseId: created.id,
      payload: { before: null, after: { linkId: link.id, otherCaseId: closedCaseId, kind: "related" }, followUp: true },
    },
  ]);
  return created;
};

export type { CaseRecord };

export const findCaseRecords = async (db: DbOrTx, ids: readonly string[]): Promise<CaseRecord[]> =>
  await repo.findByIds(db, ids);

export type CustomerCase = repo.CustomerCaseRow;

/**
 * Cases as the customer portal lists them: one requester's or one organization's, unmerged, latest
 * activity first. No authorization here: the portal's policy decides which filter a customer may use.
 */
export const listCasesForCustomer = async (
  db: DbOrTx,
  f: { requesterId: string } | { organizationId: string },
  after: { updatedAt: Date; id: string } | null,
  limit: number,
): Promise<CustomerCase[]> => await repo.listForCustomer(db, f, after, limit);

/** One unmerged case for the customer portal (which authorizes it), or null. */
export const findCaseForCustomer = async (db: DbOrTx, id: string): Promise<CustomerCase | null> =>
  (await repo.listForCustomer(db, { id }, null, 1))[0] ?? null;
