import { asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { teamMembers, teams } from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type TeamRow = typeof teams.$inferSelect & { memberIds: string[] };

const withMembers = async (db: DbOrTx, rows: (typeof teams.$inferSelect)[]): Promise<TeamRow[]> => {
  if (rows.length === 0) return [];
  const members = await db
    .select()
    .from(teamMembers)
    .where(
      inArray(
        teamMembers.teamId,
        rows.map((r) => r.id),
      ),
    );
  return rows.map((r) => ({
    ...r,
    memberIds: members
      .filter((m) => m.teamId === r.id)
      .map((m) => m.userId)
      .sort(),
  }));
};

export const findById = async (db: DbOrTx, id: string): Promise<TeamRow | undefined> => {
  const rows = await db.select().from(teams).where(eq(teams.id, id));
  return (await withMembers(db, rows))[0];
};

/** The team, its row locked until the transaction ends (edits check its version on it). */
export const lockById = async (db: DbOrTx, id: string): Promise<TeamRow | undefined> =>
  (await withMembers(db, await db.select().from(teams).where(eq(teams.id, id)).for("update")))[0];

/** The teams this person leads, locked. */
export const lockLedBy = async (db: DbOrTx, userId: string): Promise<TeamRow[]> =>
  await withMembers(
    db,
    await db.select().from(teams).where(eq(teams.leadId, userId)).orderBy(asc(teams.id)).for("update"),
  );

export const list = async (db: DbOrTx): Promise<TeamRow[]> =>
  await withMembers(db, await db.select().from(teams).orderBy(asc(teams.name)));

export const insert = async (db: DbOrTx, values: typeof teams.$inferInsert): Promise<typeof teams.$inferSelect> => {
  const [row] = await db.insert(teams).values(values).returning();
  if (!row) throw new Error("team insert returned nothing");
  return row;
};

export const update = async (db: DbOrTx, id: string, values: Partial<typeof teams.$inferInsert>): Promise<void> => {
  await db
    .update(teams)
    .set({ ...values, updatedAt: new Date(), version: nextVersion(teams.version) })
    .where(eq(teams.id, id));
};

export const replaceMembers = async (db: DbOrTx, teamId: string, userIds: string[]): Promise<void> => {
  await db.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (userIds.length > 0) await db.insert(teamMembers).values(userIds.map((userId) => ({ teamId, userId })));
};
