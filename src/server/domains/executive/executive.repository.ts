import { and, asc, desc, eq, gte, ne, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { DbOrTx } from "../../db/connection";
import {
  cases,
  contacts,
  executiveCases,
  executiveLetterSettings,
  executiveVerificationCalls,
  users,
} from "../../db/schema/index";

export type ExecutiveCaseRow = typeof executiveCases.$inferSelect;
export type VerificationCallRow = typeof executiveVerificationCalls.$inferSelect;

const executiveUser = alias(users, "executive_user");
const ownerUser = alias(users, "owner_user");
const delegateUser = alias(users, "delegate_user");
const loggerUser = alias(users, "logger_user");
const filerUser = alias(users, "filer_user");

/** An executive case with what its presenters need from the case and the people around it. */
export interface ExecutiveCaseView {
  e: ExecutiveCaseRow;
  c: {
    id: string;
    number: number;
    subject: string;
    status: (typeof cases.$inferSelect)["status"];
    priority: (typeof cases.$inferSelect)["priority"];
    type: (typeof cases.$inferSelect)["type"];
    ownerId: string | null;
    requesterId: string;
    closedAt: Date | null;
  };
  requesterName: string;
  executiveName: string;
  ownerName: string | null;
  delegateName: string | null;
  loggerName: string | null;
  filerName: string | null;
}

const viewSelect = (db: DbOrTx) =>
  db
    .select({
      e: executiveCases,
      c: {
        id: cases.id,
        number: cases.number,
        subject: cases.subject,
        status: cases.status,
        priority: cases.priority,
        type: cases.type,
        ownerId: cases.ownerId,
        requesterId: cases.requesterId,
        closedAt: cases.closedAt,
      },
      requesterName: contacts.name,
      executiveName: executiveUser.name,
      ownerName: ownerUser.name,
      delegateName: delegateUser.name,
      loggerName: loggerUser.name,
      filerName: filerUser.name,
    })
    .from(executiveCases)
    .innerJoin(cases, eq(cases.id, executiveCases.caseId))
    .innerJoin(contacts, eq(contacts.id, cases.requesterId))
    .innerJoin(executiveUser, eq(executiveUser.id, executiveCases.executiveId))
    .leftJoin(ownerUser, eq(ownerUser.id, cases.ownerId))
    .leftJoin(delegateUser, eq(delegateUser.id, executiveCases.delegatedToId))
    .leftJoin(loggerUser, eq(loggerUser.id, executiveCases.loggedById))
    .leftJoin(filerUser, eq(filerUser.id, executiveCases.reportFiledById));

export const findView = async (db: DbOrTx, caseId: string): Promise<ExecutiveCaseView | undefined> =>
  (await viewSelect(db).where(eq(executiveCases.caseId, caseId)))[0];

export const listViews = async (
  db: DbOrTx,
  executiveId: string,
  status: "open" | "closed" | "all",
): Promise<ExecutiveCaseView[]> => {
  const where: SQL[] = [eq(executiveCases.executiveId, executiveId)];
  if (status === "open") where.push(ne(cases.status, "closed"));
  if (status === "closed") where.push(eq(cases.status, "closed"));
  return await viewSelect(db)
    .where(and(...where))
    .orderBy(asc(executiveCases.receivedAt), asc(executiveCases.caseId))
    .limit(1000);
};

export const findByCaseId = async (db: DbOrTx, caseId: string): Promise<ExecutiveCaseRow | undefined> =>
  (await db.select().from(executiveCases).where(eq(executiveCases.caseId, caseId)))[0];

/** Locks the executive record; callers lock the case row first, always in that order. */
export const lockByCaseId = async (db: DbOrTx, caseId: string): Promise<ExecutiveCaseRow | undefined> =>
  (await db.select().from(executiveCases).where(eq(executiveCases.caseId, caseId)).for("update"))[0];

export const insert = async (db: DbOrTx, values: typeof executiveCases.$inferInsert): Promise<ExecutiveCaseRow> => {
  const [row] = await db.insert(executiveCases).values(values).returning();
  if (!row) throw new Error("executive case insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  caseId: string,
  values: Partial<typeof executiveCases.$inferInsert>,
): Promise<ExecutiveCaseRow> => {
  const [row] = await db
    .update(executiveCases)
    .set({ ...values, updatedAt: new Date(), version: sql`${executiveCases.version} + 1` })
    .where(eq(executiveCases.caseId, caseId))
    .returning();
  if (!row) throw new Error("executive case update returned nothing");
  return row;
};

export const callsOf = async (db: DbOrTx, caseId: string) =>
  await db
    .select({ call: executiveVerificationCalls, calledByName: users.name })
    .from(executiveVerificationCalls)
    .leftJoin(users, eq(users.id, executiveVerificationCalls.calledById))
    .where(eq(executiveVerificationCalls.caseId, caseId))
    .orderBy(asc(executiveVerificationCalls.calledAt), asc(executiveVerificationCalls.id));

export const insertCall = async (
  db: DbOrTx,
  values: typeof executiveVerificationCalls.$inferInsert,
): Promise<VerificationCallRow> => {
  const [row] = await db.insert(executiveVerificationCalls).values(values).returning();
  if (!row) throw new Error("verification call insert returned nothing");
  return row;
};

export const countCalls = async (db: DbOrTx, caseId: string, round: number): Promise<number> => {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(executiveVerificationCalls)
    .where(and(eq(executiveVerificationCalls.caseId, caseId), eq(executiveVerificationCalls.round, round)));
  return row?.n ?? 0;
};

export interface PersonRow {
  id: string;
  name: string;
  email: string;
  role: (typeof users.$inferSelect)["role"];
  active: boolean;
  timeZone: string;
}

export const findPerson = async (db: DbOrTx, id: string): Promise<PersonRow | undefined> =>
  (
    await db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        active: users.active,
        timeZone: users.timeZone,
      })
      .from(users)
      .where(eq(users.id, id))
  )[0];

/** Calls the executive made since `since`, by outcome. */
export const outcomeCounts = async (db: DbOrTx, executiveId: string, since: Date) =>
  await db
    .select({ outcome: executiveVerificationCalls.outcome, n: sql<number>`count(*)::int` })
    .from(executiveVerificationCalls)
    .innerJoin(executiveCases, eq(executiveCases.caseId, executiveVerificationCalls.caseId))
    .where(and(eq(executiveCases.executiveId, executiveId), gte(executiveVerificationCalls.calledAt, since)))
    .groupBy(executiveVerificationCalls.outcome);

/** Hours from the complaint's arrival to the verified satisfaction, for cases verified since `since`. */
export const verifiedSatisfactionHours = async (db: DbOrTx, executiveId: string, since: Date): Promise<number[]> =>
  (
    await db
      .select({
        hours: sql<number>`extract(epoch from (${executiveCases.verificationCompletedAt} - ${executiveCases.receivedAt})) / 3600.0`,
      })
      .from(executiveCases)
      .where(
        and(
          eq(executiveCases.executiveId, executiveId),
          eq(executiveCases.verificationStatus, "satisfied"),
          gte(executiveCases.verificationCompletedAt, since),
        ),
      )
      .orderBy(desc(executiveCases.verificationCompletedAt))
  ).map((r) => Number(r.hours));

/**
 * Serializes letters of one customer to one executive until the transaction ends, so two arriving at once (SMTP
 * and IMAP, two processes) find each other's case instead of opening two.
 */
export const lockLetters = async (db: DbOrTx, executiveId: string, requesterId: string): Promise<void> => {
  await db.execute(
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`executive-letter:${executiveId}:${requesterId}`}, 0))`,
  );
};

/** The customer's latest executive case with this executive that is not closed, or undefined. */
export const findOpenCaseOf = async (
  db: DbOrTx,
  executiveId: string,
  requesterId: string,
): Promise<string | undefined> =>
  (
    await db
      .select({ caseId: executiveCases.caseId })
      .from(executiveCases)
      .innerJoin(cases, eq(cases.id, executiveCases.caseId))
      .where(
        and(
          eq(executiveCases.executiveId, executiveId),
          eq(cases.requesterId, requesterId),
          ne(cases.status, "closed"),
        ),
      )
      .orderBy(desc(executiveCases.receivedAt), desc(executiveCases.caseId))
      .limit(1)
  )[0]?.caseId;

/** The executive's cases that are not closed, oldest first (a hand-over locks them in this order). */
export const openCaseIdsOf = async (db: DbOrTx, executiveId: string): Promise<string[]> =>
  (
    await db
      .select({ caseId: executiveCases.caseId })
      .from(executiveCases)
      .innerJoin(cases, eq(cases.id, executiveCases.caseId))
      .where(and(eq(executiveCases.executiveId, executiveId), ne(cases.status, "closed")))
      .orderBy(asc(executiveCases.caseId))
  ).map((r) => r.caseId);

export type LetterSettingsRow = typeof executiveLetterSettings.$inferSelect;

export const findLetterSettings = async (db: DbOrTx): Promise<LetterSettingsRow | undefined> =>
  (await db.select().from(executiveLetterSettings).where(eq(executiveLetterSettings.singleton, true)))[0];

/** The settings row locked for a change (created with the defaults when there is none). */
export const lockLetterSettings = async (db: DbOrTx): Promise<LetterSettingsRow> => {
  await db.insert(executiveLetterSettings).values({ singleton: true }).onConflictDoNothing();
  const [row] = await db
    .select()
    .from(executiveLetterSettings)
    .where(eq(executiveLetterSettings.singleton, true))
    .for("update");
  if (!row) throw new Error("executive letter settings missing");
  return row;
};

export const updateLetterSettings = async (
  db: DbOrTx,
  values: Partial<Pick<LetterSettingsRow, "enabled" | "executiveId" | "message" | "updatedById">>,
): Promise<LetterSettingsRow> => {
  const [row] = await db
    .update(executiveLetterSettings)
    .set({ ...values, updatedAt: new Date(), version: sql`${executiveLetterSettings.version} + 1` })
    .where(eq(executiveLetterSettings.singleton, true))
    .returning();
  if (!row) throw new Error("executive letter settings update returned nothing");
  return row;
};
