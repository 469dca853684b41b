import { and, asc, eq, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { CommitmentState } from "../../../shared/contracts/commitments";
import type { DbOrTx } from "../../db/connection";
import { cases, commitments, users } from "../../db/schema/index";

export type CommitmentRow = typeof commitments.$inferSelect;

export interface CommitmentView {
  c: CommitmentRow;
  caseNumber: number;
  caseSubject: string;
  caseOwnerId: string | null;
  ownerName: string;
}

const viewSelect = (db: DbOrTx) =>
  db
    .select({
      c: commitments,
      caseNumber: cases.number,
      caseSubject: cases.subject,
      caseOwnerId: cases.ownerId,
      ownerName: users.name,
    })
    .from(commitments)
    .innerJoin(cases, eq(cases.id, commitments.caseId))
    .innerJoin(users, eq(users.id, commitments.ownerId));

export const insert = async (db: DbOrTx, values: typeof commitments.$inferInsert): Promise<CommitmentRow> => {
  const [row] = await db.insert(commitments).values(values).returning();
  if (!row) throw new Error("commitment insert returned nothing");
  return row;
};

export const findView = async (db: DbOrTx, id: string): Promise<CommitmentView | undefined> =>
  (await viewSelect(db).where(eq(commitments.id, id)))[0];

export const lockById = async (db: DbOrTx, id: string): Promise<CommitmentRow | undefined> =>
  (await db.select().from(commitments).where(eq(commitments.id, id)).for("update"))[0];

export const listByCase = async (db: DbOrTx, caseId: string): Promise<CommitmentView[]> =>
  await viewSelect(db).where(eq(commitments.caseId, caseId)).orderBy(asc(commitments.dueAt), asc(commitments.id));

export interface CommitmentFilter {
  ownerId?: string | undefined;
  states?: CommitmentState[] | undefined;
  dueBefore?: Date | undefined;
  limit: number;
}

export const list = async (db: DbOrTx, f: CommitmentFilter): Promise<CommitmentView[]> => {
  const where: (SQL | undefined)[] = [
    f.ownerId ? eq(commitments.ownerId, f.ownerId) : undefined,
    f.states?.length ? inArray(commitments.state, f.states) : undefined,
    f.dueBefore ? lte(commitments.dueAt, f.dueBefore) : undefined,
  ];
  return await viewSelect(db)
    .where(and(...where))
    .orderBy(asc(commitments.dueAt), asc(commitments.id))
    .limit(f.limit);
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof commitments.$inferInsert>,
): Promise<CommitmentRow | undefined> =>
  (
    await db
      .update(commitments)
      .set({ ...values, version: sql`${commitments.version} + 1`, updatedAt: new Date() })
      .where(eq(commitments.id, id))
      .returning()
  )[0];

/** Open promises whose due time has passed, oldest first (those a timer missed). */
export const overdueOpen = async (db: DbOrTx, now: Date, limit: number): Promise<CommitmentRow[]> =>
  await db
    .select()
    .from(commitments)
    .where(and(eq(commitments.state, "open"), lte(commitments.dueAt, now)))
    .orderBy(asc(commitments.dueAt))
    .limit(limit);

/**
 * The open callback promise on a case, made before `before`, that a call answers, locked: the one chosen (`id`),
 * or else the earliest due.
 */
export const lockAnsweredCallback = async (
  db: DbOrTx,
  caseId: string,
  before: Date,
  id: string | undefined,
): Promise<CommitmentRow | undefined> =>
  (
    await db
      .select()
      .from(commitments)
      .where(
        and(
          eq(commitments.caseId, caseId),
          eq(commitments.state, "open"),
          eq(commitments.kind, "callback"),
          lte(commitments.createdAt, before),
          id ? eq(commitments.id, id) : undefined,
        ),
      )
      .orderBy(asc(commitments.dueAt), asc(commitments.id))
      .limit(1)
      .for("update")
  )[0];

export const findById = async (db: DbOrTx, id: string): Promise<CommitmentRow | undefined> =>
  (await db.select().from(commitments).where(eq(commitments.id, id)))[0];
