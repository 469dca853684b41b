import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { portalMagicLinks, portalSessions } from "../../db/schema/index";

export type MagicLinkRow = typeof portalMagicLinks.$inferSelect;

/** A new link makes the contact's earlier unused links useless. */
export const insertMagicLink = async (db: DbOrTx, values: typeof portalMagicLinks.$inferInsert): Promise<void> => {
  await db
    .update(portalMagicLinks)
    .set({ usedAt: sql`now()` })
    .where(and(eq(portalMagicLinks.contactId, values.contactId), isNull(portalMagicLinks.usedAt)));
  await db.insert(portalMagicLinks).values(values);
};

/** Marks an unused, unexpired link used and returns it; null when there is none (a replay finds none). */
export const consumeMagicLink = async (db: DbOrTx, tokenHash: string, now: Date): Promise<MagicLinkRow | null> =>
  (
    await db
      .update(portalMagicLinks)
      .set({ usedAt: now })
      .where(
        and(
          eq(portalMagicLinks.tokenHash, tokenHash),
          isNull(portalMagicLinks.usedAt),
          gt(portalMagicLinks.expiresAt, now),
        ),
      )
      .returning()
  )[0] ?? null;

export const insertSession = async (db: DbOrTx, values: typeof portalSessions.$inferInsert): Promise<void> => {
  await db.insert(portalSessions).values(values);
};

export const findSession = async (db: DbOrTx, tokenHash: string, now: Date) =>
  (
    await db
      .select()
      .from(portalSessions)
      .where(and(eq(portalSessions.tokenHash, tokenHash), gt(portalSessions.expiresAt, now)))
  )[0] ?? null;

export const touchSession = async (db: DbOrTx, tokenHash: string, now: Date): Promise<void> => {
  await db.update(portalSessions).set({ lastSeenAt: now }).where(eq(portalSessions.tokenHash, tokenHash));
};

export const deleteSession = async (db: DbOrTx, tokenHash: string): Promise<void> => {
  await db.delete(portalSessions).where(eq(portalSessions.tokenHash, tokenHash));
};

export const deleteExpired = async (db: DbOrTx, now: Date): Promise<void> => {
  await db.delete(portalSessions).where(lt(portalSessions.expiresAt, now));
  await db.delete(portalMagicLinks).where(lt(portalMagicLinks.expiresAt, new Date(now.getTime() - 86_400_000)));
};
