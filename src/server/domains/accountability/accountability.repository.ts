import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { alias, type SelectedFields } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db/connection";
import { cases, commitments, cracksDigests, departments, events, teams, userLeave, users } from "../../db/schema/index";

export type LeaveRow = typeof userLeave.$inferSelect;
export type DigestRow = typeof cracksDigests.$inferSelect;

/** Whose cracks: cases of these teams or of people (or teams) in these departments; or one person's. */
export interface CrackScope {
  teamIds?: readonly string[] | undefined;
  departmentIds?: readonly string[] | undefined;
  ownerId?: string | undefined;
}

const owner = alias(users, "crack_owner");
const ownerDepartment = alias(departments, "crack_owner_department");
const teamDepartment = alias(departments, "crack_team_department");

const WORKING = sql`${cases.status} IN ('new', 'open', 'pending', 'on_hold')`;

const caseColumns = {
  caseId: cases.id,
  number: cases.number,
  subject: cases.subject,
  status: cases.status,
  priority: cases.priority,
  nextStep: cases.nextStep,
  nextStepDueAt: cases.nextStepDueAt,
  updatedAt: cases.updatedAt,
  createdAt: cases.createdAt,
  ownerId: cases.ownerId,
  ownerName: owner.name,
  ownerActive: owner.active,
  ownerDepartmentId: owner.departmentId,
  ownerDepartmentName: ownerDepartment.name,
  teamId: cases.teamId,
  teamName: teams.name,
  teamDepartmentId: teams.departmentId,
  teamDepartmentName: teamDepartment.name,
};

const scopeCondition = (scope: CrackScope): SQL | undefined => {
  const parts: SQL[] = [];
  if (scope.teamIds?.length) parts.push(inArray(cases.teamId, [...scope.teamIds]));
  if (scope.departmentIds?.length) {
    parts.push(inArray(owner.departmentId, [...scope.departmentIds]));
    parts.push(inArray(teams.departmentId, [...scope.departmentIds]));
  }
  const area =
    scope.teamIds !== undefined || scope.departmentIds !== undefined ? (or(...parts) ?? sql`false`) : undefined;
  return and(area, scope.ownerId ? eq(cases.ownerId, scope.ownerId) : undefined);
};

const caseSelect = <E extends SelectedFields>(db: DbOrTx, extra: E) =>
  db
    .select({ ...caseColumns, ...extra })
    .from(cases)
    .leftJoin(owner, eq(owner.id, cases.ownerId))
    .leftJoin(ownerDepartment, eq(ownerDepartment.id, owner.departmentId))
    .leftJoin(teams, eq(teams.id, cases.teamId))
    .leftJoin(teamDepartment, eq(teamDepartment.id, teams.departmentId));

const ROW_LIMIT = 5000;

/** Working cases whose next step is overdue. */
export const overdueNextSteps = async (db: DbOrTx, scope: CrackScope, now: Date) =>
  await caseSelect(db, {})
    .where(and(WORKING, lt(cases.nextStepDueAt, now), scopeCondition(scope)))
    .orderBy(asc(cases.nextStepDueAt))
    .limit(ROW_LIMIT);

/** Working cases untouched since `before` (wall-clock; the caller applies business hours). */
export const untouchedSince = async (db: DbOrTx, scope: CrackScope, before: Date) =>
  await caseSelect(db, {})
    .where(and(WORKING, lt(cases.updatedAt, before), scopeCondition(scope)))
    .orderBy(asc(cases.updatedAt))
    .limit(ROW_LIMIT);

export type CrackCaseRow = Awaited<ReturnType<typeof overdueNextSteps>>[number];

/** Working cases whose owner is deactivated or on leave at `now`, with the leave. */
export const ownerUnavailable = async (db: DbOrTx, scope: CrackScope, now: Date) => {
  const current = db
    .select({ userId: userLeave.userId, startsAt: userLeave.startsAt, endsAt: userLeave.endsAt })
    .from(userLeave)
    .where(and(lte(userLeave.startsAt, now), gt(userLeave.endsAt, now)))
    .as("current_leave");
  return await caseSelect(db, { leaveStartsAt: current.startsAt, leaveEndsAt: current.endsAt })
    .leftJoin(current, eq(current.userId, cases.ownerId))
    .where(and(WORKING, or(eq(owner.active, false), sql`${current.userId} IS NOT NULL`), scopeCondition(scope)))
    .orderBy(asc(cases.number))
    .limit(ROW_LIMIT);
};

/**
 * Working cases owned by someone outside the department of the case's team, since the case last changed hands
 * (owner or team) before `before`. There is no hand-off record yet, so that is what "waiting on another
 * department" means.
 */
export const waitingOnOtherDepartment = async (db: DbOrTx, scope: CrackScope, before: Date) => {
  const handedOverAt = sql<Date>`coalesce((
      SELECT max(${events.createdAt}) FROM ${events}
      WHERE ${events.aggregateType} = 'case' AND ${events.aggregateId} = ${cases.id}::text
        AND (${events.type} IN ('case.created', 'case.owner_changed')
          OR (${events.type} = 'case.updated' AND (${events.payload} -> 'after') ? 'teamId'))
    ), ${cases.createdAt})`.mapWith(cases.createdAt);
  return await caseSelect(db, { handedOverAt })
    .where(
      and(
        WORKING,
        sql`${teams.departmentId} IS NOT NULL`,
        sql`${owner.departmentId} IS DISTINCT FROM ${teams.departmentId}`,
        lt(handedOverAt, before),
        scopeCondition(scope),
      ),
    )
    .orderBy(asc(cases.number))
    .limit(ROW_LIMIT);
};

const promiseOwner = alias(users, "promise_owner");

/** Promises broken since `since`, with the case they were made on; `ownerId` scopes to the promise's owner. */
export const brokenPromises = async (db: DbOrTx, scope: CrackScope, since: Date) =>
  await caseSelect(db, {
    commitmentId: commitments.id,
    kind: commitments.kind,
    description: commitments.description,
    dueAt: commitments.dueAt,
    brokenAt: commitments.settledAt,
    promiseOwnerId: commitments.ownerId,
    promiseOwnerName: promiseOwner.name,
    promiseOwnerDepartmentId: promiseOwner.departmentId,
  })
    .innerJoin(commitments, eq(commitments.caseId, cases.id))
    .innerJoin(promiseOwner, eq(promiseOwner.id, commitments.ownerId))
    .where(
      and(
        eq(commitments.state, "broken"),
        gte(commitments.settledAt, since),
        scopeCondition({ ...scope, ownerId: undefined }),
        scope.ownerId ? eq(commitments.ownerId, scope.ownerId) : undefined,
      ),
    )
    .orderBy(desc(commitments.settledAt))
    .limit(ROW_LIMIT);

export const departmentNames = async (db: DbOrTx, ids: string[]): Promise<Map<string, string>> =>
  ids.length === 0
    ? new Map()
    : new Map(
        (
          await db
            .select({ id: departments.id, name: departments.name })
            .from(departments)
            .where(inArray(departments.id, ids))
        ).map((d) => [d.id, d.name]),
      );

/* Leave */

export interface LeaveView {
  l: LeaveRow;
  userName: string;
}

const leaveSelect = (db: DbOrTx) =>
  db.select({ l: userLeave, userName: users.name }).from(userLeave).innerJoin(users, eq(users.id, userLeave.userId));

export const insertLeave = async (db: DbOrTx, values: typeof userLeave.$inferInsert): Promise<LeaveRow> => {
  const [row] = await db.insert(userLeave).values(values).returning();
  if (!row) throw new Error("leave insert returned nothing");
  return row;
};

export const findLeave = async (db: DbOrTx, id: string): Promise<LeaveView | undefined> =>
  (await leaveSelect(db).where(eq(userLeave.id, id)))[0];

export const deleteLeave = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(userLeave).where(eq(userLeave.id, id));
};

export const listLeave = async (
  db: DbOrTx,
  f: { userId?: string | undefined; endingAfter: Date },
): Promise<LeaveView[]> =>
  await leaveSelect(db)
    .where(and(gt(userLeave.endsAt, f.endingAfter), f.userId ? eq(userLeave.userId, f.userId) : undefined))
    .orderBy(asc(userLeave.startsAt), asc(userLeave.id))
    .limit(1000);

export const overlappingLeave = async (
  db: DbOrTx,
  userId: string,
  startsAt: Date,
  endsAt: Date,
): Promise<LeaveRow | undefined> =>
  (
    await db
      .select()
      .from(userLeave)
      .where(and(eq(userLeave.userId, userId), lt(userLeave.startsAt, endsAt), gt(userLeave.endsAt, startsAt)))
      .limit(1)
  )[0];

/** The user's working cases whose next step falls due before `before` (overdue ones included). */
export const casesDueBefore = async (db: DbOrTx, userId: string, before: Date) =>
  await db
    .select({
      id: cases.id,
      number: cases.number,
      subject: cases.subject,
      status: cases.status,
      priority: cases.priority,
      teamId: cases.teamId,
      teamName: teams.name,
      nextStep: cases.nextStep,
      nextStepDueAt: cases.nextStepDueAt,
    })
    .from(cases)
    .leftJoin(teams, eq(teams.id, cases.teamId))
    .where(and(eq(cases.ownerId, userId), WORKING, lt(cases.nextStepDueAt, before)))
    .orderBy(asc(cases.nextStepDueAt))
    .limit(ROW_LIMIT);

/** The user's open promises due before `before`. */
export const promisesDueBefore = async (db: DbOrTx, userId: string, before: Date) =>
  await db
    .select({
      id: commitments.id,
      caseId: commitments.caseId,
      caseNumber: cases.number,
      kind: commitments.kind,
      description: commitments.description,
      dueAt: commitments.dueAt,
    })
    .from(commitments)
    .innerJoin(cases, eq(cases.id, commitments.caseId))
    .where(and(eq(commitments.ownerId, userId), eq(commitments.state, "open"), lt(commitments.dueAt, before)))
    .orderBy(asc(commitments.dueAt))
    .limit(ROW_LIMIT);

/* Digests */

export interface DigestRecipient {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  departmentId: string | null;
  role: (typeof users.$inferSelect)["role"];
  directedDepartmentIds: string[];
  ledTeamIds: string[];
}

/** Active supervisors and department directors, with the departments they direct and the teams they lead. */
export const digestRecipients = async (db: DbOrTx, onlyUserId?: string): Promise<DigestRecipient[]> => {
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      timeZone: users.timeZone,
      departmentId: users.departmentId,
      role: users.role,
      directed: sql<
        string[]
      >`coalesce((SELECT array_agg(d.id::text) FROM ${departments} d WHERE d.director_id = ${users.id}), '{}')`,
      led: sql<string[]>`coalesce((SELECT array_agg(t.id::text) FROM ${teams} t WHERE t.lead_id = ${users.id}), '{}')`,
    })
    .from(users)
    .where(
      and(
        eq(users.active, true),
        or(
          eq(users.role, "supervisor"),
          sql`EXISTS (SELECT 1 FROM ${departments} d WHERE d.director_id = ${users.id})`,
        ),
        onlyUserId ? eq(users.id, onlyUserId) : undefined,
      ),
    )
    .orderBy(asc(users.id));
  return rows.map((r) => ({ ...r, directedDepartmentIds: r.directed, ledTeamIds: r.led }));
};

/** Stores a digest unless the recipient already has one for that local date; returns it when new. */
export const insertDigest = async (
  db: DbOrTx,
  values: typeof cracksDigests.$inferInsert,
): Promise<DigestRow | undefined> =>
  (
    await db
      .insert(cracksDigests)
      .values(values)
      .onConflictDoNothing({ target: [cracksDigests.recipientId, cracksDigests.localDate] })
      .returning()
  )[0];

/** Records that the digest was handed to the outbound mail queue. */
export const markDigestSent = async (db: DbOrTx, id: string, at: Date): Promise<void> => {
  await db.update(cracksDigests).set({ sentAt: at }).where(eq(cracksDigests.id, id));
};

export const hasDigest = async (db: DbOrTx, recipientId: string, localDate: string): Promise<boolean> =>
  (
    await db
      .select({ id: cracksDigests.id })
      .from(cracksDigests)
      .where(and(eq(cracksDigests.recipientId, recipientId), eq(cracksDigests.localDate, localDate)))
  ).length > 0;

export const listDigests = async (db: DbOrTx, recipientId: string, limit: number): Promise<DigestRow[]> =>
  await db
    .select()
    .from(cracksDigests)
    .where(eq(cracksDigests.recipientId, recipientId))
    .orderBy(desc(cracksDigests.localDate))
    .limit(limit);
