import { and, asc, eq, gt, ilike, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { organizations } from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type OrganizationRow = typeof organizations.$inferSelect;

export const findById = async (db: DbOrTx, id: string): Promise<OrganizationRow | undefined> => {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  return row;
};

/** The organization, its row locked until the transaction ends (edits check its version on it). */
export const lockById = async (db: DbOrTx, id: string): Promise<OrganizationRow | undefined> =>
  (await db.select().from(organizations).where(eq(organizations.id, id)).for("update"))[0];

/** For each of these (lower-case) domains that an organization has, the oldest such organization. */
export const findByDomains = async (db: DbOrTx, domains: string[]): Promise<Map<string, OrganizationRow>> => {
  const found = new Map<string, OrganizationRow>();
  if (domains.length === 0) return found;
  const rows = await db
    .select()
    .from(organizations)
    .where(sql`${organizations.domains} && ${sql.param(domains)}::text[]`)
    .orderBy(asc(organizations.createdAt));
  for (const row of rows) {
    for (const domain of row.domains) if (domains.includes(domain) && !found.has(domain)) found.set(domain, row);
  }
  return found;
};

export const list = async (
  db: DbOrTx,
  f: { q?: string | undefined; after?: { name: string; id: string } | null; limit: number },
): Promise<OrganizationRow[]> => {
  const where: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(ilike(organizations.name, like), sql`array_to_string(${organizations.domains}, ' ') ILIKE ${like}`) as SQL,
    );
  }
  if (f.after) {
    where.push(
      or(
        gt(sql`lower(${organizations.name})`, f.after.name),
        and(eq(sql`lower(${organizations.name})`, f.after.name), gt(organizations.id, f.after.id)),
      ) as SQL,
    );
  }
  return await db
    .select()
    .from(organizations)
    .where(and(...where))
    .orderBy(sql`lower(${organizations.name})`, asc(organizations.id))
    .limit(f.limit);
};

export const insert = async (db: DbOrTx, values: typeof organizations.$inferInsert): Promise<OrganizationRow> => {
  const [row] = await db.insert(organizations).values(values).returning();
  if (!row) throw new Error("organization insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof organizations.$inferInsert>,
): Promise<OrganizationRow | undefined> => {
  const [row] = await db
    .update(organizations)
    .set({ ...values, updatedAt: new Date(), version: nextVersion(organizations.version) })
    .where(eq(organizations.id, id))
    .returning();
  return row;
};
