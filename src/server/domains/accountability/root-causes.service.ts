import {
  ROOT_CAUSE_REQUIRED_TYPES,
  type TCaseAccountability,
  type TCaseCost,
  type TCostCorrectionInput,
  type TCreateRootCauseCategoryInput,
  type TRootCause,
  type TRootCauseCategory,
  type TRootCauseInput,
  type TUpdateRootCauseCategoryInput,
} from "../../../shared/contracts/root-causes";
import type { CaseType } from "../../../shared/domain";
import type { EventType } from "../../../shared/events";
import type { DbOrTx, Tx } from "../../db/connection";
import { type AnyActor, actorId } from "../../platform/actor";
import type { CaseGuard } from "../../platform/case-guards";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid, invariant, notFound } from "../../platform/errors";
import { type EventProcessor, recordEvents, type StoredEvent } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { lockCaseFor, visibleCaseView } from "../cases/cases.access";
import { casesPolicy } from "../cases/cases.policy";
import { accessOf } from "../cases/cases.presenter";
import { findDepartment } from "../departments/departments.service";
import { remedyTotalsOfCase } from "../remedies/remedies.service";
import { costOfMinutes, handlingMinutes } from "./root-causes.cost";
import { categoryEvent, rootCauseEvent } from "./root-causes.events";
import { costCorrectionPolicy, rootCauseCategoriesPolicy } from "./root-causes.policy";
import * as repo from "./root-causes.repository";

const presentCategory = (c: repo.CategoryRow): TRootCauseCategory => ({
  id: c.id,
  name: c.name,
  description: c.description,
  active: c.active,
  position: c.position,
  version: c.version,
});

export const listRootCauseCategories = async (ctx: ServiceContext): Promise<TRootCauseCategory[]> =>
  (await repo.listCategories(ctx.db)).map(presentCategory);

export const createRootCauseCategory = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateRootCauseCategoryInput,
): Promise<TRootCauseCategory> => {
  ensureAllowed(rootCauseCategoriesPolicy.can(actor, "manage", null), "Only admins manage root cause categories");
  return await inTransaction(ctx, async (tx) => {
    const row = await repo.insertCategory(tx, input);
    await recordEvents(tx, actor, [categoryEvent("root_cause_category.created", null, row)]);
    return presentCategory(row);
  });
};

export const updateRootCauseCategory = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateRootCauseCategoryInput,
): Promise<TRootCauseCategory> => {
  ensureAllowed(rootCauseCategoriesPolicy.can(actor, "manage", null), "Only admins manage root cause categories");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockCategory(tx, id);
    if (!before) throw notFound("Root cause category");
    ensureVersion("root cause category", before, expectedVersion);
    const after = await repo.updateCategory(tx, id, input);
    if (!after) throw notFound("Root cause category");
    await recordEvents(tx, actor, [categoryEvent("root_cause_category.updated", before, after)]);
    return presentCategory(after);
  });
};

const presentRootCause = (v: repo.RootCauseView): TRootCause => ({
  caseId: v.rc.caseId,
  origin: v.rc.origin,
  department: v.rc.departmentId ? { id: v.rc.departmentId, name: v.departmentName ?? "" } : null,
  category: { id: v.rc.categoryId, name: v.categoryName },
  description: v.rc.description,
  recordedBy: v.rc.recordedById ? { id: v.rc.recordedById, name: v.recordedByName ?? "" } : null,
  recordedAt: v.rc.recordedAt,
  updatedAt: v.rc.updatedAt,
});

const presentCost = async (db: DbOrTx, caseId: string): Promise<TCaseCost | null> => {
  const cost = await repo.findCost(db, caseId);
  if (!cost) return null;
  return {
    measuredMinutes: cost.measuredMinutes,
    correctionMinutes: cost.correctionMinutes,
    correctionDepartment: cost.correctionDepartmentId
      ? { id: cost.correctionDepartmentId, name: (await repo.departmentName(db, cost.correctionDepartmentId)) ?? "" }
      : null,
    correctionReason: cost.correctionReason,
    totals: (await repo.totalsOf(db, caseId)).map(({ caseId: _caseId, ...t }) => t),
    computedAt: cost.computedAt,
  };
};

const requiresRootCause = (type: CaseType): boolean => (ROOT_CAUSE_REQUIRED_TYPES as readonly string[]).includes(type);

const accountabilityOf = async (tx: Tx, actor: AnyActor, caseId: string): Promise<TCaseAccountability> => {
  const view = await visibleCaseView(tx, actor, caseId);
  const rootCause = await repo.findRootCause(tx, caseId);
  return {
    caseId,
    required: requiresRootCause(view.c.type),
    rootCause: rootCause ? presentRootCause(rootCause) : null,
    cost: await presentCost(tx, caseId),
    abilities: {
      record: view.c.status !== "closed" && casesPolicy.can(actor, "update", accessOf(view)),
      correctCost: costCorrectionPolicy.can(actor, "correct", { ownerId: view.c.ownerId }),
    },
  };
};

export const getCaseAccountability = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
): Promise<TCaseAccountability> => await ctx.db.transaction(async (tx) => await accountabilityOf(tx, actor, caseId));

/**
 * The case's cost of failure, per currency: its remedies plus the handling time (measured from the employees'
 * activity, plus the manual correction) priced at each handling department's hourly rate.
 */
export const recomputeCaseCost = async (tx: Tx, caseId: string): Promise<void> => {
  const cost = await repo.lockCost(tx, caseId);
  const activity = await repo.activityOf(tx, caseId);
  const perUser = handlingMinutes(activity);
  const departmentOf = new Map(activity.map((a) => [a.userId, a]));
  const perDepartment = new Map<string, { minutes: number; hourlyCostMinor: number; currency: string }>();
  let measured = 0;
  for (const [userId, minutes] of perUser) {
    measured += minutes;
    const who = departmentOf.get(userId);
    if (!who?.departmentId || who.hourlyCostMinor === null || !who.currency) continue;
    const line = perDepartment.get(who.departmentId) ?? {
      minutes: 0,
      hourlyCostMinor: who.hourlyCostMinor,
      currency: who.currency,
    };
    perDepartment.set(who.departmentId, { ...line, minutes: line.minutes + minutes });
  }
  const correctionDepartmentId =
    cost.correctionMinutes !== 0 ? (cost.correctionDepartmentId ?? (await repo.caseOwnerDepartment(tx, caseId))) : null;
  if (correctionDepartmentId) {
    const rate = await repo.departmentRate(tx, correctionDepartmentId);
    if (rate) {
      const line = perDepartment.get(correctionDepartmentId) ?? { minutes: 0, ...rate };
      perDepartment.set(correctionDepartmentId, {
        ...line,
        minutes: Math.max(0, line.minutes + cost.correctionMinutes),
      });
    }
  }
  const totals = new Map<string, { remediesMinor: number; handlingMinor: number; handlingMinutes: number }>();
  const totalOf = (currency: string) =>
    totals.get(currency) ?? { remediesMinor: 0, handlingMinor: 0, handlingMinutes: 0 };
  for (const line of perDepartment.values()) {
    const t = totalOf(line.currency);
    totals.set(line.currency, {
      ...t,
      handlingMinor: t.handlingMinor + costOfMinutes(line.minutes, line.hourlyCostMinor),
      handlingMinutes: t.handlingMinutes + line.minutes,
    });
  }
  for (const r of await remedyTotalsOfCase(tx, caseId)) {
    const t = totalOf(r.currency);
    totals.set(r.currency, { ...t, remediesMinor: t.remediesMinor + r.amountMinor });
  }
  await repo.updateCost(tx, caseId, {
    measuredMinutes: measured,
    departmentIds: [...perDepartment.keys()].sort(),
    computedAt: new Date(),
  });
  await repo.replaceTotals(
    tx,
    caseId,
    [...totals]
      .filter(([, t]) => t.remediesMinor > 0 || t.handlingMinor > 0 || t.handlingMinutes > 0)
      .map(([currency, t]) => ({ currency, ...t, totalMinor: t.remediesMinor + t.handlingMinor })),
  );
};

/** Records (or corrects) where a case's failure originated; its cost of failure is computed from then on. */
export const recordRootCause = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TRootCauseInput,
): Promise<TCaseAccountability> =>
  await inTransaction(ctx, async (tx) => {
    await lockCaseFor(tx, actor, caseId, "update");
    if (input.origin === "department") {
      if (!input.departmentId) throw invalid("departmentId", "Name the department where the failure originated");
      if (!(await findDepartment(tx, input.departmentId))) throw invalid("departmentId", "No such department");
    } else if (input.departmentId) {
      throw invalid("departmentId", 'A "customer / no fault" root cause names no department');
    }
    const category = await repo.findCategory(tx, input.categoryId);
    if (!category?.active) throw invalid("categoryId", "Choose an active root cause category");
    const before = await repo.findRootCauseRow(tx, caseId);
    const after = await repo.upsertRootCause(tx, {
      caseId,
      origin: input.origin,
      departmentId: input.departmentId ?? null,
      categoryId: input.categoryId,
      description: input.description,
      recordedById: actorId(actor),
    });
    await recordEvents(tx, actor, [rootCauseEvent(before ?? null, after)]);
    await recomputeCaseCost(tx, caseId);
    return await accountabilityOf(tx, actor, caseId);
  });

/** The manual correction of a case's handling time (calls and work the activity does not show), with a reason. */
export const correctCaseCost = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TCostCorrectionInput,
): Promise<TCaseAccountability> =>
  await inTransaction(ctx, async (tx) => {
    const c = await lockCaseFor(tx, actor, caseId, "read");
    ensureAllowed(
      costCorrectionPolicy.can(actor, "correct", { ownerId: c.ownerId }),
      "Only the case's owner or a supervisor corrects its handling time",
    );
    if (input.departmentId && !(await findDepartment(tx, input.departmentId))) {
      throw invalid("departmentId", "No such department");
    }
    const before = await repo.lockCost(tx, caseId);
    await repo.updateCost(tx, caseId, {
      correctionMinutes: input.minutes,
      correctionDepartmentId: input.departmentId ?? null,
      correctionReason: input.reason,
      correctedById: actorId(actor),
      correctedAt: new Date(),
    });
    await recordEvents(tx, actor, [
      {
        type: "case_cost.corrected",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: {
          before: {
            correctionMinutes: before.correctionMinutes,
            correctionDepartmentId: before.correctionDepartmentId,
          },
          after: { correctionMinutes: input.minutes, correctionDepartmentId: input.departmentId ?? null },
          reason: input.reason,
        },
      },
    ]);
    await recomputeCaseCost(tx, caseId);
    return await accountabilityOf(tx, actor, caseId);
  });

/** Solving a complaint or an incident needs its root cause (the same extension point as the executive line). */
export const rootCauseGuard: CaseGuard = {
  name: "root-cause",
  beforeSolve: async (tx, _actor, c) => {
    if (requiresRootCause(c.type) && !(await repo.hasRootCause(tx, c.id))) {
      throw invariant(
        "rootCause",
        `A ${c.type} is solved only with its root cause: where it originated, a category and a short description (PUT /api/v1/cases/:id/root-cause)`,
      );
    }
    return undefined;
  },
};

const COST_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  "message.added",
  "case.status_changed",
  "case.owner_changed",
  "case.updated",
  "case.merged",
  "remedy.granted",
  "executive_case.delegated",
  "executive_case.report_filed",
  "executive_case.verification_called",
]);

/** Keeps the stored cost of failure current: on the case's activity and remedies, and on hourly rate changes. */
/** Recomputes the cost of the cases these events concern that have a root cause (asked once for all of them). */
const applyCostEvents = async (tx: Tx, events: readonly StoredEvent[]): Promise<void> => {
  const caseIds = [...new Set(events.flatMap((e) => (e.caseId && COST_EVENTS.has(e.type) ? [e.caseId] : [])))];
  const caused = await repo.casesWithRootCause(tx, caseIds);
  for (const event of events) {
    if (event.type === "department.updated") {
      for (const caseId of await repo.casesCostedWith(tx, event.aggregateId)) await recomputeCaseCost(tx, caseId);
    } else if (event.caseId && COST_EVENTS.has(event.type) && caused.has(event.caseId)) {
      await recomputeCaseCost(tx, event.caseId);
    }
  }
};

export const costOfFailureProcessor: EventProcessor = {
  name: "cost-of-failure",
  handle: async (tx, event) => await applyCostEvents(tx, [event]),
  handleMany: applyCostEvents,
};
