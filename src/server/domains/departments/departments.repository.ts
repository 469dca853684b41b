import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { departments } from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type DepartmentRow = typeof departments.$inferSelect;

export const findById = async (db: DbOrTx, id: string): Promise<DepartmentRow | undefined> => {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  return row;
};

/** The department, its row locked until the transaction ends (edits check its version on it). */
export const lockById = async (db: DbOrTx, id: string): Promise<DepartmentRow | undefined> =>
  (await db.select().from(departments).where(eq(departments.id, id)).for("update"))[0];

export const list = async (db: DbOrTx): Promise<DepartmentRow[]> =>
  await db.select().from(departments).orderBy(asc(departments.name));

export const insert = async (db: DbOrTx, values: typeof departments.$inferInsert): Promise<DepartmentRow> => {
  const [row] = await db.insert(departments).values(values).returning();
  if (!row) throw new Error("department insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof departments.$inferInsert>,
): Promise<DepartmentRow | undefined> => {
  const [row] = await db
    .update(departments)
    .set({ ...values, updatedAt: new Date(), version: nextVersion(departments.version) })
    .where(eq(departments.id, id))
    .returning();
  return row;
};
