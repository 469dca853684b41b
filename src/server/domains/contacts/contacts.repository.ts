import { and, asc, eq, gt, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { contactEmails, contacts, organizations } from "../../db/schema/index";

export type ContactRow = typeof contacts.$inferSelect & { emails: string[] };

const withEmails = async (db: DbOrTx, rows: (typeof contacts.$inferSelect)[]): Promise<ContactRow[]> => {
  if (rows.length === 0) return [];
  const emails = await db
    .select()
    .from(contactEmails)
    .where(
      inArray(
        contactEmails.contactId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(contactEmails.position));
  return rows.map((r) => ({ ...r, emails: emails.filter((e) => e.contactId === r.id).map((e) => e.email) }));
};

export const findById = async (db: DbOrTx, id: string): Promise<ContactRow | undefined> =>
  (await withEmails(db, await db.select().from(contacts).where(eq(contacts.id, id))))[0];

export const findByEmail = async (db: DbOrTx, email: string): Promise<ContactRow | undefined> => {
  const [hit] = await db.select().from(contactEmails).where(eq(contactEmails.email, email.toLowerCase()));
  return hit ? await findById(db, hit.contactId) : undefined;
};

export const findEmailOwners = async (db: DbOrTx, emails: string[]): Promise<{ email: string; contactId: string }[]> =>
  emails.length === 0
    ? []
    : await db
        .select({ email: contactEmails.email, contactId: contactEmails.contactId })
        .from(contactEmails)
        .where(inArray(contactEmails.email, emails));

export const list = async (
  db: DbOrTx,
  f: {
    q?: string | undefined;
    organizationId?: string | undefined;
    after?: { name: string; id: string } | null;
    limit: number;
  },
): Promise<ContactRow[]> => {
  const where: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        ilike(contacts.name, like),
        sql`EXISTS (SELECT 1 FROM ${contactEmails} ce WHERE ce.contact_id = ${contacts.id} AND ce.email ILIKE ${like})`,
      ) as SQL,
    );
  }
  if (f.organizationId) where.push(eq(contacts.organizationId, f.organizationId));
  if (f.after) {
    where.push(
      or(
        gt(sql`lower(${contacts.name})`, f.after.name),
        and(eq(sql`lower(${contacts.name})`, f.after.name), gt(contacts.id, f.after.id)),
      ) as SQL,
    );
  }
  const rows = await db
    .select()
    .from(contacts)
    .where(and(...where))
    .orderBy(sql`lower(${contacts.name})`, asc(contacts.id))
    .limit(f.limit);
  return await withEmails(db, rows);
};

export const insert = async (
  db: DbOrTx,
  values: typeof contacts.$inferInsert,
  emails: string[],
): Promise<ContactRow> => {
  const [row] = await db.insert(contacts).values(values).returning();
  if (!row) throw new Error("contact insert returned nothing");
  await replaceEmails(db, row.id, emails);
  return { ...row, emails };
};

export const update = async (db: DbOrTx, id: string, values: Partial<typeof contacts.$inferInsert>): Promise<void> => {
  await db
    .update(contacts)
    .set({ ...values, updatedAt: new Date(), version: sql`${contacts.version} + 1` })
    .where(eq(contacts.id, id));
};

export const replaceEmails = async (db: DbOrTx, contactId: string, emails: string[]): Promise<void> => {
  await db.delete(contactEmails).where(eq(contactEmails.contactId, contactId));
  if (emails.length > 0) {
    await db.insert(contactEmails).values(emails.map((email, position) => ({ email, contactId, position })));
  }
};

export const organizationExists = async (db: DbOrTx, id: string): Promise<boolean> =>
  (await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id))).length > 0;
