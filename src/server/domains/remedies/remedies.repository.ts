import { and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { LedgerGroup } from "../../../shared/contracts/remedies";
import type { UserRole } from "../../../shared/domain";
import type { DbOrTx } from "../../db/connection";
import {
  authorityLimits,
  caseRootCauses,
  cases,
  departments,
  organizations,
  remedies,
  rootCauseCategories,
  users,
} from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type RemedyRow = typeof remedies.$inferSelect;
export type AuthorityLimitRow = typeof authorityLimits.$inferSelect;

const granter = alias(users, "granter");
const reviewer = alias(users, "reviewer");

export interface RemedyView {
  r: RemedyRow;
  caseNumber: number;
  grantedByName: string;
  reviewedByName: string | null;
}

/** null: every department; otherwise only remedies granted in these departments (none when empty). */
const departmentFilter = (departmentIds: string[] | null): SQL | undefined => {
  if (!departmentIds) return undefined;
  return departmentIds.length ? inArray(remedies.departmentId, departmentIds) : sql`false`;
};

const viewSelect = (db: DbOrTx) =>
  db
    .select({ r: remedies, caseNumber: cases.number, grantedByName: granter.name, reviewedByName: reviewer.name })
    .from(remedies)
    .innerJoin(cases, eq(cases.id, remedies.caseId))
    .innerJoin(granter, eq(granter.id, remedies.grantedById))
    .leftJoin(reviewer, eq(reviewer.id, remedies.reviewedById));

export const findView = async (db: DbOrTx, id: string): Promise<RemedyView | undefined> =>
  (await viewSelect(db).where(eq(remedies.id, id)))[0];

export const listByCase = async (db: DbOrTx, caseId: string): Promise<RemedyView[]> =>
  await viewSelect(db).where(eq(remedies.caseId, caseId)).orderBy(asc(remedies.grantedAt), asc(remedies.id));

/** Remedies by review status, newest first; `departmentIds` null means every department. */
export const listForReview = async (
  db: DbOrTx,
  status: "pending" | "approved" | "discuss",
  departmentIds: string[] | null,
  limit: number,
): Promise<RemedyView[]> =>
  await viewSelect(db)
    .where(and(eq(remedies.reviewStatus, status), departmentFilter(departmentIds)))
    .orderBy(desc(remedies.grantedAt), desc(remedies.id))
    .limit(limit);

export const lockById = async (db: DbOrTx, id: string): Promise<RemedyRow | undefined> =>
  (await db.select().from(remedies).where(eq(remedies.id, id)).for("update"))[0];

export const insert = async (db: DbOrTx, values: typeof remedies.$inferInsert): Promise<RemedyRow> => {
  const [row] = await db.insert(remedies).values(values).returning();
  if (!row) throw new Error("remedy insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof remedies.$inferInsert>,
): Promise<RemedyRow> => {
  const [row] = await db.update(remedies).set(values).where(eq(remedies.id, id)).returning();
  if (!row) throw new Error("remedy update returned nothing");
  return row;
};

/** Serializes one person's grants in one currency, so two at once cannot both fit the same remaining authority. */
export const lockAuthority = async (db: DbOrTx, userId: string, currency: string): Promise<void> => {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`authority:${userId}:${currency}`}))`);
};

export const grantedSince = async (db: DbOrTx, userId: string, currency: string, since: Date): Promise<number> => {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${remedies.amountMinor}), 0)::bigint` })
    .from(remedies)
    .where(and(eq(remedies.grantedById, userId), eq(remedies.currency, currency), gte(remedies.grantedAt, since)));
  return Number(row?.total ?? 0);
};

/** Sums per currency of a case's remedies (the cost of failure adds them). */
export const totalsByCase = async (db: DbOrTx, caseId: string) =>
  (
    await db
      .select({ currency: remedies.currency, amountMinor: sql<number>`sum(${remedies.amountMinor})::bigint` })
      .from(remedies)
      .where(eq(remedies.caseId, caseId))
      .groupBy(remedies.currency)
      .orderBy(asc(remedies.currency))
  ).map((r) => ({ currency: r.currency, amountMinor: Number(r.amountMinor) }));

export const limitsFor = async (
  db: DbOrTx,
  userId: string,
  role: UserRole,
  currency: string,
): Promise<{ user: AuthorityLimitRow | undefined; role: AuthorityLimitRow | undefined }> => {
  const rows = await db
    .select()
    .from(authorityLimits)
    .where(
      and(
        eq(authorityLimits.currency, currency),
        sql`(${authorityLimits.userId} = ${userId} OR ${authorityLimits.role} = ${role})`,
      ),
    );
  return { user: rows.find((r) => r.userId === userId), role: rows.find((r) => r.role === role) };
};

export const listLimits = async (db: DbOrTx) =>
  await db
    .select({ l: authorityLimits, userName: users.name })
    .from(authorityLimits)
    .leftJoin(users, eq(users.id, authorityLimits.userId))
    .orderBy(asc(authorityLimits.currency), asc(authorityLimits.role), asc(users.name));

export const findLimit = async (db: DbOrTx, id: string) =>
  (
    await db
      .select({ l: authorityLimits, userName: users.name })
      .from(authorityLimits)
      .leftJoin(users, eq(users.id, authorityLimits.userId))
      .where(eq(authorityLimits.id, id))
  )[0];

/** The limit (with its person's name), its row locked until the transaction ends (edits check its version). */
export const lockLimit = async (db: DbOrTx, id: string) =>
  (
    await db
      .select({ l: authorityLimits, userName: users.name })
      .from(authorityLimits)
      .leftJoin(users, eq(users.id, authorityLimits.userId))
      .where(eq(authorityLimits.id, id))
      .for("update", { of: authorityLimits })
  )[0];

export const insertLimit = async (db: DbOrTx, values: typeof authorityLimits.$inferInsert) => {
  const [row] = await db.insert(authorityLimits).values(values).returning();
  if (!row) throw new Error("authority limit insert returned nothing");
  return row;
};

export const updateLimit = async (db: DbOrTx, id: string, values: Partial<typeof authorityLimits.$inferInsert>) =>
  (
    await db
      .update(authorityLimits)
      .set({ ...values, updatedAt: new Date(), version: nextVersion(authorityLimits.version) })
      .where(eq(authorityLimits.id, id))
      .returning()
  )[0];

export const deleteLimit = async (db: DbOrTx, id: string) =>
  (await db.delete(authorityLimits).where(eq(authorityLimits.id, id)).returning())[0];

export const userExists = async (db: DbOrTx, id: string): Promise<boolean> =>
  (await db.select({ id: users.id }).from(users).where(eq(users.id, id))).length > 0;

/** The departments `userId` directs: a director reviews and reads the ledger of their own departments. */
export const directedDepartmentIds = async (db: DbOrTx, userId: string): Promise<string[]> =>
  (await db.select({ id: departments.id }).from(departments).where(eq(departments.directorId, userId))).map(
    (r) => r.id,
  );

export interface LedgerFilter {
  from: Date;
  to: Date;
  currency?: string | undefined;
  departmentIds: string[] | null;
}

const ledgerWhere = (f: LedgerFilter): SQL | undefined =>
  and(
    gte(remedies.grantedAt, f.from),
    lt(remedies.grantedAt, f.to),
    f.currency ? eq(remedies.currency, f.currency) : undefined,
    departmentFilter(f.departmentIds),
  );

const GROUP_KEY: Record<LedgerGroup, { key: SQL<string | null>; label: SQL<string | null> }> = {
  department: { key: sql`${remedies.departmentId}::text`, label: sql`${departments.name}` },
  person: { key: sql`${remedies.grantedById}::text`, label: sql`${granter.name}` },
  root_cause: { key: sql`${caseRootCauses.categoryId}::text`, label: sql`${rootCauseCategories.name}` },
  organization: { key: sql`${remedies.organizationId}::text`, label: sql`${organizations.name}` },
  month: {
    key: sql`to_char(${remedies.grantedAt} AT TIME ZONE 'UTC', 'YYYY-MM')`,
    label: sql`to_char(${remedies.grantedAt} AT TIME ZONE 'UTC', 'YYYY-MM')`,
  },
};

/**
 * The ledger: every remedy with where it belongs. Root causes are read (not written) from the accountability
 * tables, because a remedy is booked against the failure that made it necessary.
 */
export const ledgerTotals = async (db: DbOrTx, groupBy: LedgerGroup, f: LedgerFilter) => {
  const g = GROUP_KEY[groupBy];
  const rows = await db
    .select({
      key: g.key,
      label: sql<string | null>`min(${g.label})`,
      currency: remedies.currency,
      remedies: sql<number>`count(*)::int`,
      totalMinor: sql<number>`sum(${remedies.amountMinor})::bigint`,
      aboveLimit: sql<number>`(count(*) FILTER (WHERE ${remedies.aboveLimit} <> 'no'))::int`,
    })
    .from(remedies)
    .innerJoin(granter, eq(granter.id, remedies.grantedById))
    .leftJoin(departments, eq(departments.id, remedies.departmentId))
    .leftJoin(organizations, eq(organizations.id, remedies.organizationId))
    .leftJoin(caseRootCauses, eq(caseRootCauses.caseId, remedies.caseId))
    .leftJoin(rootCauseCategories, eq(rootCauseCategories.id, caseRootCauses.categoryId))
    .where(ledgerWhere(f))
    .groupBy(g.key, remedies.currency)
    .orderBy(sql`1`, asc(remedies.currency));
  return rows.map((r) => ({ ...r, totalMinor: Number(r.totalMinor) }));
};

export const ledgerEntries = async (db: DbOrTx, f: LedgerFilter, limit: number) =>
  await db
    .select({
      r: remedies,
      caseNumber: cases.number,
      grantedByName: granter.name,
      departmentName: departments.name,
      organizationName: organizations.name,
      rootCauseOrigin: caseRootCauses.origin,
      rootCauseCategory: rootCauseCategories.name,
    })
    .from(remedies)
    .innerJoin(cases, eq(cases.id, remedies.caseId))
    .innerJoin(granter, eq(granter.id, remedies.grantedById))
    .leftJoin(departments, eq(departments.id, remedies.departmentId))
    .leftJoin(organizations, eq(organizations.id, remedies.organizationId))
    .leftJoin(caseRootCauses, eq(caseRootCauses.caseId, remedies.caseId))
    .leftJoin(rootCauseCategories, eq(rootCauseCategories.id, caseRootCauses.categoryId))
    .where(ledgerWhere(f))
    .orderBy(asc(remedies.grantedAt), asc(remedies.id))
    .limit(limit);
