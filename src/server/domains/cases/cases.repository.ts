import { and, asc, desc, eq, getTableColumns, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { CaseSort } from "../../../shared/contracts/cases";
import type { CasePriority, CaseStatus, CaseType } from "../../../shared/domain";
import { type DbOrTx, PLAN_PER_CALL } from "../../db/connection";
import {
  caseFollowers,
  caseLinks,
  cases,
  contactEmails,
  contacts,
  events,
  messages as messagesTable,
  organizations,
  teams,
  users,
} from "../../db/schema/index";
import type { CaseScope } from "./cases.policy";

/** A case's columns without its search vector (only search reads that, inside the database). */
const { subjectTsv: _subjectTsv, ...caseFields } = getTableColumns(cases);
export type CaseRow = Omit<typeof cases.$inferSelect, "subjectTsv">;
export type CaseInsert = typeof cases.$inferInsert;

const ownerUser = alias(users, "owner_user");

const caseColumns = {
  c: caseFields,
  requesterName: contacts.name,
  requesterEmail: sql<
    string | null
  >`(SELECT ce.email FROM ${contactEmails} ce WHERE ce.contact_id = ${cases.requesterId} ORDER BY ce.position LIMIT 1)`,
  organizationName: organizations.name,
  teamName: teams.name,
  ownerName: ownerUser.name,
  ownerDepartmentId: ownerUser.departmentId,
};

export interface CaseView {
  c: CaseRow;
  requesterName: string;
  requesterEmail: string | null;
  organizationName: string | null;
  teamName: string | null;
  ownerName: string | null;
  ownerDepartmentId: string | null;
  isFollower: boolean;
}

const isFollowerExpr = (userId: string | null) =>
  userId
    ? sql<boolean>`EXISTS (SELECT 1 FROM ${caseFollowers} cf WHERE cf.case_id = ${cases.id} AND cf.user_id = ${userId})`
    : sql<boolean>`false`;

const baseSelect = (db: DbOrTx, viewerId: string | null) =>
  db
    .select({ ...caseColumns, isFollower: isFollowerExpr(viewerId) })
    .from(cases)
    .innerJoin(contacts, eq(contacts.id, cases.requesterId))
    .leftJoin(organizations, eq(organizations.id, cases.organizationId))
    .leftJoin(teams, eq(teams.id, cases.teamId))
    .leftJoin(ownerUser, eq(ownerUser.id, cases.ownerId));

export const findView = async (db: DbOrTx, id: string, viewerId: string | null): Promise<CaseView | undefined> => {
  const [row] = await baseSelect(db, viewerId).where(eq(cases.id, id));
  return row;
};

export const findViewsByIds = async (db: DbOrTx, ids: string[], viewerId: string | null): Promise<CaseView[]> =>
  ids.length === 0 ? [] : await baseSelect(db, viewerId).where(inArray(cases.id, ids));

/** The case as `viewerId` sees it, its row locked for the rest of the transaction: a lock and a policy check in one read. */
export const lockView = async (db: DbOrTx, id: string, viewerId: string | null): Promise<CaseView | undefined> => {
  const [row] = await baseSelect(db, viewerId).where(eq(cases.id, id)).for("update", { of: cases });
  return row;
};

/** Locks the case row for the rest of the transaction (writers on one case queue up). */
export const lockById = async (db: DbOrTx, id: string): Promise<CaseRow | undefined> => {
  const [row] = await db.select(caseFields).from(cases).where(eq(cases.id, id)).for("update");
  return row;
};

/** A new case's values; the organization may be the requester's, read by the INSERT itself (requesterOrganization). */
export type NewCaseValues = Omit<CaseInsert, "organizationId"> & { organizationId: string | null | SQL };

/** The requester's organization, as an INSERT value: the statement reads it. */
export const requesterOrganization = (contactId: string): SQL =>
  sql`(SELECT ${contacts.organizationId} FROM ${contacts} WHERE ${contacts.id} = ${contactId})`;

export const insertMany = async (db: DbOrTx, values: NewCaseValues[]): Promise<CaseRow[]> =>
  values.length === 0 ? [] : await db.insert(cases).values(values).returning(caseFields);

/** Writes only if the version is still `expectedVersion`; returns undefined when someone else won. */
export const updateVersioned = async (
  db: DbOrTx,
  id: string,
  expectedVersion: number,
  values: Partial<CaseInsert>,
): Promise<CaseRow | undefined> => {
  const [row] = await db
    .update(cases)
    .set({ ...values, version: expectedVersion + 1, updatedAt: new Date() })
    .where(and(eq(cases.id, id), eq(cases.version, expectedVersion)))
    .returning(caseFields);
  return row;
};

export const touch = async (db: DbOrTx, id: string, values: Partial<CaseInsert> = {}): Promise<void> => {
  await db
    .update(cases)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(cases.id, id));
};

export interface CaseFilter {
  status?: CaseStatus[] | undefined;
  priority?: CasePriority[] | undefined;
  type?: CaseType[] | undefined;
  ownerId?: string | undefined;
  notOwnerId?: string | undefined;
  teamIds?: readonly string[] | undefined;
  organizationId?: string | undefined;
  requesterId?: string | undefined;
  tag?: string | undefined;
  dueBefore?: Date | undefined;
}

/** Uncorrelated IN-subqueries, so the planner hashes the (small) sets once instead of probing per row. */
const scopeCondition = (scope: CaseScope): SQL | undefined => {
  if (scope.all) return undefined;
  const parts: SQL[] = [
    sql`${cases.ownerId} = ${scope.userId}`,
    sql`${cases.id} IN (SELECT cf.case_id FROM ${caseFollowers} cf WHERE cf.user_id = ${scope.userId})`,
  ];
  if (scope.teamIds.length > 0) parts.push(inArray(cases.teamId, [...scope.teamIds]));
  if (scope.departmentId) {
    parts.push(sql`${cases.ownerId} IN (SELECT du.id FROM ${users} du WHERE du.department_id = ${scope.departmentId})`);
  }
  return or(...parts);
};

const filterConditions = (f: CaseFilter, scope: CaseScope): SQL[] => {
  const where: SQL[] = [];
  const scoped = scopeCondition(scope);
  if (scoped) where.push(scoped);
  if (f.status?.length) where.push(inArray(cases.status, f.status));
  if (f.priority?.length) where.push(inArray(cases.priority, f.priority));
  if (f.type?.length) where.push(inArray(cases.type, f.type));
  if (f.ownerId) where.push(eq(cases.ownerId, f.ownerId));
  if (f.notOwnerId) where.push(sql`${cases.ownerId} IS DISTINCT FROM ${f.notOwnerId}`);
  if (f.teamIds) where.push(f.teamIds.length > 0 ? inArray(cases.teamId, [...f.teamIds]) : sql`false`);
  if (f.organizationId) where.push(eq(cases.organizationId, f.organizationId));
  if (f.requesterId) where.push(eq(cases.requesterId, f.requesterId));
  if (f.tag) where.push(sql`${cases.tags} @> ARRAY[${f.tag.toLowerCase()}]::text[]`);
  if (f.dueBefore) where.push(sql`${cases.nextStepDueAt} < ${f.dueBefore.toISOString()}::timestamptz`);
  return where;
};

const SORT_EXPR: Record<string, SQL> = {
  next_step_due_at: sql`coalesce(${cases.nextStepDueAt}, 'infinity'::timestamptz)`,
  created_at: sql`${cases.createdAt}`,
  updated_at: sql`${cases.updatedAt}`,
  number: sql`${cases.number}`,
  priority: sql`${cases.priorityRank}`,
};

const SORT_CAST: Record<string, string> = {
  next_step_due_at: "timestamptz",
  created_at: "timestamptz",
  updated_at: "timestamptz",
  number: "bigint",
  priority: "int",
};

export const sortValueOf = (sort: CaseSort, c: CaseRow): string | number => {
  switch (sort.replace(/^-/, "")) {
    case "next_step_due_at":
      return c.nextStepDueAt ? c.nextStepDueAt.toISOString() : "infinity";
    case "created_at":
      return c.createdAt.toISOString();
    case "updated_at":
      return c.updatedAt.toISOString();
    case "number":
      return c.number;
    default:
      return c.priorityRank;
  }
};

export const list = async (
  db: DbOrTx,
  viewerId: string | null,
  scope: CaseScope,
  f: CaseFilter,
  sort: CaseSort,
  after: { v: string | number | null; id: string } | null,
  limit: number,
): Promise<CaseView[]> => {
  const desc = sort.startsWith("-");
  const key = sort.replace(/^-/, "");
  const expr = SORT_EXPR[key] as SQL;
  const where = filterConditions(f, scope);
  if (after) {
    const value = sql`${after.v}::${sql.raw(SORT_CAST[key] as string)}`;
    where.push(
      desc
        ? sql`(${expr}, ${cases.id}) < (${value}, ${after.id}::uuid)`
        : sql`(${expr}, ${cases.id}) > (${value}, ${after.id}::uuid)`,
    );
  }
  return await baseSelect(db, viewerId)
    .where(and(...where))
    .orderBy(desc ? sql`${expr} DESC, ${cases.id} DESC` : sql`${expr} ASC, ${cases.id} ASC`)
    .limit(limit);
};

/** Counts up to `cap` + 1 rows, so a view's badge costs the same on a million cases ("10,000+"). */
export const count = async (db: DbOrTx, scope: CaseScope, f: CaseFilter, cap: number): Promise<number> => {
  const limited = db
    .select({ one: sql`1` })
    .from(cases)
    .where(and(...filterConditions(f, scope)))
    .limit(cap + 1)
    .as("limited");
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(limited);
  return row?.n ?? 0;
};

export const followerIds = async (db: DbOrTx, caseId: string): Promise<string[]> =>
  (
    await db
      .select({ userId: caseFollowers.userId })
      .from(caseFollowers)
      .where(eq(caseFollowers.caseId, caseId))
      .orderBy(asc(caseFollowers.createdAt))
  ).map((r) => r.userId);

export const addFollowers = async (db: DbOrTx, caseId: string, userIds: string[]): Promise<string[]> =>
  (
    await addFollowersOfCases(
      db,
      userIds.map((userId) => ({ caseId, userId })),
    )
  ).map((r) => r.userId);

/** Followers of many cases in one statement; answers those that were not following already. */
export const addFollowersOfCases = async (
  db: DbOrTx,
  pairs: { caseId: string; userId: string }[],
): Promise<{ caseId: string; userId: string }[]> =>
  pairs.length === 0
    ? []
    : await db
        .insert(caseFollowers)
        .values(pairs)
        .onConflictDoNothing()
        .returning({ caseId: caseFollowers.caseId, userId: caseFollowers.userId });

export const removeFollower = async (db: DbOrTx, caseId: string, userId: string): Promise<boolean> =>
  (
    await db
      .delete(caseFollowers)
      .where(and(eq(caseFollowers.caseId, caseId), eq(caseFollowers.userId, userId)))
      .returning()
  ).length > 0;

export interface CaseExtras {
  followerIds: string[];
  mergedCaseIds: string[];
  links: LinkRow[];
}

/** Followers (oldest first), cases merged into this one and links either way (oldest first): one statement. */
export const extrasOf = async (db: DbOrTx, caseId: string): Promise<CaseExtras> => {
  const { rows } = await db.execute<{
    follower_ids: string[];
    merged_ids: string[];
    links: {
      id: string;
      case_id: string;
      other_case_id: string;
      kind: LinkRow["kind"];
      created_by_id: string | null;
      created_at: string;
    }[];
  }>(sql`
    SELECT
      ARRAY(SELECT cf.user_id FROM ${caseFollowers} cf WHERE cf.case_id = ${caseId} ORDER BY cf.created_at) AS follower_ids,
      ARRAY(SELECT mc.id FROM ${cases} mc WHERE mc.merged_into_id = ${caseId}) AS merged_ids,
      coalesce((SELECT json_agg(l ORDER BY l.created_at) FROM ${caseLinks} l
                WHERE l.case_id = ${caseId} OR l.other_case_id = ${caseId}), '[]'::json) AS links`);
  const row = rows[0];
  return {
    followerIds: row?.follower_ids ?? [],
    mergedCaseIds: row?.merged_ids ?? [],
    links: (row?.links ?? []).map((l) => ({
      id: l.id,
      caseId: l.case_id,
      otherCaseId: l.other_case_id,
      kind: l.kind,
      createdById: l.created_by_id,
      createdAt: new Date(l.created_at),
    })),
  };
};

export type LinkRow = typeof caseLinks.$inferSelect;

export const findLink = async (db: DbOrTx, id: string) =>
  (await db.select().from(caseLinks).where(eq(caseLinks.id, id)))[0];

export const insertLink = async (db: DbOrTx, values: typeof caseLinks.$inferInsert) => {
  const [row] = await db.insert(caseLinks).values(values).returning();
  if (!row) throw new Error("link insert returned nothing");
  return row;
};

export const deleteLink = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(caseLinks).where(eq(caseLinks.id, id));
};

export const lockOpenCasesOwnedBy = async (db: DbOrTx, userId: string): Promise<CaseRow[]> =>
  await db
    .select(caseFields)
    .from(cases)
    .where(and(eq(cases.ownerId, userId), sql`${cases.status} <> 'closed'`))
    .orderBy(asc(cases.id))
    .for("update");

/** Where the previous batch of solved cases due for closing ended. */
export interface ClosingCursor {
  dueAt: Date;
  id: string;
}

export const solvedDueForClosing = async (
  db: DbOrTx,
  now: Date,
  limit: number,
  after: ClosingCursor | null,
): Promise<CaseRow[]> =>
  await db
    .select(caseFields)
    .from(cases)
    .where(
      and(
        eq(cases.status, "solved"),
        lte(cases.nextStepDueAt, now),
        isNull(cases.mergedIntoId),
        after
          ? sql`(${cases.nextStepDueAt}, ${cases.id}) > (${after.dueAt.toISOString()}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(cases.nextStepDueAt), asc(cases.id))
    .limit(limit)
    .for("update", { skipLocked: true });

export interface SearchRow {
  caseId: string;
  number: number;
  subject: string;
  status: CaseStatus;
  rank: number;
  snippet: string;
}

export const HIGHLIGHT_START = "\uE000";
export const HIGHLIGHT_END = "\uE001";

/**
 * How many matching subjects and messages are ranked at most: the most recently active ones. Ranking
 * every hit of a common word does not scale (millions of rows), and an unordered LIMIT would rank a
 * different sample on each run. How the newest hits are found depends on how many there are, and the
 * planner's estimate is only reliable for words in its statistics (see `walksRecency`).
 */
const SEARCH_CANDIDATES = 2000;

/**
 * How many of the newest hits a walk ranks. The walk's cost grows with it (at full scale a phrase in 1 % of the
 * messages reads ~240,000 rows for 2,000 hits), and a query with that many hits has more relevant recent
 * matches than anyone reads, so it ranks fewer of them than the GIN path (whose cost is its hits, whatever it keeps).
 */
const WALK_CANDIDATES = 500;

/**
 * Whether a query walks the recency indexes newest first, stopping at WALK_CANDIDATES, rather than collecting
 * every candidate from the GIN index and sorting them; whichever reads fewer rows. The walk reads about
 * WALK_CANDIDATES × messages ÷ hits rows. The GIN path reads what the index yields: for words, their hits; for
 * a phrase, every message holding all of its words, which it then rechecks for the words side by side (the
 * index keeps no positions). PostgreSQL estimates that count well for words in its statistics (the frequent
 * ones) and guesses low for the others, so a guess never sends a rare word on a walk through the whole
 * recency index. For a phrase its estimate is the GIN path's rows, not the phrase's hits (at full scale
 * "conveyor roller": 787,533 estimated, 766,571 messages with both words, 47,640 with the phrase), so the
 * phrase's hits are counted in a sample of the messages (`sampledShare`).
 * For words this is the rule hits² ≥ WALK_CANDIDATES × messages (at 5 M messages: from 50,000 hits).
 */
export const walksRecency = (estimate: { hits: number; ginRows: number; messages: number }): boolean =>
  estimate.hits > 0 && WALK_CANDIDATES * estimate.messages <= estimate.hits * estimate.ginRows;

/** The planner's estimates of the messages a search matches and of all messages (planning only, nothing is read). */
const estimatedHits = async (db: DbOrTx, text: string): Promise<{ hits: number; messages: number }> => {
  const { rows } = await db.execute<{ "QUERY PLAN": { Plan: { Plans?: { "Plan Rows": number }[] } }[] }>(
    sql`${sql.raw(PLAN_PER_CALL)} EXPLAIN (FORMAT JSON)
        SELECT 1 FROM ${messagesTable} m WHERE m.body_tsv @@ websearch_to_tsquery('english', ${text})
        UNION ALL SELECT 1 FROM ${messagesTable}`,
  );
  const [hits, all] = rows[0]?.["QUERY PLAN"][0]?.Plan.Plans ?? [];
  return { hits: hits?.["Plan Rows"] ?? 0, messages: all?.["Plan Rows"] ?? 0 };
};

/** About how many messages a phrase's hits are counted in. */
const PHRASE_SAMPLE = 5000;

/**
 * The share of messages a query matches, counted in a sample of pages (the same sample on every call, so a
 * query is planned the same way each time). Not the newest messages: a burst of new mail without the phrase
 * (a bulk import, a benchmark's notes) would make a common phrase look rare.
 */
const sampledShare = async (db: DbOrTx, text: string, messages: number): Promise<number> => {
  const percent = Math.min(100, (100 * PHRASE_SAMPLE) / Math.max(1, messages));
  const { rows } = await db.execute<{ matched: number; sampled: number }>(
    sql`${sql.raw(PLAN_PER_CALL)}
        SELECT count(*) FILTER (WHERE m.body_tsv @@ websearch_to_tsquery('english', ${text}))::int AS matched,
               count(*)::int AS sampled
        FROM ${messagesTable} m TABLESAMPLE SYSTEM (${percent}) REPEATABLE (1) WHERE m.kind <> 'event'`,
  );
  const { matched = 0, sampled = 0 } = rows[0] ?? {};
  return sampled === 0 ? 0 : matched / sampled;
};

/** What decides the search plan: the GIN path's rows, and the hits (sampled for a phrase, see `walksRecency`). */
const searchEstimate = async (db: DbOrTx, text: string) => {
  const { hits, messages } = await estimatedHits(db, text);
  if (!text.includes('"')) return { hits, ginRows: hits, messages };
  return { hits: (await sampledShare(db, text, messages)) * messages, ginRows: hits, messages };
};

/** Full-text search over subjects and message text, ranked, within the caller's scope. */
export const search = async (db: DbOrTx, scope: CaseScope, text: string, limit: number): Promise<SearchRow[]> => {
  const scoped = scopeCondition(scope) ?? sql`true`;
  const common = walksRecency(await searchEstimate(db, text));
  const candidates = common ? WALK_CANDIDATES : SEARCH_CANDIDATES;
  /** For few hits, an order no index provides (+ 0 seconds), so PostgreSQL takes the hits from the GIN index. */
  const newest = (column: SQL) => (common ? sql`${column} DESC` : sql`(${column} + interval '0 seconds') DESC`);
  /** Written out where rows are matched (not taken from the CTE), so the planner sees the words and their frequency. */
  const tsquery = sql`websearch_to_tsquery('english', ${text})`;
  const headline = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;
  const result = await db.execute<{
    case_id: string;
    number: number;
    subject: string;
    status: CaseStatus;
    rank: number;
    snippet: string;
  }>(sql`${sql.raw(PLAN_PER_CALL)}
    WITH q AS (SELECT ${tsquery} AS query),
    subject_hits AS (
      SELECT ${cases.id} AS case_id, ${cases.subjectTsv} AS tsv FROM ${cases}
      WHERE ${cases.subjectTsv} @@ ${tsquery} AND ${scoped}
      ORDER BY ${newest(sql`${cases.updatedAt}`)}, ${cases.id} DESC LIMIT ${candidates}
    ),
    message_hits AS (
      SELECT m.case_id, m.id AS message_id, m.body_tsv AS tsv
      FROM ${messagesTable} m JOIN ${cases} ON ${cases.id} = m.case_id
      WHERE m.body_tsv @@ ${tsquery} AND m.kind <> 'event' AND ${scoped}
      ORDER BY ${newest(sql`m.created_at`)}, m.id DESC LIMIT ${candidates}
    ),
    hits AS (
      SELECT case_id, ts_rank_cd(tsv, q.query) * 2 AS rank, NULL::uuid AS message_id FROM subject_hits, q
      UNION ALL
      SELECT case_id, ts_rank_cd(tsv, q.query), message_id FROM message_hits, q
    ),
    best AS (
      SELECT case_id, max(rank) AS rank, (array_agg(message_id ORDER BY rank DESC) FILTER (WHERE message_id IS NOT NULL))[1] AS message_id
      FROM hits GROUP BY case_id ORDER BY max(rank) DESC, case_id LIMIT ${limit}
    )
    SELECT b.case_id, c.number, c.subject, c.status, b.rank::float8 AS rank,
      CASE WHEN b.message_id IS NULL THEN ts_headline('english', c.subject, q.query, ${headline})
           ELSE ts_headline('english', left(m.body_text, 20000), q.query, ${headline}) END AS snippet
    FROM best b JOIN ${cases} c ON c.id = b.case_id
    LEFT JOIN ${messagesTable} m ON m.id = b.message_id, q
    ORDER BY b.rank DESC, c.number DESC`);
  return result.rows.map((r) => ({
    caseId: r.case_id,
    number: Number(r.number),
    subject: r.subject,
    status: r.status,
    rank: Number(r.rank),
    snippet: r.snippet,
  }));
};

export const findIdByNumber = async (db: DbOrTx, number: number): Promise<string | undefined> =>
  (await db.select({ id: cases.id }).from(cases).where(eq(cases.number, number)))[0]?.id;

export const findByIds = async (db: DbOrTx, ids: readonly string[]): Promise<CaseRow[]> =>
  ids.length === 0
    ? []
    : await db
        .select(caseFields)
        .from(cases)
        .where(inArray(cases.id, [...ids]));

export interface CustomerCaseRow {
  c: CaseRow;
  requesterName: string;
}

/** Unmerged cases of one requester or one organization, latest activity first (the customer portal). */
export const listForCustomer = async (
  db: DbOrTx,
  f: { id: string } | { requesterId: string } | { organizationId: string },
  after: { updatedAt: Date; id: string } | null,
  limit: number,
): Promise<CustomerCaseRow[]> =>
  await db
    .select({ c: cases, requesterName: contacts.name })
    .from(cases)
    .innerJoin(contacts, eq(contacts.id, cases.requesterId))
    .where(
      and(
        isNull(cases.mergedIntoId),
        "id" in f
          ? eq(cases.id, f.id)
          : "requesterId" in f
            ? eq(cases.requesterId, f.requesterId)
            : eq(cases.organizationId, f.organizationId),
        after
          ? sql`(${cases.updatedAt}, ${cases.id}) < (${after.updatedAt.toISOString()}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(sql`${cases.updatedAt} DESC, ${cases.id} DESC`)
    .limit(limit);

/** The newest `limit` recorded changes of a case (status, owner and field changes), oldest first, with who made each. */
export const changeEventsOf = async (db: DbOrTx, caseId: string, limit: number) =>
  (
    await db
      .select({
        id: events.id,
        type: events.type,
        actorId: events.actorId,
        actorName: users.name,
        payload: events.payload,
        createdAt: events.createdAt,
      })
      .from(events)
      .leftJoin(users, eq(users.id, events.actorId))
      .where(
        and(
          eq(events.caseId, caseId),
          eq(events.aggregateType, "case"),
          inArray(events.type, ["case.status_changed", "case.owner_changed", "case.updated"]),
        ),
      )
      .orderBy(desc(events.id))
      .limit(limit)
  ).reverse();

/** Display names for the ids a case's history mentions. */
export const namesFor = async (
  db: DbOrTx,
  ids: { users: string[]; teams: string[]; contacts: string[]; organizations: string[] },
): Promise<Map<string, string>> => {
  const [u, t, c, o] = await Promise.all([
    ids.users.length
      ? db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids.users))
      : [],
    ids.teams.length
      ? db.select({ id: teams.id, name: teams.name }).from(teams).where(inArray(teams.id, ids.teams))
      : [],
    ids.contacts.length
      ? db.select({ id: contacts.id, name: contacts.name }).from(contacts).where(inArray(contacts.id, ids.contacts))
      : [],
    ids.organizations.length
      ? db
          .select({ id: organizations.id, name: organizations.name })
          .from(organizations)
          .where(inArray(organizations.id, ids.organizations))
      : [],
  ]);
  return new Map([...u, ...t, ...c, ...o].map((r) => [r.id, r.name]));
};
