import { and, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { notifications } from "../../db/schema/index";

export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationInsert = typeof notifications.$inferInsert;

/** Inserts notices, skipping any whose dedupe key already exists; returns the ones inserted. */
export const insertMany = async (db: DbOrTx, values: NotificationInsert[]): Promise<NotificationRow[]> =>
  values.length === 0
    ? []
    : await db
        .insert(notifications)
        .values(values)
        .onConflictDoNothing({ target: notifications.dedupeKey })
        .returning();

export const listForUser = async (
  db: DbOrTx,
  userId: string,
  unreadOnly: boolean,
  limit: number,
): Promise<NotificationRow[]> =>
  await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);

export const findById = async (db: DbOrTx, id: string): Promise<NotificationRow | undefined> =>
  (await db.select().from(notifications).where(eq(notifications.id, id)))[0];

export const markRead = async (db: DbOrTx, id: string, at: Date): Promise<NotificationRow | undefined> =>
  (
    await db
      .update(notifications)
      .set({ readAt: at })
      .where(and(eq(notifications.id, id), isNull(notifications.readAt)))
      .returning()
  )[0];
