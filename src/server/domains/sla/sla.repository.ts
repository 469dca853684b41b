import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { SlaMetric, TSlaBreachRecord, TSlaConditions, TSlaPauseSpan } from "../../../shared/contracts/sla";
import type { DbOrTx } from "../../db/connection";
import { businessCalendars, cases, departments, slaClocks, slaPolicies, teams, users } from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";
import type { Clock } from "./sla.planner";

export type CalendarRow = typeof businessCalendars.$inferSelect;
export type PolicyRow = typeof slaPolicies.$inferSelect;
export type ClockRow = typeof slaClocks.$inferSelect;
type ClockInsert = typeof slaClocks.$inferInsert;

/* Calendars */

export const listCalendars = async (db: DbOrTx): Promise<CalendarRow[]> =>
  await db.select().from(businessCalendars).orderBy(asc(businessCalendars.name));

export const findCalendar = async (db: DbOrTx, id: string): Promise<CalendarRow | undefined> =>
  (await db.select().from(businessCalendars).where(eq(businessCalendars.id, id)))[0];

export const findCalendarsByIds = async (db: DbOrTx, ids: string[]): Promise<CalendarRow[]> =>
  ids.length === 0 ? [] : await db.select().from(businessCalendars).where(inArray(businessCalendars.id, ids));

export const insertCalendar = async (
  db: DbOrTx,
  values: typeof businessCalendars.$inferInsert,
): Promise<CalendarRow> => {
  const [row] = await db.insert(businessCalendars).values(values).returning();
  if (!row) throw new Error("calendar insert returned nothing");
  return row;
};

export const updateCalendar = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof businessCalendars.$inferInsert>,
): Promise<CalendarRow | undefined> =>
  (
    await db
      .update(businessCalendars)
      .set({ ...values, version: nextVersion(businessCalendars.version), updatedAt: new Date() })
      .where(eq(businessCalendars.id, id))
      .returning()
  )[0];

export const deleteCalendar = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(businessCalendars).where(eq(businessCalendars.id, id));
};

export const lockCalendar = async (db: DbOrTx, id: string): Promise<CalendarRow | undefined> =>
  (await db.select().from(businessCalendars).where(eq(businessCalendars.id, id)).for("update"))[0];

/* Policies */

export const listPolicies = async (db: DbOrTx): Promise<PolicyRow[]> =>
  await db.select().from(slaPolicies).orderBy(asc(slaPolicies.position), asc(slaPolicies.id));

export const findPolicy = async (db: DbOrTx, id: string): Promise<PolicyRow | undefined> =>
  (await db.select().from(slaPolicies).where(eq(slaPolicies.id, id)))[0];

/** The policy, its row locked until the transaction ends (edits check its version on it). */
export const lockPolicy = async (db: DbOrTx, id: string): Promise<PolicyRow | undefined> =>
  (await db.select().from(slaPolicies).where(eq(slaPolicies.id, id)).for("update"))[0];

export const policyIdsUsingCalendar = async (db: DbOrTx, calendarId: string): Promise<string[]> =>
  (await db.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.calendarId, calendarId))).map(
    (r) => r.id,
  );

/** Policies (all, or the active ones) in matching order, with their calendar's version (to reuse compiled calendars). */
export const policiesWithCalendarVersion = async (
  db: DbOrTx,
  activeOnly: boolean,
): Promise<(PolicyRow & { calendarVersion: number })[]> =>
  (
    await db
      .select({ p: slaPolicies, calendarVersion: businessCalendars.version })
      .from(slaPolicies)
      .innerJoin(businessCalendars, eq(businessCalendars.id, slaPolicies.calendarId))
      .where(activeOnly ? eq(slaPolicies.active, true) : undefined)
      .orderBy(asc(slaPolicies.position), asc(slaPolicies.id))
  ).map((r) => ({ ...r.p, calendarVersion: r.calendarVersion }));

export const insertPolicy = async (db: DbOrTx, values: typeof slaPolicies.$inferInsert): Promise<PolicyRow> => {
  const [row] = await db.insert(slaPolicies).values(values).returning();
  if (!row) throw new Error("policy insert returned nothing");
  return row;
};

export const updatePolicy = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof slaPolicies.$inferInsert>,
): Promise<PolicyRow | undefined> =>
  (
    await db
      .update(slaPolicies)
      .set({ ...values, version: nextVersion(slaPolicies.version), updatedAt: new Date() })
      .where(eq(slaPolicies.id, id))
      .returning()
  )[0];

export const deletePolicy = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(slaPolicies).where(eq(slaPolicies.id, id));
};

/* Clocks */

const toPauses = (spans: TSlaPauseSpan[]) =>
  spans.map((s) => ({ from: new Date(s.from), to: s.to === null ? null : new Date(s.to) }));

const fromPauses = (pauses: Clock["pauses"]): TSlaPauseSpan[] =>
  pauses.map((p) => ({ from: p.from.toISOString(), to: p.to?.toISOString() ?? null }));

export interface StoredClock extends Clock {
  id: string;
  caseId: string;
}

export const toClock = (row: ClockRow): StoredClock => ({
  id: row.id,
  caseId: row.caseId,
  metric: row.metric,
  policyId: row.policyId,
  targetMinutes: row.targetMinutes,
  startedAt: row.startedAt,
  pauses: toPauses(row.pauses),
  state: row.state,
  dueAt: row.dueAt,
  warnAt: row.warnAt,
  metAt: row.metAt,
  warnedAt: row.warnedAt,
  breachedAt: row.breachedAt,
  breach: row.breach,
});

const clockValues = (c: Clock): Omit<ClockInsert, "caseId" | "id"> => ({
  metric: c.metric,
  policyId: c.policyId,
  targetMinutes: c.targetMinutes,
  startedAt: c.startedAt,
  pauses: fromPauses(c.pauses),
  state: c.state,
  dueAt: c.dueAt,
  warnAt: c.warnAt,
  metAt: c.metAt,
  warnedAt: c.warnedAt,
  breachedAt: c.breachedAt,
  breach: c.breach,
});

export const lockClock = async (db: DbOrTx, id: string): Promise<StoredClock | undefined> => {
  const [row] = await db.select().from(slaClocks).where(eq(slaClocks.id, id)).for("update");
  return row ? toClock(row) : undefined;
};

export const clocksOfCases = async (db: DbOrTx, caseIds: string[]): Promise<StoredClock[]> =>
  caseIds.length === 0
    ? []
    : (await db.select().from(slaClocks).where(inArray(slaClocks.caseId, caseIds)).orderBy(asc(slaClocks.metric))).map(
        toClock,
      );

/** New clocks in one statement, with ids the caller chose. */
export const insertClocks = async (db: DbOrTx, rows: { id: string; caseId: string; clock: Clock }[]): Promise<void> => {
  if (rows.length === 0) return;
  await db.insert(slaClocks).values(rows.map(({ id, caseId, clock }) => ({ id, caseId, ...clockValues(clock) })));
};

export const updateClock = async (db: DbOrTx, id: string, clock: Clock): Promise<void> => {
  await db
    .update(slaClocks)
    .set({ ...clockValues(clock), updatedAt: new Date() })
    .where(eq(slaClocks.id, id));
};

export const markClock = async (
  db: DbOrTx,
  id: string,
  values: { warnedAt?: Date; breachedAt?: Date; breach?: TSlaBreachRecord },
): Promise<void> => {
  await db
    .update(slaClocks)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(slaClocks.id, id));
};

/** A PostgreSQL array literal of values that need no quoting (UUIDs, numbers, ISO instants). */
const arrayLiteral = (values: (string | number | null)[]): string => `{${values.map((v) => v ?? "NULL").join(",")}}`;

const msOrNull = (v: number | null): Date | null => (v === null ? null : new Date(v));

/** A live clock read for re-timing, with its row version (`xmin`) to write back only if nobody changed it since. */
export interface VersionedClock extends StoredClock {
  xmin: string;
}

/**
 * The next batch (by id) of running or paused clocks of these policies. Instants travel as epoch milliseconds
 * (cheaper than timestamp text for 100,000s of rows); nothing is locked — writes check `xmin` instead.
 */
export const liveClocksOfPolicies = async (
  db: DbOrTx,
  policyIds: string[],
  afterId: string | null,
  limit: number,
): Promise<VersionedClock[]> => {
  if (policyIds.length === 0) return [];
  const epoch = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8 AS ${column}`);
  const rows = await db.execute<{
    id: string;
    xmin: string;
    case_id: string;
    metric: ClockRow["metric"];
    policy_id: string | null;
    target_minutes: number | null;
    started_at: number;
    pauses: TSlaPauseSpan[];
    state: ClockRow["state"];
    due_at: number | null;
    warn_at: number | null;
    met_at: number | null;
    warned_at: number | null;
    breached_at: number | null;
    breach: TSlaBreachRecord | null;
  }>(sql`
    SELECT id, xmin::text AS xmin, case_id, metric, policy_id, target_minutes, ${epoch("started_at")}, pauses, state,
      ${epoch("due_at")}, ${epoch("warn_at")}, ${epoch("met_at")}, ${epoch("warned_at")}, ${epoch("breached_at")},
      breach
    FROM ${slaClocks}
    WHERE policy_id = ANY(${arrayLiteral(policyIds)}::uuid[]) AND state IN ('running', 'paused')
      ${afterId ? sql`AND id > ${afterId}` : sql``}
    ORDER BY id
    LIMIT ${limit}`);
  return rows.rows.map((r) => ({
    id: r.id,
    xmin: r.xmin,
    caseId: r.case_id,
    metric: r.metric,
    policyId: r.policy_id,
    targetMinutes: r.target_minutes,
    startedAt: new Date(r.started_at),
    pauses: toPauses(r.pauses),
    state: r.state,
    dueAt: msOrNull(r.due_at),
    warnAt: msOrNull(r.warn_at),
    metAt: msOrNull(r.met_at),
    warnedAt: msOrNull(r.warned_at),
    breachedAt: msOrNull(r.breached_at),
    breach: r.breach,
  }));
};

export const lockClocksByIds = async (db: DbOrTx, ids: string[]): Promise<StoredClock[]> =>
  ids.length === 0
    ? []
    : (
        await db.select().from(slaClocks).where(inArray(slaClocks.id, ids)).orderBy(asc(slaClocks.id)).for("update")
      ).map(toClock);

export interface PlanWrite {
  id: string;
  /** Write only if the row is still this version; omit for a row locked by the caller. */
  xmin?: string;
  dueAt: Date | null;
  warnAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
}

/** Writes many re-planned instants in one statement; returns the ids written (a changed row is skipped). */
export const updatePlans = async (db: DbOrTx, plans: PlanWrite[]): Promise<Set<string>> => {
  if (plans.length === 0) return new Set();
  const ms = (pick: (p: PlanWrite) => Date | null) => arrayLiteral(plans.map((p) => pick(p)?.getTime() ?? null));
  const at = (column: string) =>
    sql.raw(`CASE WHEN v.${column} IS NULL THEN NULL ELSE to_timestamp(v.${column} / 1000.0) END`);
  const result = await db.execute<{ id: string }>(sql`
    UPDATE ${slaClocks} AS c
    SET due_at = ${at("due_at")}, warn_at = ${at("warn_at")}, warned_at = ${at("warned_at")},
      breached_at = ${at("breached_at")}, updated_at = now()
    FROM unnest(
      ${arrayLiteral(plans.map((p) => p.id))}::uuid[],
      ${arrayLiteral(plans.map((p) => p.xmin ?? null))}::xid[],
      ${ms((p) => p.dueAt)}::float8[],
      ${ms((p) => p.warnAt)}::float8[],
      ${ms((p) => p.warnedAt)}::float8[],
      ${ms((p) => p.breachedAt)}::float8[]
    ) AS v(id, xmin, due_at, warn_at, warned_at, breached_at)
    WHERE c.id = v.id AND (v.xmin IS NULL OR c.xmin = v.xmin)
    RETURNING c.id`);
  return new Set(result.rows.map((r) => r.id));
};

/** Live clocks whose warning or breach instant has passed without its escalation having run. */
export const overdueTimers = async (
  db: DbOrTx,
  now: Date,
  limit: number,
): Promise<{ id: string; kind: "warning" | "breach"; at: Date }[]> => {
  const live = sql`${slaClocks.state} IN ('running', 'paused')`;
  const breaches = await db
    .select({ id: slaClocks.id, at: slaClocks.dueAt })
    .from(slaClocks)
    .where(and(live, isNotNull(slaClocks.dueAt), lte(slaClocks.dueAt, now), isNull(slaClocks.breachedAt)))
    .orderBy(asc(slaClocks.dueAt))
    .limit(limit);
  const warnings = await db
    .select({ id: slaClocks.id, at: slaClocks.warnAt })
    .from(slaClocks)
    .where(
      and(
        live,
        isNull(slaClocks.warnedAt),
        isNotNull(slaClocks.warnAt),
        lte(slaClocks.warnAt, now),
        isNull(slaClocks.breachedAt),
      ),
    )
    .orderBy(asc(slaClocks.warnAt))
    .limit(limit);
  return [
    ...breaches.map((r) => ({ id: r.id, kind: "breach" as const, at: r.at as Date })),
    ...warnings.map((r) => ({ id: r.id, kind: "warning" as const, at: r.at as Date })),
  ];
};

const ownerUser = alias(users, "sla_owner");

export interface BreachingFilter {
  dueBefore?: Date | undefined;
  metric?: SlaMetric | undefined;
  teamIds?: readonly string[] | undefined;
  ownerId?: string | undefined;
  includeBreached: boolean;
  after: { key: Date; id: string } | null;
  limit: number;
}

export interface BreachingRow {
  clock: ClockRow;
  /** The list's order: when the clock breached, else when it is due. */
  key: Date;
  caseNumber: number;
  subject: string;
  status: (typeof cases.$inferSelect)["status"];
  priority: (typeof cases.$inferSelect)["priority"];
  ownerId: string | null;
  ownerName: string | null;
  teamId: string | null;
  teamName: string | null;
}

/**
 * Running and paused clocks that are due (with a target) or have breached (whatever their target is now),
 * breached first by when they breached, then soonest due (keyset on that instant and id).
 */
export const breaching = async (db: DbOrTx, f: BreachingFilter): Promise<BreachingRow[]> => {
  const key = sql<Date>`coalesce(${slaClocks.breachedAt}, ${slaClocks.dueAt})`.mapWith(slaClocks.dueAt);
  const where: (SQL | undefined)[] = [
    sql`${slaClocks.state} IN ('running', 'paused')`,
    sql`${key} IS NOT NULL`,
    f.dueBefore ? sql`${key} <= ${f.dueBefore.toISOString()}::timestamptz` : undefined,
    f.metric ? eq(slaClocks.metric, f.metric) : undefined,
    f.includeBreached ? undefined : isNull(slaClocks.breachedAt),
    f.teamIds ? (f.teamIds.length > 0 ? inArray(cases.teamId, [...f.teamIds]) : sql`false`) : undefined,
    f.ownerId ? eq(cases.ownerId, f.ownerId) : undefined,
    f.after
      ? sql`(${key}, ${slaClocks.id}) > (${f.after.key.toISOString()}::timestamptz, ${f.after.id}::uuid)`
      : undefined,
  ];
  return await db
    .select({
      clock: slaClocks,
      key,
      caseNumber: cases.number,
      subject: cases.subject,
      status: cases.status,
      priority: cases.priority,
      ownerId: cases.ownerId,
      ownerName: ownerUser.name,
      teamId: cases.teamId,
      teamName: teams.name,
    })
    .from(slaClocks)
    .innerJoin(cases, eq(cases.id, slaClocks.caseId))
    .leftJoin(ownerUser, eq(ownerUser.id, cases.ownerId))
    .leftJoin(teams, eq(teams.id, cases.teamId))
    .where(and(...where))
    .orderBy(key, asc(slaClocks.id))
    .limit(f.limit);
};

const teamDepartment = alias(departments, "sla_team_department");
const ownerDepartment = alias(departments, "sla_owner_department");

export interface EscalationPerson {
  id: string;
  name: string;
  active: boolean;
}

/** The people an escalation may notify, as the case stands: its owner, its team and lead, the director. */
export interface EscalationContacts {
  owner: EscalationPerson | null;
  team: { name: string } | null;
  teamLead: EscalationPerson | null;
  /** The director of the team's department, else of the owner's department. */
  director: EscalationPerson | null;
}

const leadUser = alias(users, "sla_lead");
const teamDirectorUser = alias(users, "sla_team_director");
const ownerDirectorUser = alias(users, "sla_owner_director");

const person = (id: string | null, name: string | null, active: boolean | null): EscalationPerson | null =>
  id !== null && name !== null && active !== null ? { id, name, active } : null;

export const escalationContacts = async (db: DbOrTx, caseId: string): Promise<EscalationContacts | undefined> => {
  const [row] = await db
    .select({
      ownerId: ownerUser.id,
      ownerName: ownerUser.name,
      ownerActive: ownerUser.active,
      teamName: teams.name,
      leadId: leadUser.id,
      leadName: leadUser.name,
      leadActive: leadUser.active,
      teamDirectorId: teamDirectorUser.id,
      teamDirectorName: teamDirectorUser.name,
      teamDirectorActive: teamDirectorUser.active,
      ownerDirectorId: ownerDirectorUser.id,
      ownerDirectorName: ownerDirectorUser.name,
      ownerDirectorActive: ownerDirectorUser.active,
    })
    .from(cases)
    .leftJoin(ownerUser, eq(ownerUser.id, cases.ownerId))
    .leftJoin(teams, eq(teams.id, cases.teamId))
    .leftJoin(leadUser, eq(leadUser.id, teams.leadId))
    .leftJoin(teamDepartment, eq(teamDepartment.id, teams.departmentId))
    .leftJoin(teamDirectorUser, eq(teamDirectorUser.id, teamDepartment.directorId))
    .leftJoin(ownerDepartment, eq(ownerDepartment.id, ownerUser.departmentId))
    .leftJoin(ownerDirectorUser, eq(ownerDirectorUser.id, ownerDepartment.directorId))
    .where(eq(cases.id, caseId));
  if (!row) return undefined;
  return {
    owner: person(row.ownerId, row.ownerName, row.ownerActive),
    team: row.teamName === null ? null : { name: row.teamName },
    teamLead: person(row.leadId, row.leadName, row.leadActive),
    director:
      person(row.teamDirectorId, row.teamDirectorName, row.teamDirectorActive) ??
      person(row.ownerDirectorId, row.ownerDirectorName, row.ownerDirectorActive),
  };
};

/** The calendar each case's SLA runs on (its resolution clock's policy), for cases that have one. */
export const calendarIdsOfCases = async (db: DbOrTx, caseIds: string[]): Promise<Map<string, string>> => {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .select({ caseId: slaClocks.caseId, calendarId: slaPolicies.calendarId })
    .from(slaClocks)
    .innerJoin(slaPolicies, eq(slaPolicies.id, slaClocks.policyId))
    .where(and(inArray(slaClocks.caseId, caseIds), eq(slaClocks.metric, "resolution")));
  return new Map(rows.map((r) => [r.caseId, r.calendarId]));
};

export const lockClocksOfCases = async (db: DbOrTx, caseIds: string[]): Promise<StoredClock[]> =>
  caseIds.length === 0
    ? []
    : (
        await db
          .select()
          .from(slaClocks)
          .where(inArray(slaClocks.caseId, caseIds))
          .orderBy(asc(slaClocks.caseId), asc(slaClocks.metric))
          .for("update")
      ).map(toClock);

export const existingTeamIds = async (db: DbOrTx, ids: string[]): Promise<Set<string>> =>
  ids.length === 0
    ? new Set()
    : new Set((await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, ids))).map((r) => r.id));

export const calendarNamed = async (db: DbOrTx, name: string): Promise<CalendarRow | undefined> =>
  (await db.select().from(businessCalendars).where(sql`lower(${businessCalendars.name}) = lower(${name})`))[0];

export const policyNamed = async (db: DbOrTx, name: string): Promise<PolicyRow | undefined> =>
  (await db.select().from(slaPolicies).where(sql`lower(${slaPolicies.name}) = lower(${name})`))[0];

/**
 * Open cases a policy may concern, by id after `afterId`: those with a clock it set, and — when `conditions` is
 * given — those matching them (a superset the planner narrows down).
 */
export const openCaseIdsForPolicy = async (
  db: DbOrTx,
  policyId: string,
  conditions: TSlaConditions | null,
  afterId: string | null,
  limit: number,
): Promise<string[]> => {
  const onPolicy = sql`EXISTS (SELECT 1 FROM ${slaClocks} k WHERE k.case_id = ${cases.id} AND k.policy_id = ${policyId})`;
  const anyOf = (column: SQL, values: readonly string[] | undefined): SQL | undefined =>
    values ? sql`${column}::text = ANY(${arrayLiteral([...values])}::text[])` : undefined;
  const matching = conditions
    ? (and(
        anyOf(sql`${cases.priority}`, conditions.priorities),
        anyOf(sql`${cases.type}`, conditions.types),
        anyOf(sql`${cases.channel}`, conditions.channels),
        anyOf(sql`${cases.organizationId}`, conditions.organizationIds),
        anyOf(sql`${cases.teamId}`, conditions.teamIds),
        conditions.tags
          ? sql`${cases.tags} && ${arrayLiteral(conditions.tags.map((t) => `"${t}"`))}::text[]`
          : undefined,
      ) ?? sql`true`)
    : undefined;
  return (
    await db
      .select({ id: cases.id })
      .from(cases)
      .where(
        and(
          sql`${cases.status} <> 'closed'`,
          afterId ? gt(cases.id, afterId) : undefined,
          matching ? or(onPolicy, matching) : onPolicy,
        ),
      )
      .orderBy(asc(cases.id))
      .limit(limit)
  ).map((r) => r.id);
};

/** Whether clocks of cases that are not closed still follow this policy. */
export const policyInUse = async (db: DbOrTx, policyId: string): Promise<boolean> =>
  (
    await db
      .select({ id: slaClocks.id })
      .from(slaClocks)
      .innerJoin(cases, eq(cases.id, slaClocks.caseId))
      .where(and(eq(slaClocks.policyId, policyId), sql`${cases.status} <> 'closed'`))
      .limit(1)
  ).length > 0;

/** Live clocks whose warning or breach instant falls in (from, to], not yet escalated. */
export const upcomingTimers = async (
  db: DbOrTx,
  from: Date,
  to: Date,
): Promise<{ id: string; kind: "warning" | "breach"; at: Date }[]> => {
  const live = sql`${slaClocks.state} IN ('running', 'paused')`;
  const breaches = await db
    .select({ id: slaClocks.id, at: slaClocks.dueAt })
    .from(slaClocks)
    .where(
      and(
        live,
        isNotNull(slaClocks.dueAt),
        gt(slaClocks.dueAt, from),
        lte(slaClocks.dueAt, to),
        isNull(slaClocks.breachedAt),
      ),
    );
  const warnings = await db
    .select({ id: slaClocks.id, at: slaClocks.warnAt })
    .from(slaClocks)
    .where(
      and(
        live,
        isNull(slaClocks.warnedAt),
        isNotNull(slaClocks.warnAt),
        gt(slaClocks.warnAt, from),
        lte(slaClocks.warnAt, to),
        isNull(slaClocks.breachedAt),
      ),
    );
  return [
    ...breaches.map((r) => ({ id: r.id, kind: "breach" as const, at: r.at as Date })),
    ...warnings.map((r) => ({ id: r.id, kind: "warning" as const, at: r.at as Date })),
  ];
};
