import { and, asc, desc, eq, gte, inArray, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { CorrectiveActionStatus } from "../../../shared/contracts/root-causes";
import type { DbOrTx } from "../../db/connection";
import {
  caseCosts,
  caseCostTotals,
  caseRootCauses,
  cases,
  correctiveActionCases,
  correctiveActions,
  departments,
  events,
  messages,
  rootCauseCategories,
  upstreamReports,
  users,
} from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type CategoryRow = typeof rootCauseCategories.$inferSelect;
export type RootCauseRow = typeof caseRootCauses.$inferSelect;
export type CaseCostRow = typeof caseCosts.$inferSelect;
export type CostTotalRow = typeof caseCostTotals.$inferSelect;
export type CorrectiveActionRow = typeof correctiveActions.$inferSelect;
export type UpstreamReportRow = typeof upstreamReports.$inferSelect;

const originDepartment = alias(departments, "origin_department");
const recorder = alias(users, "recorder");

export const listCategories = async (db: DbOrTx): Promise<CategoryRow[]> =>
  await db.select().from(rootCauseCategories).orderBy(asc(rootCauseCategories.position), asc(rootCauseCategories.name));

export const findCategory = async (db: DbOrTx, id: string): Promise<CategoryRow | undefined> =>
  (await db.select().from(rootCauseCategories).where(eq(rootCauseCategories.id, id)))[0];

/** The category, its row locked until the transaction ends (edits check its version on it). */
export const lockCategory = async (db: DbOrTx, id: string): Promise<CategoryRow | undefined> =>
  (await db.select().from(rootCauseCategories).where(eq(rootCauseCategories.id, id)).for("update"))[0];

export const insertCategory = async (db: DbOrTx, values: typeof rootCauseCategories.$inferInsert) => {
  const [row] = await db.insert(rootCauseCategories).values(values).returning();
  if (!row) throw new Error("category insert returned nothing");
  return row;
};

export const updateCategory = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof rootCauseCategories.$inferInsert>,
) =>
  (
    await db
      .update(rootCauseCategories)
      .set({ ...values, updatedAt: new Date(), version: nextVersion(rootCauseCategories.version) })
      .where(eq(rootCauseCategories.id, id))
      .returning()
  )[0];

export interface RootCauseView {
  rc: RootCauseRow;
  departmentName: string | null;
  categoryName: string;
  recordedByName: string | null;
}

export const findRootCause = async (db: DbOrTx, caseId: string): Promise<RootCauseView | undefined> =>
  (
    await db
      .select({
        rc: caseRootCauses,
        departmentName: originDepartment.name,
        categoryName: rootCauseCategories.name,
        recordedByName: recorder.name,
      })
      .from(caseRootCauses)
      .innerJoin(rootCauseCategories, eq(rootCauseCategories.id, caseRootCauses.categoryId))
      .leftJoin(originDepartment, eq(originDepartment.id, caseRootCauses.departmentId))
      .leftJoin(recorder, eq(recorder.id, caseRootCauses.recordedById))
      .where(eq(caseRootCauses.caseId, caseId))
  )[0];

export const hasRootCause = async (db: DbOrTx, caseId: string): Promise<boolean> =>
  (await casesWithRootCause(db, [caseId])).has(caseId);

/** Those of these cases that have a root cause. */
export const casesWithRootCause = async (db: DbOrTx, caseIds: string[]): Promise<Set<string>> =>
  caseIds.length === 0
    ? new Set()
    : new Set(
        (
          await db
            .select({ id: caseRootCauses.caseId })
            .from(caseRootCauses)
            .where(inArray(caseRootCauses.caseId, caseIds))
        ).map((r) => r.id),
      );

export const upsertRootCause = async (
  db: DbOrTx,
  values: typeof caseRootCauses.$inferInsert,
): Promise<RootCauseRow> => {
  const [row] = await db
    .insert(caseRootCauses)
    .values(values)
    .onConflictDoUpdate({
      target: caseRootCauses.caseId,
      set: {
        origin: values.origin,
        departmentId: values.departmentId ?? null,
        categoryId: values.categoryId,
        description: values.description,
        recordedById: values.recordedById ?? null,
        updatedAt: new Date(),
      },
    })
    .returning();
  if (!row) throw new Error("root cause upsert returned nothing");
  return row;
};

export const findRootCauseRow = async (db: DbOrTx, caseId: string): Promise<RootCauseRow | undefined> =>
  (await db.select().from(caseRootCauses).where(eq(caseRootCauses.caseId, caseId)))[0];

/** One employee's work on a case: a message they wrote or a change they made, and a phone call's length. */
export interface ActivityRow {
  userId: string;
  at: Date;
  phoneSeconds: number;
  departmentId: string | null;
  hourlyCostMinor: number | null;
  currency: string | null;
}

/**
 * The case's activity by employees, oldest first: messages they wrote (replies, notes, phone logs) and the
 * changes they made (the events outbox). Read here to measure handling time; neither table is written.
 */
export const activityOf = async (db: DbOrTx, caseId: string): Promise<ActivityRow[]> => {
  const result = await db.execute<{
    user_id: string;
    at: Date | string;
    phone_seconds: number | null;
    department_id: string | null;
    hourly_cost_minor: number | string | null;
    currency: string | null;
  }>(sql`
    WITH activity AS (
      SELECT ${messages.authorUserId} AS user_id, ${messages.createdAt} AS at,
        coalesce(${messages.phoneDurationSeconds}, 0) AS phone_seconds
      FROM ${messages}
      WHERE ${messages.caseId} = ${caseId} AND ${messages.authorUserId} IS NOT NULL AND ${messages.kind} <> 'event'
      UNION ALL
      SELECT ${events.actorId}, ${events.createdAt}, 0
      FROM ${events}
      WHERE ${events.caseId} = ${caseId} AND ${events.actorId} IS NOT NULL AND ${events.type} <> 'message.added'
    )
    SELECT a.user_id, a.at, a.phone_seconds, u.department_id, d.hourly_cost_minor, d.currency
    FROM activity a
    JOIN ${users} u ON u.id = a.user_id
    LEFT JOIN ${departments} d ON d.id = u.department_id
    ORDER BY a.user_id, a.at`);
  return result.rows.map((r) => ({
    userId: r.user_id,
    at: new Date(r.at),
    phoneSeconds: Number(r.phone_seconds ?? 0),
    departmentId: r.department_id,
    hourlyCostMinor: r.hourly_cost_minor === null ? null : Number(r.hourly_cost_minor),
    currency: r.currency,
  }));
};

export const departmentRate = async (db: DbOrTx, departmentId: string) =>
  (
    await db
      .select({ hourlyCostMinor: departments.hourlyCostMinor, currency: departments.currency })
      .from(departments)
      .where(eq(departments.id, departmentId))
  )[0];

export const caseOwnerDepartment = async (db: DbOrTx, caseId: string): Promise<string | null> =>
  (
    await db
      .select({ departmentId: users.departmentId })
      .from(cases)
      .innerJoin(users, eq(users.id, cases.ownerId))
      .where(eq(cases.id, caseId))
  )[0]?.departmentId ?? null;

export const findCost = async (db: DbOrTx, caseId: string): Promise<CaseCostRow | undefined> =>
  (await db.select().from(caseCosts).where(eq(caseCosts.caseId, caseId)))[0];

export const lockCost = async (db: DbOrTx, caseId: string): Promise<CaseCostRow> => {
  await db.insert(caseCosts).values({ caseId }).onConflictDoNothing();
  const [row] = await db.select().from(caseCosts).where(eq(caseCosts.caseId, caseId)).for("update");
  if (!row) throw new Error("case cost row missing");
  return row;
};

export const updateCost = async (db: DbOrTx, caseId: string, values: Partial<typeof caseCosts.$inferInsert>) => {
  const [row] = await db.update(caseCosts).set(values).where(eq(caseCosts.caseId, caseId)).returning();
  if (!row) throw new Error("case cost update returned nothing");
  return row;
};

export const replaceTotals = async (db: DbOrTx, caseId: string, totals: Omit<CostTotalRow, "caseId">[]) => {
  await db.delete(caseCostTotals).where(eq(caseCostTotals.caseId, caseId));
  if (totals.length) await db.insert(caseCostTotals).values(totals.map((t) => ({ ...t, caseId })));
};

export const totalsOf = async (db: DbOrTx, caseId: string): Promise<CostTotalRow[]> =>
  await db.select().from(caseCostTotals).where(eq(caseCostTotals.caseId, caseId)).orderBy(asc(caseCostTotals.currency));

export const departmentName = async (db: DbOrTx, id: string): Promise<string | null> =>
  (await db.select({ name: departments.name }).from(departments).where(eq(departments.id, id)))[0]?.name ?? null;

/** Cases whose stored cost uses `departmentId`'s hourly rate (to recompute when the rate changes). */
export const casesCostedWith = async (db: DbOrTx, departmentId: string): Promise<string[]> =>
  (
    await db
      .select({ caseId: caseCosts.caseId })
      .from(caseCosts)
      .where(
        or(
          sql`${departmentId}::uuid = ANY(${caseCosts.departmentIds})`,
          eq(caseCosts.correctionDepartmentId, departmentId),
        ),
      )
  ).map((r) => r.caseId);

export interface Range {
  from: Date;
  to: Date;
}

/** The cases charged to a department (root cause recorded in the range), with their costs per currency. */
export const upstreamCases = async (db: DbOrTx, departmentId: string, range: Range) =>
  await db
    .select({
      caseId: cases.id,
      number: cases.number,
      subject: cases.subject,
      type: cases.type,
      status: cases.status,
      createdAt: cases.createdAt,
      categoryId: caseRootCauses.categoryId,
      categoryName: rootCauseCategories.name,
      description: caseRootCauses.description,
      recordedAt: caseRootCauses.recordedAt,
      currency: caseCostTotals.currency,
      remediesMinor: caseCostTotals.remediesMinor,
      handlingMinor: caseCostTotals.handlingMinor,
      handlingMinutes: caseCostTotals.handlingMinutes,
      totalMinor: caseCostTotals.totalMinor,
    })
    .from(caseRootCauses)
    .innerJoin(cases, eq(cases.id, caseRootCauses.caseId))
    .innerJoin(rootCauseCategories, eq(rootCauseCategories.id, caseRootCauses.categoryId))
    .leftJoin(caseCostTotals, eq(caseCostTotals.caseId, caseRootCauses.caseId))
    .where(
      and(
        eq(caseRootCauses.departmentId, departmentId),
        gte(caseRootCauses.recordedAt, range.from),
        lt(caseRootCauses.recordedAt, range.to),
      ),
    )
    .orderBy(desc(caseRootCauses.recordedAt), asc(cases.id), asc(caseCostTotals.currency));

/** Root causes of a department in a window, per category (for repeat failures). */
export const rootCausesInWindow = async (db: DbOrTx, departmentId: string, range: Range) =>
  await db
    .select({
      caseId: caseRootCauses.caseId,
      categoryId: caseRootCauses.categoryId,
      categoryName: rootCauseCategories.name,
      recordedAt: caseRootCauses.recordedAt,
    })
    .from(caseRootCauses)
    .innerJoin(rootCauseCategories, eq(rootCauseCategories.id, caseRootCauses.categoryId))
    .where(
      and(
        eq(caseRootCauses.departmentId, departmentId),
        gte(caseRootCauses.recordedAt, range.from),
        lt(caseRootCauses.recordedAt, range.to),
      ),
    )
    .orderBy(asc(caseRootCauses.recordedAt));

const actionOwner = alias(users, "action_owner");
const actionDepartment = alias(departments, "action_department");

export interface CorrectiveActionView {
  a: CorrectiveActionRow;
  departmentName: string;
  directorId: string | null;
  categoryName: string | null;
  ownerName: string;
  caseIds: string[];
}

const actionSelect = (db: DbOrTx) =>
  db
    .select({
      a: correctiveActions,
      departmentName: actionDepartment.name,
      directorId: actionDepartment.directorId,
      categoryName: rootCauseCategories.name,
      ownerName: actionOwner.name,
      caseIds: sql<
        string[]
      >`coalesce((SELECT array_agg(cac.case_id ORDER BY cac.case_id) FROM ${correctiveActionCases} cac WHERE cac.action_id = ${correctiveActions.id}), '{}'::uuid[])`,
    })
    .from(correctiveActions)
    .innerJoin(actionDepartment, eq(actionDepartment.id, correctiveActions.departmentId))
    .innerJoin(actionOwner, eq(actionOwner.id, correctiveActions.ownerId))
    .leftJoin(rootCauseCategories, eq(rootCauseCategories.id, correctiveActions.categoryId));

export interface ActionFilter {
  departmentIds?: string[] | undefined;
  ownerOrDepartment?: { userId: string; departmentId: string | null } | undefined;
  statuses?: CorrectiveActionStatus[] | undefined;
  overdueAt?: Date | undefined;
  notOverdueAt?: Date | undefined;
}

const OPEN_ACTION: CorrectiveActionStatus[] = ["open", "in_progress"];

export const listActions = async (db: DbOrTx, f: ActionFilter): Promise<CorrectiveActionView[]> => {
  const where: SQL[] = [];
  if (f.departmentIds)
    where.push(f.departmentIds.length ? inArray(correctiveActions.departmentId, f.departmentIds) : sql`false`);
  if (f.ownerOrDepartment) {
    const { userId, departmentId } = f.ownerOrDepartment;
    where.push(
      or(
        eq(correctiveActions.ownerId, userId),
        departmentId ? eq(correctiveActions.departmentId, departmentId) : undefined,
        eq(actionDepartment.directorId, userId),
      ) as SQL,
    );
  }
  if (f.statuses?.length) where.push(inArray(correctiveActions.status, f.statuses));
  if (f.overdueAt)
    where.push(and(inArray(correctiveActions.status, OPEN_ACTION), lt(correctiveActions.dueAt, f.overdueAt)) as SQL);
  if (f.notOverdueAt) {
    where.push(
      or(notInArray(correctiveActions.status, OPEN_ACTION), gte(correctiveActions.dueAt, f.notOverdueAt)) as SQL,
    );
  }
  return await actionSelect(db)
    .where(and(...where))
    .orderBy(asc(correctiveActions.dueAt), asc(correctiveActions.id))
    .limit(1000);
};

export const findAction = async (db: DbOrTx, id: string): Promise<CorrectiveActionView | undefined> =>
  (await actionSelect(db).where(eq(correctiveActions.id, id)))[0];

export const lockAction = async (db: DbOrTx, id: string): Promise<CorrectiveActionRow | undefined> =>
  (await db.select().from(correctiveActions).where(eq(correctiveActions.id, id)).for("update"))[0];

export const insertAction = async (db: DbOrTx, values: typeof correctiveActions.$inferInsert) => {
  const [row] = await db.insert(correctiveActions).values(values).returning();
  if (!row) throw new Error("corrective action insert returned nothing");
  return row;
};

export const updateAction = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof correctiveActions.$inferInsert>,
): Promise<CorrectiveActionRow> => {
  const [row] = await db
    .update(correctiveActions)
    .set({ ...values, updatedAt: new Date(), version: sql`${correctiveActions.version} + 1` })
    .where(eq(correctiveActions.id, id))
    .returning();
  if (!row) throw new Error("corrective action update returned nothing");
  return row;
};

export const setActionCases = async (db: DbOrTx, actionId: string, caseIds: string[]): Promise<void> => {
  await db.delete(correctiveActionCases).where(eq(correctiveActionCases.actionId, actionId));
  if (caseIds.length) {
    await db.insert(correctiveActionCases).values(caseIds.map((caseId) => ({ actionId, caseId })));
  }
};

export const existingCaseIds = async (db: DbOrTx, ids: string[]): Promise<string[]> =>
  ids.length === 0
    ? []
    : (await db.select({ id: cases.id }).from(cases).where(inArray(cases.id, ids))).map((r) => r.id);

/** Corrective actions completed in a range, per department (for the monthly report). */
export const actionsCompletedIn = async (db: DbOrTx, departmentId: string, range: Range): Promise<number> => {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(correctiveActions)
    .where(
      and(
        eq(correctiveActions.departmentId, departmentId),
        eq(correctiveActions.status, "done"),
        gte(correctiveActions.completedAt, range.from),
        lt(correctiveActions.completedAt, range.to),
      ),
    );
  return row?.n ?? 0;
};

export const departmentsWithDirector = async (db: DbOrTx) =>
  await db
    .select({
      id: departments.id,
      name: departments.name,
      directorId: departments.directorId,
      directorName: users.name,
    })
    .from(departments)
    .innerJoin(users, eq(users.id, departments.directorId))
    .orderBy(asc(departments.name));

export const userDepartment = async (db: DbOrTx, userId: string) =>
  (
    await db.select({ departmentId: users.departmentId, active: users.active }).from(users).where(eq(users.id, userId))
  )[0];

export const directedDepartmentIds = async (db: DbOrTx, userId: string): Promise<string[]> =>
  (await db.select({ id: departments.id }).from(departments).where(eq(departments.directorId, userId))).map(
    (r) => r.id,
  );

export const upsertReport = async (
  db: DbOrTx,
  values: typeof upstreamReports.$inferInsert,
): Promise<{ row: UpstreamReportRow; created: boolean }> => {
  const existing = (
    await db
      .select({ id: upstreamReports.id })
      .from(upstreamReports)
      .where(and(eq(upstreamReports.departmentId, values.departmentId), eq(upstreamReports.month, values.month)))
      .for("update")
  )[0];
  if (existing) {
    const [row] = await db
      .update(upstreamReports)
      .set({
        directorId: values.directorId ?? null,
        subject: values.subject,
        bodyText: values.bodyText,
        content: values.content,
      })
      .where(eq(upstreamReports.id, existing.id))
      .returning();
    if (!row) throw new Error("report update returned nothing");
    return { row, created: false };
  }
  const [row] = await db.insert(upstreamReports).values(values).returning();
  if (!row) throw new Error("report insert returned nothing");
  return { row, created: true };
};

const reportDepartment = alias(departments, "report_department");
const reportDirector = alias(users, "report_director");

export interface ReportView {
  r: UpstreamReportRow;
  departmentName: string;
  directorName: string | null;
}

const reportSelect = (db: DbOrTx) =>
  db
    .select({ r: upstreamReports, departmentName: reportDepartment.name, directorName: reportDirector.name })
    .from(upstreamReports)
    .innerJoin(reportDepartment, eq(reportDepartment.id, upstreamReports.departmentId))
    .leftJoin(reportDirector, eq(reportDirector.id, upstreamReports.directorId));

export const listReports = async (
  db: DbOrTx,
  f: { departmentIds: string[] | null; month?: string | undefined },
): Promise<ReportView[]> =>
  await reportSelect(db)
    .where(
      and(
        f.departmentIds
          ? f.departmentIds.length
            ? inArray(upstreamReports.departmentId, f.departmentIds)
            : sql`false`
          : undefined,
        f.month ? eq(upstreamReports.month, f.month) : undefined,
      ),
    )
    .orderBy(desc(upstreamReports.month), asc(reportDepartment.name))
    .limit(500);

export const findReport = async (db: DbOrTx, id: string): Promise<ReportView | undefined> =>
  (await reportSelect(db).where(eq(upstreamReports.id, id)))[0];
