import { and, asc, eq, or } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { views } from "../../db/schema/index";

export type ViewRow = typeof views.$inferSelect;

export const listVisible = async (db: DbOrTx, userId: string): Promise<ViewRow[]> =>
  await db
    .select()
    .from(views)
    .where(or(eq(views.createdById, userId), eq(views.shared, true)))
    .orderBy(asc(views.position), asc(views.name));

export const findById = async (db: DbOrTx, id: string): Promise<ViewRow | undefined> =>
  (await db.select().from(views).where(eq(views.id, id)))[0];

export const insert = async (db: DbOrTx, values: typeof views.$inferInsert): Promise<ViewRow> => {
  const [row] = await db.insert(views).values(values).returning();
  if (!row) throw new Error("view insert returned nothing");
  return row;
};

export const update = async (db: DbOrTx, id: string, values: Partial<typeof views.$inferInsert>) =>
  (
    await db
      .update(views)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(views.id, id)))
      .returning()
  )[0];

export const remove = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(views).where(eq(views.id, id));
};
