import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { branding } from "../../db/schema/index";

export type BrandingRow = typeof branding.$inferSelect;

export const find = async (db: DbOrTx): Promise<BrandingRow | undefined> =>
  (await db.select().from(branding).where(eq(branding.singleton, true)))[0];

/** Writes the one branding row, creating it from `defaults` the first time. */
export const upsert = async (
  db: DbOrTx,
  defaults: { companyName: string; primaryColor: string },
  values: Partial<Omit<typeof branding.$inferInsert, "singleton" | "version">>,
): Promise<BrandingRow> => {
  const [row] = await db
    .insert(branding)
    .values({ ...defaults, ...values, singleton: true })
    .onConflictDoUpdate({
      target: branding.singleton,
      set: { ...values, updatedAt: new Date(), version: sql`${branding.version} + 1` },
    })
    .returning();
  if (!row) throw new Error("branding upsert returned nothing");
  return row;
};
