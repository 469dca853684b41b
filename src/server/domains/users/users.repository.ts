import { and, asc, eq, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { teamMembers, users } from "../../db/schema/index";

export type UserRow = typeof users.$inferSelect;

export const findById = async (db: DbOrTx, id: string): Promise<UserRow | undefined> => {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
};

/** The user row, locked FOR UPDATE: a writer that share-locks it (owners, leads) waits for this transaction. */
export const lockById = async (db: DbOrTx, id: string): Promise<UserRow | undefined> => {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for("update");
  return row;
};

/**
 * The ids among these that belong to active users, their rows share-locked (FOR SHARE) until the transaction ends,
 * so none of them is deactivated meanwhile; a row a deactivation holds is waited for and read as it committed.
 */
export const lockActiveIds = async (db: DbOrTx, ids: readonly string[]): Promise<string[]> =>
  ids.length === 0
    ? []
    : (
        await db
          .select({ id: users.id })
          .from(users)
          .where(and(inArray(users.id, [...ids]), eq(users.active, true)))
          .orderBy(asc(users.id))
          .for("share")
      ).map((r) => r.id);

export const findByEmail = async (db: DbOrTx, email: string): Promise<UserRow | undefined> => {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
};

export const findManyByIds = async (db: DbOrTx, ids: string[]): Promise<UserRow[]> =>
  ids.length === 0 ? [] : await db.select().from(users).where(inArray(users.id, ids));

export const list = async (
  db: DbOrTx,
  f: { q?: string | undefined; departmentId?: string | undefined; active?: boolean | undefined },
): Promise<UserRow[]> => {
  const where: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.name, like), ilike(users.email, like)) as SQL);
  }
  if (f.departmentId) where.push(eq(users.departmentId, f.departmentId));
  if (f.active !== undefined) where.push(eq(users.active, f.active));
  return await db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(asc(users.name))
    .limit(1000);
};

export const insert = async (db: DbOrTx, values: typeof users.$inferInsert): Promise<UserRow> => {
  const [row] = await db.insert(users).values(values).returning();
  if (!row) throw new Error("user insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof users.$inferInsert>,
): Promise<UserRow | undefined> => {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date(), version: sql`${users.version} + 1` })
    .where(eq(users.id, id))
    .returning();
  return row;
};

export const teamIdsOf = async (db: DbOrTx, userId: string): Promise<string[]> =>
  (await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, userId))).map(
    (r) => r.teamId,
  );

export const countActiveAdmins = async (db: DbOrTx): Promise<number> => {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true)));
  return row?.n ?? 0;
};

export const findManyByEmails = async (db: DbOrTx, emails: string[]): Promise<UserRow[]> =>
  emails.length === 0
    ? []
    : await db
        .select()
        .from(users)
        .where(
          inArray(
            users.email,
            emails.map((e) => e.toLowerCase()),
          ),
        );

export const firstActiveAdmin = async (db: DbOrTx): Promise<UserRow | undefined> =>
  (
    await db
      .select()
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.active, true)))
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(1)
  )[0];
