import { and, desc, eq, gt, isNull, lt, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { apiTokens, loginAttempts, passwordResets, sessions } from "../../db/schema/index";

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export const insertSession = async (db: DbOrTx, values: typeof sessions.$inferInsert): Promise<void> => {
  await db.insert(sessions).values(values);
};

export const touchSession = async (db: DbOrTx, tokenHash: string, now: Date): Promise<void> => {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
};

export const deleteSession = async (db: DbOrTx, tokenHash: string): Promise<void> => {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
};

/** Ends the user's sessions, all of them or all but the one whose hash is `except`. */
export const deleteSessionsOf = async (db: DbOrTx, userId: string, except?: string): Promise<void> => {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), except ? ne(sessions.tokenHash, except) : undefined));
};

export const deleteExpiredSessions = async (db: DbOrTx, now: Date): Promise<void> => {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
};

export const recordLoginAttempt = async (db: DbOrTx, email: string, ip: string, succeeded: boolean): Promise<void> => {
  await db.insert(loginAttempts).values({ email, ip, succeeded: succeeded ? 1 : 0 });
};

/** Failed sign-ins for this account from this address since `since`: how many and the latest. */
export const recentFailures = async (db: DbOrTx, email: string, ip: string, since: Date) => {
  const [row] = await db
    .select({
      count: sql<number>`count(*)::int`,
      last: sql<string | null>`max(${loginAttempts.createdAt})`,
    })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.succeeded, 0),
        gt(loginAttempts.createdAt, since),
        eq(loginAttempts.email, email),
        eq(loginAttempts.ip, ip),
      ),
    );
  return { count: row?.count ?? 0, last: row?.last ? new Date(row.last) : null };
};

export const insertToken = async (db: DbOrTx, values: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> => {
  const [row] = await db.insert(apiTokens).values(values).returning();
  if (!row) throw new Error("token insert returned nothing");
  return row;
};

export const touchToken = async (db: DbOrTx, id: string, now: Date): Promise<void> => {
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id));
};

export const tokensOf = async (db: DbOrTx, userId: string): Promise<ApiTokenRow[]> =>
  await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));

export const findToken = async (db: DbOrTx, id: string): Promise<ApiTokenRow | undefined> =>
  (await db.select().from(apiTokens).where(eq(apiTokens.id, id)))[0];

export const revokeToken = async (db: DbOrTx, id: string, now: Date): Promise<ApiTokenRow | undefined> =>
  (await db.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, id)).returning())[0];

/** Revokes every live token of the user; answers the ids revoked. */
export const revokeTokensOf = async (db: DbOrTx, userId: string, now: Date): Promise<string[]> =>
  (
    await db
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id })
  ).map((r) => r.id);

export type CredentialOwner = {
  credentialId: string;
  lastUsedAt: Date;
  scopes: string[] | null;
  csrfToken: string | null;
  userId: string;
  name: string;
  role: "admin" | "supervisor" | "agent" | "employee" | "executive";
  departmentId: string | null;
  teamIds: string[];
};

const ownerColumns = sql`u.id AS "userId", u.name, u.role, u.department_id AS "departmentId",
  ARRAY(SELECT tm.team_id FROM team_members tm WHERE tm.user_id = u.id ORDER BY tm.team_id)::text[] AS "teamIds"`;

/** One round trip per request: the live token or session, its active user and the user's teams. */
export const findTokenOwner = async (db: DbOrTx, tokenHash: string, now: Date): Promise<CredentialOwner | undefined> =>
  (
    await db.execute<CredentialOwner>(sql`
      SELECT t.id AS "credentialId", coalesce(t.last_used_at, 'epoch'::timestamptz) AS "lastUsedAt", t.scopes,
        NULL::text AS "csrfToken", ${ownerColumns}
      FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.active
      WHERE t.token_hash = ${tokenHash} AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${now.toISOString()}::timestamptz)`)
  ).rows[0];

export const findSessionOwner = async (
  db: DbOrTx,
  tokenHash: string,
  now: Date,
): Promise<CredentialOwner | undefined> =>
  (
    await db.execute<CredentialOwner>(sql`
      SELECT s.token_hash AS "credentialId", s.last_seen_at AS "lastUsedAt", NULL::text[] AS scopes,
        s.csrf_token AS "csrfToken", ${ownerColumns}
      FROM sessions s JOIN users u ON u.id = s.user_id AND u.active
      WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now.toISOString()}::timestamptz`)
  ).rows[0];

/** A new link makes the user's earlier unused links useless. */
export const insertPasswordReset = async (db: DbOrTx, values: typeof passwordResets.$inferInsert): Promise<void> => {
  await db
    .update(passwordResets)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResets.userId, values.userId), isNull(passwordResets.usedAt)));
  await db.insert(passwordResets).values(values);
};

/** Marks an unused, unexpired link used and answers whose it was; at most one caller wins. */
export const consumePasswordReset = async (db: DbOrTx, tokenHash: string, now: Date): Promise<string | undefined> => {
  const [row] = await db
    .update(passwordResets)
    .set({ usedAt: now })
    .where(
      and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)),
    )
    .returning({ userId: passwordResets.userId });
  return row?.userId;
};
