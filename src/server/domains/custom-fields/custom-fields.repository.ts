import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { customFields } from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type CustomFieldRow = typeof customFields.$inferSelect;

export const list = async (db: DbOrTx): Promise<CustomFieldRow[]> =>
  await db.select().from(customFields).orderBy(asc(customFields.position), asc(customFields.key));

export const findById = async (db: DbOrTx, id: string): Promise<CustomFieldRow | undefined> =>
  (await db.select().from(customFields).where(eq(customFields.id, id)))[0];

/** The field, its row locked until the transaction ends (edits check its version on it). */
export const lockById = async (db: DbOrTx, id: string): Promise<CustomFieldRow | undefined> =>
  (await db.select().from(customFields).where(eq(customFields.id, id)).for("update"))[0];

export const insert = async (db: DbOrTx, values: typeof customFields.$inferInsert): Promise<CustomFieldRow> => {
  const [row] = await db.insert(customFields).values(values).returning();
  if (!row) throw new Error("custom field insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof customFields.$inferInsert>,
): Promise<CustomFieldRow | undefined> =>
  (
    await db
      .update(customFields)
      .set({ ...values, version: nextVersion(customFields.version) })
      .where(eq(customFields.id, id))
      .returning()
  )[0];
