import { and, asc, desc, eq, gte, inArray, lt, lte, type SQL, sql } from "drizzle-orm";
import type { CsatGroup } from "../../../shared/contracts/surveys";
import type { DbOrTx } from "../../db/connection";
import {
  caseFollowers,
  cases,
  contactEmails,
  contacts,
  csatSurveys,
  departments,
  npsSurveys,
  organizations,
  recoveryCases,
  settings,
  teams,
  users,
} from "../../db/schema/index";

export type CsatRow = typeof csatSurveys.$inferSelect;
export type NpsRow = typeof npsSurveys.$inferSelect;
export type RecoveryCaseRow = typeof recoveryCases.$inferSelect;

const SETTINGS_KEY = "surveys";

export const readSettings = async (db: DbOrTx): Promise<unknown> => {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SETTINGS_KEY));
  return row ? JSON.parse(row.value) : null;
};

export const writeSettings = async (db: DbOrTx, value: unknown): Promise<void> => {
  const text = JSON.stringify(value);
  await db
    .insert(settings)
    .values({ key: SETTINGS_KEY, value: text })
    .onConflictDoUpdate({ target: settings.key, set: { value: text } });
};

export const lockSettings = async (db: DbOrTx): Promise<void> => {
  await db.execute(sql`SELECT pg_advisory_xact_lock(7412101)`);
};

/** The people a solved case's survey is credited to, as they were when it was solved. */
export const caseFacts = async (db: DbOrTx, caseId: string) => {
  const [row] = await db
    .select({
      id: cases.id,
      number: cases.number,
      subject: cases.subject,
      status: cases.status,
      requesterId: cases.requesterId,
      organizationId: cases.organizationId,
      ownerId: cases.ownerId,
      teamId: cases.teamId,
      departmentId: users.departmentId,
    })
    .from(cases)
    .leftJoin(users, eq(users.id, cases.ownerId))
    .where(eq(cases.id, caseId));
  return row;
};

export const findCsatByCase = async (db: DbOrTx, caseId: string): Promise<CsatRow | undefined> =>
  (await db.select().from(csatSurveys).where(eq(csatSurveys.caseId, caseId)))[0];

export const lockCsat = async (db: DbOrTx, id: string): Promise<CsatRow | undefined> =>
  (await db.select().from(csatSurveys).where(eq(csatSurveys.id, id)).for("update"))[0];

export const insertCsat = async (db: DbOrTx, values: typeof csatSurveys.$inferInsert): Promise<CsatRow | undefined> =>
  (await db.insert(csatSurveys).values(values).onConflictDoNothing({ target: csatSurveys.caseId }).returning())[0];

export const updateCsat = async (db: DbOrTx, id: string, values: Partial<typeof csatSurveys.$inferInsert>) => {
  const [row] = await db.update(csatSurveys).set(values).where(eq(csatSurveys.id, id)).returning();
  if (!row) throw new Error("csat survey vanished");
  return row;
};

export const dueCsatIds = async (db: DbOrTx, now: Date, limit: number): Promise<string[]> =>
  (
    await db
      .select({ id: csatSurveys.id })
      .from(csatSurveys)
      .where(and(eq(csatSurveys.status, "scheduled"), lte(csatSurveys.sendAt, now)))
      .orderBy(asc(csatSurveys.sendAt))
      .limit(limit)
  ).map((r) => r.id);

export const primaryEmail = async (db: DbOrTx, contactId: string): Promise<string | null> => {
  const [row] = await db
    .select({ email: contactEmails.email })
    .from(contactEmails)
    .where(eq(contactEmails.contactId, contactId))
    .orderBy(asc(contactEmails.position))
    .limit(1);
  return row?.email ?? null;
};

export const contactName = async (db: DbOrTx, contactId: string): Promise<string> =>
  (await db.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, contactId)))[0]?.name ?? "";

export const caseNumberOf = async (db: DbOrTx, caseId: string) =>
  (await db.select({ id: cases.id, number: cases.number }).from(cases).where(eq(cases.id, caseId)))[0];

export const findNps = async (db: DbOrTx, id: string): Promise<NpsRow | undefined> =>
  (await db.select().from(npsSurveys).where(eq(npsSurveys.id, id)))[0];

export const lockNps = async (db: DbOrTx, id: string): Promise<NpsRow | undefined> =>
  (await db.select().from(npsSurveys).where(eq(npsSurveys.id, id)).for("update"))[0];

export const updateNps = async (db: DbOrTx, id: string, values: Partial<typeof npsSurveys.$inferInsert>) => {
  const [row] = await db.update(npsSurveys).set(values).where(eq(npsSurveys.id, id)).returning();
  if (!row) throw new Error("nps survey vanished");
  return row;
};

export const insertNps = async (db: DbOrTx, values: typeof npsSurveys.$inferInsert): Promise<NpsRow> => {
  const [row] = await db.insert(npsSurveys).values(values).returning();
  if (!row) throw new Error("nps insert returned nothing");
  return row;
};

/**
 * Contacts due a relationship survey: they have an email and a case solved at some point, and no survey
 * sent since `since`. Locked so two processes never survey the same contact twice.
 */
export const contactsDueNps = async (db: DbOrTx, since: Date, limit: number) =>
  await db
    .select({ id: contacts.id, organizationId: contacts.organizationId })
    .from(contacts)
    .where(
      and(
        sql`EXISTS (SELECT 1 FROM ${contactEmails} e WHERE e.contact_id = ${contacts.id})`,
        sql`EXISTS (SELECT 1 FROM ${cases} c WHERE c.requester_id = ${contacts.id} AND c.status IN ('solved', 'closed'))`,
        sql`NOT EXISTS (SELECT 1 FROM ${npsSurveys} n WHERE n.contact_id = ${contacts.id} AND n.sent_at > ${since})`,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(limit)
    .for("update", { skipLocked: true });

export const accountOwnerOf = async (db: DbOrTx, organizationId: string | null): Promise<string | null> => {
  if (!organizationId) return null;
  const [row] = await db
    .select({ id: users.id })
    .from(organizations)
    .innerJoin(users, eq(users.id, organizations.accountOwnerId))
    .where(and(eq(organizations.id, organizationId), eq(users.active, true)));
  return row?.id ?? null;
};

/** The active owner of the contact's most recent case (the fallback owner of a recovery). */
export const latestCaseOwnerOf = async (db: DbOrTx, contactId: string): Promise<string | null> => {
  const [row] = await db
    .select({ id: users.id })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.ownerId))
    .where(and(eq(cases.requesterId, contactId), eq(users.active, true)))
    .orderBy(desc(cases.createdAt))
    .limit(1);
  return row?.id ?? null;
};

export const activeUser = async (db: DbOrTx, id: string | null) => {
  if (!id) return undefined;
  return (
    await db
      .select({ id: users.id, timeZone: users.timeZone })
      .from(users)
      .where(and(eq(users.id, id), eq(users.active, true)))
  )[0];
};

export const firstActiveAdmin = async (db: DbOrTx): Promise<string | null> =>
  (
    await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.active, true)))
      .orderBy(asc(users.createdAt))
      .limit(1)
  )[0]?.id ?? null;

export const latestRecoveryCase = async (db: DbOrTx, contactId: string) =>
  (
    await db
      .select({ caseId: recoveryCases.caseId, status: cases.status, version: cases.version })
      .from(recoveryCases)
      .innerJoin(cases, eq(cases.id, recoveryCases.caseId))
      .where(eq(recoveryCases.contactId, contactId))
      .orderBy(desc(recoveryCases.createdAt))
      .limit(1)
  )[0];

export const insertRecoveryCase = async (db: DbOrTx, values: typeof recoveryCases.$inferInsert) => {
  await db.insert(recoveryCases).values(values);
};

export const isFollower = async (db: DbOrTx, caseId: string, userId: string): Promise<boolean> =>
  (
    await db
      .select({ one: sql`1` })
      .from(caseFollowers)
      .where(and(eq(caseFollowers.caseId, caseId), eq(caseFollowers.userId, userId)))
  ).length > 0;

const period = (column: typeof csatSurveys.sentAt | typeof npsSurveys.sentAt, from?: Date, to?: Date): SQL[] => [
  ...(from ? [gte(column, from)] : []),
  ...(to ? [lt(column, to)] : []),
];

export interface CsatGroupRow {
  id: string | null;
  name: string | null;
  sent: number;
  good: number;
  bad: number;
}

/** CSAT counts of surveys sent in the period, per person, team or department the case belonged to when solved. */
export const csatByGroup = async (
  db: DbOrTx,
  groupBy: CsatGroup,
  from: Date | undefined,
  to: Date | undefined,
): Promise<CsatGroupRow[]> => {
  const key = { person: csatSurveys.ownerId, team: csatSurveys.teamId, department: csatSurveys.departmentId }[groupBy];
  const name = { person: users.name, team: teams.name, department: departments.name }[groupBy];
  const q = db
    .select({
      id: key,
      name: sql<string | null>`min(${name})`,
      sent: sql<number>`count(*)::int`,
      good: sql<number>`count(*) FILTER (WHERE ${csatSurveys.rating} = 'good')::int`,
      bad: sql<number>`count(*) FILTER (WHERE ${csatSurveys.rating} = 'bad')::int`,
    })
    .from(csatSurveys);
  const joined =
    groupBy === "person"
      ? q.leftJoin(users, eq(users.id, csatSurveys.ownerId))
      : groupBy === "team"
        ? q.leftJoin(teams, eq(teams.id, csatSurveys.teamId))
        : q.leftJoin(departments, eq(departments.id, csatSurveys.departmentId));
  return await joined
    .where(and(inArray(csatSurveys.status, ["sent", "answered"]), ...period(csatSurveys.sentAt, from, to)))
    .groupBy(key);
};

export const npsCounts = async (db: DbOrTx, from: Date | undefined, to: Date | undefined) => {
  const [row] = await db
    .select({
      sent: sql<number>`count(*)::int`,
      responses: sql<number>`count(${npsSurveys.score})::int`,
      promoters: sql<number>`count(*) FILTER (WHERE ${npsSurveys.score} >= 9)::int`,
      passives: sql<number>`count(*) FILTER (WHERE ${npsSurveys.score} BETWEEN 7 AND 8)::int`,
      detractors: sql<number>`count(*) FILTER (WHERE ${npsSurveys.score} <= 6)::int`,
    })
    .from(npsSurveys)
    .where(and(...period(npsSurveys.sentAt, from, to)));
  return row ?? { sent: 0, responses: 0, promoters: 0, passives: 0, detractors: 0 };
};
