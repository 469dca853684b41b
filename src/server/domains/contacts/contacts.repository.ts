import { randomUUID } from "node:crypto";
import { and, asc, eq, getTableColumns, gt, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { contactEmailConfirmations, contactEmails, contacts, organizations } from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type ContactRow = typeof contacts.$inferSelect & { emails: string[]; pendingEmail: string | null };

/** A contact with its addresses (first is primary), read in the same statement. */
const contactWithEmails = {
  ...getTableColumns(contacts),
  emails: sql<
    string[]
  >`ARRAY(SELECT ce.email FROM ${contactEmails} ce WHERE ce.contact_id = ${contacts.id} ORDER BY ce.position)`,
  /* Spelled out: drizzle leaves a lone table's columns unqualified, and "id" would be the confirmation's own. */
  pendingEmail: sql<string | null>`(SELECT cc.email FROM ${contactEmailConfirmations} cc
    WHERE cc.contact_id = contacts.id AND cc.expires_at > now())`,
};

export const findById = async (db: DbOrTx, id: string): Promise<ContactRow | undefined> =>
  (await db.select(contactWithEmails).from(contacts).where(eq(contacts.id, id)))[0];

/** The contact, its row locked until the transaction ends (edits check its version on it). */
export const lockById = async (db: DbOrTx, id: string): Promise<ContactRow | undefined> =>
  (await db.select(contactWithEmails).from(contacts).where(eq(contacts.id, id)).for("update", { of: contacts }))[0];

export const findByEmail = async (db: DbOrTx, email: string): Promise<ContactRow | undefined> =>
  (
    await db
      .select(contactWithEmails)
      .from(contacts)
      .where(
        eq(contacts.id, sql`(SELECT ce.contact_id FROM ${contactEmails} ce WHERE ce.email = ${email.toLowerCase()})`),
      )
  )[0];

/** The contacts behind these (lower-case) addresses, each with the address that found it. */
export const findManyByEmails = async (db: DbOrTx, emails: string[]): Promise<(ContactRow & { foundBy: string })[]> =>
  emails.length === 0
    ? []
    : await db
        .select({ ...contactWithEmails, foundBy: contactEmails.email })
        .from(contactEmails)
        .innerJoin(contacts, eq(contacts.id, contactEmails.contactId))
        .where(inArray(contactEmails.email, emails));

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
  return await db
    .select(contactWithEmails)
    .from(contacts)
    .where(and(...where))
    .orderBy(sql`lower(${contacts.name})`, asc(contacts.id))
    .limit(f.limit);
};

export const insert = async (
  db: DbOrTx,
  values: typeof contacts.$inferInsert,
  emails: string[],
): Promise<ContactRow> => {
  const [row] = await insertMany(db, [{ values, emails }]);
  if (!row) throw new Error("contact insert returned nothing");
  return row;
};

/** Contacts and their addresses in two statements; answers in the order given. */
export const insertMany = async (
  db: DbOrTx,
  list: readonly { values: typeof contacts.$inferInsert; emails: string[] }[],
): Promise<ContactRow[]> => {
  if (list.length === 0) return [];
  const withIds = list.map((c) => ({ ...c, values: { ...c.values, id: c.values.id ?? randomUUID() } }));
  const rows = new Map(
    (
      await db
        .insert(contacts)
        .values(withIds.map((c) => c.values))
        .returning()
    ).map((row) => [row.id, row]),
  );
  const addresses = withIds.flatMap((c) =>
    c.emails.map((email, position) => ({ email, contactId: c.values.id, position })),
  );
  if (addresses.length > 0) await db.insert(contactEmails).values(addresses);
  return withIds.map((c) => {
    const row = rows.get(c.values.id);
    if (!row) throw new Error("contact insert returned nothing");
    return { ...row, emails: c.emails, pendingEmail: null };
  });
};

const insertEmails = async (db: DbOrTx, contactId: string, emails: string[]): Promise<void> => {
  if (emails.length === 0) return;
  await db.insert(contactEmails).values(emails.map((email, position) => ({ email, contactId, position })));
};

export const update = async (db: DbOrTx, id: string, values: Partial<typeof contacts.$inferInsert>): Promise<void> => {
  await db
    .update(contacts)
    .set({ ...values, updatedAt: new Date(), version: nextVersion(contacts.version) })
    .where(eq(contacts.id, id));
};

export const replaceEmails = async (db: DbOrTx, contactId: string, emails: string[]): Promise<void> => {
  await db.delete(contactEmails).where(eq(contactEmails.contactId, contactId));
  await insertEmails(db, contactId, emails);
};

export const organizationExists = async (db: DbOrTx, id: string): Promise<boolean> =>
  (await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id))).length > 0;

/** The account owner of the organization, if it has one. */
export const accountOwnerOf = async (db: DbOrTx, organizationId: string | null): Promise<string | null> =>
  organizationId === null
    ? null
    : ((
        await db
          .select({ ownerId: organizations.accountOwnerId })
          .from(organizations)
          .where(eq(organizations.id, organizationId))
      )[0]?.ownerId ?? null);

/** Records an address waiting for confirmation; a contact has at most one, the newest. */
export const saveEmailConfirmation = async (
  db: DbOrTx,
  values: typeof contactEmailConfirmations.$inferInsert,
): Promise<void> => {
  await db.delete(contactEmailConfirmations).where(eq(contactEmailConfirmations.contactId, values.contactId));
  await db.insert(contactEmailConfirmations).values(values);
};

/** Spends a live confirmation link: at most one caller gets its row. */
export const consumeEmailConfirmation = async (db: DbOrTx, tokenHash: string, now: Date) =>
  (
    await db
      .delete(contactEmailConfirmations)
      .where(and(eq(contactEmailConfirmations.tokenHash, tokenHash), gt(contactEmailConfirmations.expiresAt, now)))
      .returning()
  )[0];
