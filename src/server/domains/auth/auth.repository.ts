import { and, desc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { apiTokens, loginAttempts, sessions } from "../../db/schema/index";

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export const insertSession = async (db: DbOrTx, values: typeof sessions.$inferInsert): Promise<void> => {
  await db.insert(sessions).values(values);
};

export const findLiveSession = async (db: DbOrTx, tokenHash: string, now: Date) =>
  (
    await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
  )[0];

export const touchSession = async (db: DbOrTx, tokenHash: string, now: Date): Promise<void> => {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
};

export const deleteSession = async (db: DbOrTx, tokenHash: string): Promise<void> => {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
};

export const deleteSessionsOf = async (db: DbOrTx, userId: string): Promise<void> => {
  await db.delete(sessions).where(eq(sessions.userId, userId));
};

export const deleteExpiredSessions = async (db: DbOrTx, now: Date): Promise<void> => {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
};

export const recordLoginAttempt = async (db: DbOrTx, email: string, ip: string, succeeded: boolean): Promise<void> => {
  await db.insert(loginAttempts).values({ email, ip, succeeded: succeeded ? 1 : 0 });
};

export const recentFailures = async (db: DbOrTx, email: string, ip: string, since: Date) => {
  const [row] = await db
    .select({
      byEmail: sql<number>`count(*) FILTER (WHERE ${loginAttempts.email} = ${email})::int`,
      byIp: sql<number>`count(*) FILTER (WHERE ${loginAttempts.ip} = ${ip})::int`,
    })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.succeeded, 0),
        gt(loginAttempts.createdAt, since),
        or(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip)),
      ),
    );
  return { byEmail: row?.byEmail ?? 0, byIp: row?.byIp ?? 0 };
};

export const insertToken = async (db: DbOrTx, values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> => {
  const [row] = await db.insert(apiTokens).values(values).returning();
  if (!row) throw new Error("token insert returned nothing");
  return row;
};

export const findLiveToken = async (db: DbOrTx, tokenHash: string, now: Date) =>
  (
    await db
      .select()
      .from(apiTokens)
      .where(
        and(
          eq(apiTokens.tokenHash, tokenHash),
          isNull(apiTokens.revokedAt),
          or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        ),
      )
  )[0];

export const touchToken = async (db: DbOrTx, id: string, now: Date): Promise<void> => {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
};

export const tokensOf = async (db: DbOrTx, userId: string): Promise<ApiTokenRow[]> =>
  await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));

export const findToken = async (db: DbOrTx, id: string): Promise<ApiTokenRow | undefined> =>
  (await db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0];

export const revokeToken = async (db: DbOrTx, id: string, now: Date): Promise<ApiTokenRow | undefined> =>
  (await db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).returning())[0];
