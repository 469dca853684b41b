import type {
  TCorrectiveAction,
  TCorrectiveActionQuery,
  TCreateCorrectiveActionInput,
  TRepeatFailure,
  TUpdateCorrectiveActionInput,
  TUpstreamQuery,
  TUpstreamReport,
  TUpstreamReportContent,
  TUpstreamView,
} from "../../../shared/contracts/root-causes";
import type { DbOrTx } from "../../db/connection";
import { type Actor, type AnyActor, actorId, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid, invariant, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { ensureAllowed, ensureVisible } from "../../platform/policy";
import { findDepartment } from "../departments/departments.service";
import { correctiveActionEvent } from "./root-causes.events";
import { correctiveActionPolicy, type DepartmentAccess, upstreamPolicy, upstreamScope } from "./root-causes.policy";
import * as repo from "./root-causes.repository";

const DAY_MS = 86_400_000;

const isOverdue = (a: repo.CorrectiveActionRow, now: Date): boolean =>
  (a.status === "open" || a.status === "in_progress") && a.dueAt < now;

const presentAction = (actor: AnyActor, v: repo.CorrectiveActionView, now: Date): TCorrectiveAction => ({
  id: v.a.id,
  department: { id: v.a.departmentId, name: v.departmentName },
  category: v.a.categoryId ? { id: v.a.categoryId, name: v.categoryName ?? "" } : null,
  title: v.a.title,
  description: v.a.description,
  owner: { id: v.a.ownerId, name: v.ownerName },
  dueAt: v.a.dueAt,
  status: v.a.status,
  overdue: isOverdue(v.a, now),
  caseIds: v.caseIds,
  completedAt: v.a.completedAt,
  createdAt: v.a.createdAt,
  updatedAt: v.a.updatedAt,
  version: v.a.version,
  abilities: {
    update: correctiveActionPolicy.can(actor, "update", {
      departmentId: v.a.departmentId,
      directorId: v.directorId,
      ownerId: v.a.ownerId,
    }),
  },
});

/** Overdue corrective actions (open or in progress, past their due time), for the cracks report. */
export const overdueCorrectiveActions = async (db: DbOrTx, now: Date): Promise<TCorrectiveAction[]> =>
  (await repo.listActions(db, { overdueAt: now })).map((v) => presentAction(SYSTEM, v, now));

const departmentAccess = async (db: DbOrTx, departmentId: string): Promise<DepartmentAccess & { name: string }> => {
  const d = await findDepartment(db, departmentId);
  if (!d) throw notFound("Department");
  return { departmentId: d.id, directorId: d.directorId, name: d.name };
};

const monthKey = (d: Date): string => d.toISOString().slice(0, 7);

const dayStart = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** [from, to) from inclusive days; by default the current month and the eleven before it. */
const rangeOf = (q: { from?: string | undefined; to?: string | undefined }, now: Date): repo.Range => {
  const from = q.from ? dayStart(q.from) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const to = q.to ? new Date(dayStart(q.to).getTime() + DAY_MS) : new Date(now.getTime() + 1000);
  if (to <= from) throw invalid("to", "The end of the range comes before its start");
  return { from, to };
};

/** Categories a department failed on at least `threshold` times within the window ending at `end`. */
const repeatFailuresOf = async (
  db: DbOrTx,
  departmentId: string,
  end: Date,
  threshold: number,
  windowDays: number,
): Promise<TRepeatFailure[]> => {
  const rows = await repo.rootCausesInWindow(db, departmentId, {
    from: new Date(end.getTime() - windowDays * DAY_MS),
    to: end,
  });
  const byCategory = new Map<string, TRepeatFailure>();
  for (const r of rows) {
    const seen = byCategory.get(r.categoryId);
    byCategory.set(
      r.categoryId,
      seen
        ? { ...seen, count: seen.count + 1, caseIds: [...seen.caseIds, r.caseId], lastAt: r.recordedAt }
        : {
            category: { id: r.categoryId, name: r.categoryName },
            count: 1,
            caseIds: [r.caseId],
            firstAt: r.recordedAt,
            lastAt: r.recordedAt,
          },
    );
  }
  return [...byCategory.values()].filter((f) => f.count >= threshold).sort((a, b) => b.count - a.count);
};

/** A department's failures charged upstream: its cases, their cost by month and category, repeats, corrective actions. */
export const upstreamView = async (
  ctx: ServiceContext,
  actor: Actor,
  departmentId: string,
  q: TUpstreamQuery,
): Promise<TUpstreamView> => {
  const department = await findDepartment(ctx.db, departmentId);
  if (!department) throw notFound("Department");
  const access = { departmentId: department.id, directorId: department.directorId };
  ensureVisible(upstreamPolicy.can(actor, "read", access), "Department");
  const now = new Date();
  const range = rangeOf(q, now);
  const threshold = q.repeatThreshold ?? ctx.config.rootCauses.repeatThreshold;
  const windowDays = q.repeatWindowDays ?? ctx.config.rootCauses.repeatWindowDays;
  const rows = await repo.upstreamCases(ctx.db, departmentId, range);

  const cases = new Map<string, TUpstreamView["cases"][number]>();
  const byMonth = new Map<string, TUpstreamView["costByMonth"][number] & { ids: Set<string> }>();
  const byCategory = new Map<string, TUpstreamView["costByCategory"][number] & { ids: Set<string> }>();
  for (const r of rows) {
    const c = cases.get(r.caseId) ?? {
      caseId: r.caseId,
      number: r.number,
      subject: r.subject,
      type: r.type,
      status: r.status,
      category: { id: r.categoryId, name: r.categoryName },
      description: r.description,
      createdAt: r.createdAt,
      recordedAt: r.recordedAt,
      costs: [],
    };
    cases.set(r.caseId, c);
    if (!r.currency) continue;
    c.costs.push({ currency: r.currency, totalMinor: r.totalMinor ?? 0 });
    const mk = `${monthKey(r.recordedAt)}|${r.currency}`;
    const m = byMonth.get(mk) ?? {
      month: monthKey(r.recordedAt),
      currency: r.currency,
      cases: 0,
      remediesMinor: 0,
      handlingMinor: 0,
      totalMinor: 0,
      ids: new Set<string>(),
    };
    m.ids.add(r.caseId);
    byMonth.set(mk, {
      ...m,
      cases: m.ids.size,
      remediesMinor: m.remediesMinor + (r.remediesMinor ?? 0),
      handlingMinor: m.handlingMinor + (r.handlingMinor ?? 0),
      totalMinor: m.totalMinor + (r.totalMinor ?? 0),
    });
    const ck = `${r.categoryId}|${r.currency}`;
    const k = byCategory.get(ck) ?? {
      category: { id: r.categoryId, name: r.categoryName },
      currency: r.currency,
      cases: 0,
      totalMinor: 0,
      ids: new Set<string>(),
    };
    k.ids.add(r.caseId);
    byCategory.set(ck, { ...k, cases: k.ids.size, totalMinor: k.totalMinor + (r.totalMinor ?? 0) });
  }
  const strip = <T extends { ids: Set<string> }>({ ids: _ids, ...rest }: T) => rest;
  return {
    department: { id: department.id, name: department.name, kind: department.kind },
    from: range.from.toISOString().slice(0, 10),
    to: new Date(range.to.getTime() - 1).toISOString().slice(0, 10),
    cases: [...cases.values()],
    costByMonth: [...byMonth.values()]
      .map(strip)
      .sort((a, b) => a.month.localeCompare(b.month) || a.currency.localeCompare(b.currency)),
    costByCategory: [...byCategory.values()].map(strip).sort((a, b) => b.totalMinor - a.totalMinor),
    repeatFailures: {
      threshold,
      windowDays,
      items: await repeatFailuresOf(ctx.db, departmentId, range.to, threshold, windowDays),
    },
    correctiveActions: (await repo.listActions(ctx.db, { departmentIds: [departmentId] })).map((v) =>
      presentAction(actor, v, now),
    ),
    abilities: { manageActions: upstreamPolicy.can(actor, "manageActions", access) },
  };
};

export const listCorrectiveActions = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TCorrectiveActionQuery,
): Promise<TCorrectiveAction[]> => {
  const now = new Date();
  const filter: repo.ActionFilter = {
    statuses: q.status,
    overdueAt: q.overdue === "true" ? now : undefined,
    notOverdueAt: q.overdue === "false" ? now : undefined,
  };
  if (q.departmentId) {
    const access = await departmentAccess(ctx.db, q.departmentId);
    ensureVisible(upstreamPolicy.can(actor, "read", access), "Department");
    filter.departmentIds = [q.departmentId];
  } else if (upstreamScope(actor, []) !== null) {
    filter.ownerOrDepartment = { userId: actor.id, departmentId: actor.departmentId };
  }
  return (await repo.listActions(ctx.db, filter)).map((v) => presentAction(actor, v, now));
};

const ensureOwnerInDepartment = async (db: DbOrTx, ownerId: string, departmentId: string): Promise<void> => {
  const owner = await repo.userDepartment(db, ownerId);
  if (!owner?.active || owner.departmentId !== departmentId) {
    throw invariant("ownerId", "A corrective action is owned by an active employee of the department it belongs to");
  }
};

const ensureCases = async (db: DbOrTx, caseIds: string[]): Promise<string[]> => {
  const unique = [...new Set(caseIds)];
  if ((await repo.existingCaseIds(db, unique)).length !== unique.length) throw invalid("caseIds", "No such case");
  return unique;
};

const ensureCategory = async (db: DbOrTx, categoryId: string | null | undefined): Promise<void> => {
  if (categoryId && !(await repo.findCategory(db, categoryId))) throw invalid("categoryId", "No such category");
};

const actionOrFail = async (db: DbOrTx, actor: AnyActor, id: string, now: Date): Promise<TCorrectiveAction> => {
  const view = await repo.findAction(db, id);
  if (!view) throw notFound("Corrective action");
  return presentAction(actor, view, now);
};

export const createCorrectiveAction = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateCorrectiveActionInput,
): Promise<TCorrectiveAction> =>
  await inTransaction(ctx, async (tx) => {
    const access = await departmentAccess(tx, input.departmentId).catch(() => {
      throw invalid("departmentId", "No such department");
    });
    ensureAllowed(
      upstreamPolicy.can(actor, "manageActions", access),
      "Corrective actions are set by the department's director or a supervisor",
    );
    await ensureOwnerInDepartment(tx, input.ownerId, input.departmentId);
    await ensureCategory(tx, input.categoryId);
    const caseIds = await ensureCases(tx, input.caseIds);
    const row = await repo.insertAction(tx, {
      departmentId: input.departmentId,
      categoryId: input.categoryId ?? null,
      title: input.title,
      description: input.description,
      ownerId: input.ownerId,
      dueAt: input.dueAt,
      createdById: actorId(actor),
    });
    await repo.setActionCases(tx, row.id, caseIds);
    await recordEvents(tx, actor, [correctiveActionEvent("corrective_action.created", null, row, caseIds)]);
    return await actionOrFail(tx, actor, row.id, new Date());
  });

export const updateCorrectiveAction = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  input: TUpdateCorrectiveActionInput,
): Promise<TCorrectiveAction> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockAction(tx, id);
    if (!before) throw notFound("Corrective action");
    const access = await departmentAccess(tx, before.departmentId);
    ensureVisible(upstreamPolicy.can(actor, "read", access) || actorId(actor) === before.ownerId, "Corrective action");
    ensureAllowed(
      correctiveActionPolicy.can(actor, "update", { ...access, ownerId: before.ownerId }),
      "Only the action's owner, the department's director or a supervisor updates it",
    );
    if (input.ownerId) await ensureOwnerInDepartment(tx, input.ownerId, before.departmentId);
    await ensureCategory(tx, input.categoryId);
    const caseIds = input.caseIds ? await ensureCases(tx, input.caseIds) : undefined;
    const finished = input.status === "done" || input.status === "cancelled";
    const after = await repo.updateAction(tx, id, {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : {}),
      ...(input.dueAt !== undefined ? { dueAt: input.dueAt } : {}),
      ...(input.categoryId !== undefined ? { categoryId: input.categoryId } : {}),
      ...(input.status !== undefined
        ? { status: input.status, completedAt: finished ? (before.completedAt ?? new Date()) : null }
        : {}),
    });
    if (caseIds) await repo.setActionCases(tx, id, caseIds);
    const view = await repo.findAction(tx, id);
    await recordEvents(tx, actor, [
      correctiveActionEvent("corrective_action.updated", before, after, view?.caseIds ?? []),
    ]);
    return await actionOrFail(tx, actor, id, new Date());
  });

const previousMonth = (now: Date): string =>
  monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));

const monthRange = (month: string): repo.Range => {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
};

const money = (minor: number, currency: string): string => {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
};

const reportText = (c: TUpstreamReportContent): string =>
  [
    `Upstream report for ${c.department.name}, ${c.month}`,
    "",
    `Cases whose failure originated in ${c.department.name}: ${c.cases}.`,
    ...(c.costs.length
      ? [
          "Cost of failure (remedies + handling time):",
          ...c.costs.map(
            (t) =>
              `  ${money(t.totalMinor, t.currency)} (remedies ${money(t.remediesMinor, t.currency)}, handling ${money(t.handlingMinor, t.currency)})`,
          ),
        ]
      : ["No cost of failure recorded."]),
    ...(c.byCategory.length ? ["By category:", ...c.byCategory.map((b) => `  ${b.category.name}: ${b.cases}`)] : []),
    ...(c.repeatFailures.length
      ? ["Repeat failures:", ...c.repeatFailures.map((r) => `  ${r.category.name}: ${r.count} times`)]
      : []),
    `Corrective actions: ${c.correctiveActions.open} open, ${c.correctiveActions.overdue} overdue, ${c.correctiveActions.completedInMonth} completed this month.`,
    ...(c.topCases.length
      ? [
          "Costliest cases:",
          ...c.topCases.map((t) => `  #${t.number} ${t.subject}: ${money(t.totalMinor, t.currency)}`),
        ]
      : []),
  ].join("\n");

const reportContent = async (
  ctx: ServiceContext,
  department: { id: string; name: string; directorId: string | null; directorName: string | null },
  month: string,
  now: Date,
): Promise<TUpstreamReportContent> => {
  const range = monthRange(month);
  const rows = await repo.upstreamCases(ctx.db, department.id, range);
  const costs = new Map<string, { remediesMinor: number; handlingMinor: number; totalMinor: number }>();
  const categories = new Map<string, { category: { id: string; name: string }; ids: Set<string> }>();
  const caseIds = new Set<string>();
  for (const r of rows) {
    caseIds.add(r.caseId);
    const k = categories.get(r.categoryId) ?? { category: { id: r.categoryId, name: r.categoryName }, ids: new Set() };
    k.ids.add(r.caseId);
    categories.set(r.categoryId, k);
    if (!r.currency) continue;
    const t = costs.get(r.currency) ?? { remediesMinor: 0, handlingMinor: 0, totalMinor: 0 };
    costs.set(r.currency, {
      remediesMinor: t.remediesMinor + (r.remediesMinor ?? 0),
      handlingMinor: t.handlingMinor + (r.handlingMinor ?? 0),
      totalMinor: t.totalMinor + (r.totalMinor ?? 0),
    });
  }
  const actions = await repo.listActions(ctx.db, { departmentIds: [department.id] });
  return {
    month,
    department: { id: department.id, name: department.name },
    director: department.directorId ? { id: department.directorId, name: department.directorName ?? "" } : null,
    cases: caseIds.size,
    costs: [...costs].map(([currency, t]) => ({ currency, ...t })).sort((a, b) => a.currency.localeCompare(b.currency)),
    byCategory: [...categories.values()]
      .map((c) => ({ category: c.category, cases: c.ids.size }))
      .sort((a, b) => b.cases - a.cases),
    repeatFailures: (
      await repeatFailuresOf(
        ctx.db,
        department.id,
        range.to,
        ctx.config.rootCauses.repeatThreshold,
        ctx.config.rootCauses.repeatWindowDays,
      )
    ).map((r) => ({ category: r.category, count: r.count })),
    correctiveActions: {
      open: actions.filter((a) => a.a.status === "open" || a.a.status === "in_progress").length,
      overdue: actions.filter((a) => isOverdue(a.a, now)).length,
      completedInMonth: await repo.actionsCompletedIn(ctx.db, department.id, range),
    },
    topCases: rows
      .filter((r) => r.currency && (r.totalMinor ?? 0) > 0)
      .sort((a, b) => (b.totalMinor ?? 0) - (a.totalMinor ?? 0))
      .slice(0, 5)
      .map((r) => ({
        caseId: r.caseId,
        number: r.number,
        subject: r.subject,
        currency: r.currency ?? "",
        totalMinor: r.totalMinor ?? 0,
      })),
  };
};

/**
 * Builds and stores the month's upstream report for every department with a director (the previous month by
 * default; running it again replaces the content). Sending it is the email channel's: it reacts to
 * `upstream_report.generated` and marks `sent_at`.
 */
export const generateUpstreamReports = async (
  ctx: ServiceContext,
  month?: string,
  now = new Date(),
): Promise<number> => {
  const target = month ?? previousMonth(now);
  let made = 0;
  for (const department of await repo.departmentsWithDirector(ctx.db)) {
    const content = await reportContent(ctx, department, target, now);
    await inTransaction(ctx, async (tx) => {
      const { row, created } = await repo.upsertReport(tx, {
        departmentId: department.id,
        directorId: department.directorId,
        month: target,
        subject: `Upstream report ${target}: ${department.name}`,
        bodyText: reportText(content),
        content,
      });
      await recordEvents(tx, SYSTEM, [
        {
          type: "upstream_report.generated",
          aggregateType: "upstream_report",
          aggregateId: row.id,
          payload: { departmentId: department.id, directorId: department.directorId, month: target, created },
        },
      ]);
    });
    made++;
  }
  return made;
};

const presentReport = (v: repo.ReportView): TUpstreamReport => ({
  id: v.r.id,
  department: { id: v.r.departmentId, name: v.departmentName },
  director: v.r.directorId ? { id: v.r.directorId, name: v.directorName ?? "" } : null,
  month: v.r.month,
  subject: v.r.subject,
  bodyText: v.r.bodyText,
  content: v.r.content,
  createdAt: v.r.createdAt,
  sentAt: v.r.sentAt,
});

export const listUpstreamReports = async (
  ctx: ServiceContext,
  actor: Actor,
  q: { departmentId?: string | undefined; month?: string | undefined },
): Promise<TUpstreamReport[]> => {
  const scope = upstreamScope(actor, await repo.directedDepartmentIds(ctx.db, actor.id));
  const departmentIds = q.departmentId
    ? scope === null || scope.includes(q.departmentId)
      ? [q.departmentId]
      : []
    : scope;
  return (await repo.listReports(ctx.db, { departmentIds, month: q.month })).map(presentReport);
};

export const getUpstreamReport = async (ctx: ServiceContext, actor: Actor, id: string): Promise<TUpstreamReport> => {
  const view = await repo.findReport(ctx.db, id);
  if (!view) throw notFound("Upstream report");
  const access = await departmentAccess(ctx.db, view.r.departmentId);
  ensureVisible(upstreamPolicy.can(actor, "read", access), "Upstream report");
  return presentReport(view);
};
