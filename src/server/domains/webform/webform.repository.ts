import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { webformSettings, webformSubmissions } from "../../db/schema/index";

export type WebformSettingsRow = typeof webformSettings.$inferSelect;

export const recordSubmission = async (
  db: DbOrTx,
  values: { ip: string; email: string; caseId: string | null },
): Promise<void> => {
  await db.insert(webformSubmissions).values(values);
};

export const findSettings = async (db: DbOrTx): Promise<WebformSettingsRow | undefined> =>
  (await db.select().from(webformSettings).where(eq(webformSettings.singleton, true)))[0];

export const upsertSettings = async (
  db: DbOrTx,
  values: Partial<Pick<WebformSettingsRow, "teamId" | "customFieldKeys" | "updatedById">>,
): Promise<WebformSettingsRow> => {
  const [row] = await db
    .insert(webformSettings)
    .values({ ...values, singleton: true })
    .onConflictDoUpdate({
      target: webformSettings.singleton,
      set: { ...values, updatedAt: new Date(), version: sql`${webformSettings.version} + 1` },
    })
    .returning();
  if (!row) throw new Error("web form settings upsert returned nothing");
  return row;
};
