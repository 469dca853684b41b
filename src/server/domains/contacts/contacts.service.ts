import type { TContact, TCreateContactInput, TUpdateContactInput } from "../../../shared/contracts/customers";
import type { DbOrTx, Tx } from "../../db/connection";
import { type AnyActor, actorId, SYSTEM } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { changePayload, type DomainEvent, recordEvents } from "../../platform/events";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "../../platform/pagination";
import { ensureAllowed } from "../../platform/policy";
import { randomToken, sha256 } from "../../platform/secrets";
import { organizationForEmail, organizationsForEmails } from "../organizations/organizations.service";
import { contactsPolicy } from "./contacts.policy";
import * as repo from "./contacts.repository";

export const presentContact = (c: repo.ContactRow): TContact => ({
  id: c.id,
  name: c.name,
  emails: c.emails,
  phones: c.phones,
  organizationId: c.organizationId,
  organizationManager: c.organizationManager,
  pendingEmail: c.pendingEmail,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  version: c.version,
});

const auditable = (c: repo.ContactRow) => ({
  name: c.name,
  emails: c.emails,
  phones: c.phones,
  organizationId: c.organizationId,
  organizationManager: c.organizationManager,
});

const event = (
  type: "contact.created" | "contact.updated",
  before: repo.ContactRow | null,
  after: repo.ContactRow,
): DomainEvent => ({
  type,
  aggregateType: "contact",
  aggregateId: after.id,
  payload: changePayload(auditable, before, after),
});

const ensureEmailsFree = async (db: DbOrTx, emails: string[], contactId: string | null): Promise<void> => {
  const taken = (await repo.findEmailOwners(db, emails)).find((o) => o.contactId !== contactId);
  if (taken) throw new AppError("CONFLICT", `${taken.email} already belongs to another contact`, "emails");
};

const ensureOrganization = async (db: DbOrTx, id: string | null | undefined): Promise<void> => {
  if (id && !(await repo.organizationExists(db, id))) throw invalid("organizationId", "No such organization");
};

export const findContact = async (db: DbOrTx, id: string): Promise<TContact | null> => {
  const row = await repo.findById(db, id);
  return row ? presentContact(row) : null;
};

const ACCESS_REFUSED =
  "Only the account owner, supervisors and admins change a customer's addresses, organization or portal rights";

/** Refuses (403 naming `field`) a change of who the customer is or what they see, unless the policy allows it. */
const ensureMayChangeAccess = async (
  db: DbOrTx,
  actor: AnyActor,
  organizationIds: (string | null)[],
  field: string,
): Promise<void> => {
  for (const organizationId of new Set(organizationIds)) {
    const access = { accountOwnerId: await repo.accountOwnerOf(db, organizationId) };
    if (!contactsPolicy.can(actor, "changeAccess", access)) throw new AppError("FORBIDDEN", ACCESS_REFUSED, field);
  }
};

const insertContact = async (tx: Tx, actor: AnyActor, input: TCreateContactInput): Promise<repo.ContactRow> => {
  const emails = [...new Set(input.emails)];
  await ensureEmailsFree(tx, emails, null);
  let organizationId = input.organizationId ?? null;
  await ensureOrganization(tx, organizationId);
  if (input.organizationManager) await ensureMayChangeAccess(tx, actor, [organizationId], "organizationManager");
  if (organizationId === null && input.organizationId === undefined && emails[0]) {
    organizationId = (await organizationForEmail(tx, emails[0]))?.id ?? null;
  }
  const row = await repo.insert(
    tx,
    { name: input.name, phones: input.phones, organizationId, organizationManager: input.organizationManager ?? false },
    emails,
  );
  await recordEvents(tx, actor, [event("contact.created", null, row)]);
  return row;
};

/** The contact behind an email address, created (organization matched by domain) when unknown. */
export const findOrCreateContactByEmail = async (
  tx: Tx,
  actor: AnyActor,
  email: string,
  name: string | undefined,
): Promise<TContact> => {
  const existing = await repo.findByEmail(tx, email);
  if (existing) return presentContact(existing);
  return await createContactForEmail(tx, actor, email, name);
};

/**
 * A new contact for an address the caller found unknown earlier in the same transaction (organization
 * matched by domain). Not asked again: the unique address index still refuses a contact made meanwhile.
 */
export const createContactForEmail = async (
  tx: Tx,
  actor: AnyActor,
  email: string,
  name: string | undefined,
): Promise<TContact> => {
  const [created] = await createContactsForEmails(tx, actor, [{ email, name }]);
  if (!created) throw new Error("contact insert returned nothing");
  return created;
};

/** createContactForEmail for many addresses at once: organizations read once, contacts inserted together. */
export const createContactsForEmails = async (
  tx: Tx,
  actor: AnyActor,
  entries: readonly { email: string; name: string | undefined }[],
): Promise<TContact[]> => {
  const organizations = await organizationsForEmails(
    tx,
    entries.map((e) => e.email),
  );
  const rows = await repo.insertMany(
    tx,
    entries.map(({ email, name }) => ({
      values: {
        name: name ?? email.split("@")[0] ?? email,
        phones: [],
        organizationId: organizations.get(email)?.id ?? null,
        organizationManager: false,
      },
      emails: [email],
    })),
  );
  await recordEvents(
    tx,
    actor,
    rows.map((row) => event("contact.created", null, row)),
  );
  return rows.map(presentContact);
};

/** The contacts behind these addresses, by lower-case address; an address no contact has is missing. */
export const findContactsByEmails = async (db: DbOrTx, emails: string[]): Promise<Map<string, TContact>> =>
  new Map(
    (await repo.findManyByEmails(db, [...new Set(emails.map((e) => e.toLowerCase()))])).map(({ foundBy, ...row }) => [
      foundBy,
      presentContact(row),
    ]),
  );

const CONTACT_CURSOR = cursorSchema(cursorValues.name);

export const listContacts = async (
  ctx: ServiceContext,
  actor: AnyActor,
  q: { q?: string | undefined; organizationId?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: TContact[]; nextCursor: string | null }> => {
  ensureAllowed(contactsPolicy.can(actor, "read", null), "Not allowed");
  const c = q.cursor ? decodeCursor(q.cursor, CONTACT_CURSOR) : null;
  const rows = await repo.list(ctx.db, {
    q: q.q,
    organizationId: q.organizationId,
    after: c ? { name: c.v, id: c.id } : null,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(presentContact),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ v: last.name.toLowerCase(), id: last.id }) : null,
  };
};

export const getContact = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TContact> => {
  const row = await repo.findById(ctx.db, id);
  if (!row || !contactsPolicy.can(actor, "read", null)) throw notFound("Contact");
  return presentContact(row);
};

export const createContact = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateContactInput,
): Promise<TContact> => {
  ensureAllowed(contactsPolicy.can(actor, "create", null), "Not allowed to create contacts");
  return presentContact(await inTransaction(ctx, (tx) => insertContact(tx, actor, input)));
};

const CONFIRM_EMAIL_HOURS = 72;

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Edits a contact. Name and phones: any employee. Addresses, organization and the organization-manager right decide
 * where the customer's mail goes and what they see in the portal: the policy's `changeAccess`. A new address is
 * not used until the customer confirms it from that mailbox (a mailed link): the change waits, the old addresses
 * keep working, and the contact shows the pending address.
 */
export const updateContact = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateContactInput,
): Promise<TContact> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Contact");
    ensureAllowed(contactsPolicy.can(actor, "update", null), "Not allowed to edit contacts");
    ensureVersion("contact", before, expectedVersion);
    await ensureOrganization(tx, input.organizationId);
    const { emails, ...fields } = input;
    const unique = emails ? [...new Set(emails)] : null;
    const movesOrganization = input.organizationId !== undefined && input.organizationId !== before.organizationId;
    const changed = [
      ...(unique && !sameList(unique, before.emails) ? ["emails"] : []),
      ...(movesOrganization ? ["organizationId"] : []),
      ...(input.organizationManager !== undefined && input.organizationManager !== before.organizationManager
        ? ["organizationManager"]
        : []),
    ];
    if (changed[0]) {
      const organizations = [before.organizationId, ...(movesOrganization ? [input.organizationId ?? null] : [])];
      await ensureMayChangeAccess(tx, actor, organizations, changed[0]);
    }
    if (unique && changed.includes("emails")) {
      const added = unique.filter((e) => !before.emails.includes(e));
      await ensureEmailsFree(tx, unique, id);
      if (added.length > 1) throw invalid("emails", "Add one new address at a time: its mailbox confirms it first");
      if (added[0]) await askToConfirmEmail(ctx, tx, actor, before, added[0], unique);
      else await repo.replaceEmails(tx, id, unique);
    }
    await repo.update(tx, id, fields);
    const after = await repo.findById(tx, id);
    if (!after) throw notFound("Contact");
    await recordEvents(tx, actor, [event("contact.updated", before, after)]);
    return presentContact(after);
  });

const askToConfirmEmail = async (
  ctx: ServiceContext,
  tx: Tx,
  actor: AnyActor,
  contact: repo.ContactRow,
  email: string,
  emails: string[],
): Promise<void> => {
  if (!(await ctx.systemMail.available())) {
    throw new AppError("UNAVAILABLE", "A new address is confirmed by email, and outbound mail is not set up", "emails");
  }
  const token = randomToken();
  await repo.saveEmailConfirmation(tx, {
    contactId: contact.id,
    email,
    emails,
    tokenHash: sha256(token),
    requestedById: actorId(actor),
    expiresAt: new Date(Date.now() + CONFIRM_EMAIL_HOURS * 3_600_000),
  });
  const link = new URL(`/portal/confirm-email#token=${encodeURIComponent(token)}`, ctx.config.publicUrl).toString();
  await ctx.systemMail.enqueue(tx, {
    purpose: "contact_email_confirmation",
    to: email,
    subject: "Confirm your email address",
    text: [
      `Hello ${contact.name},`,
      "",
      "we were asked to use this address to reach you about your requests. If that is right, confirm it here:",
      "",
      link,
      "",
      `The link works once, for ${CONFIRM_EMAIL_HOURS} hours. If you did not expect this, ignore this mail: nothing changes.`,
    ].join("\n"),
  });
};

/**
 * The customer confirms a new address from its mailbox: the contact's addresses become the list the employee asked
 * for (those of them still on the contact, and the new one). The link is spent.
 */
export const confirmContactEmail = async (ctx: ServiceContext, token: string): Promise<{ email: string }> =>
  await inTransaction(ctx, async (tx) => {
    const pending = await repo.consumeEmailConfirmation(tx, sha256(token), new Date());
    const before = pending ? await repo.findById(tx, pending.contactId) : undefined;
    if (!pending || !before) {
      throw new AppError("VALIDATION_FAILED", "This confirmation link is invalid, used or expired", "token");
    }
    const emails = pending.emails.filter((e) => e === pending.email || before.emails.includes(e));
    await ensureEmailsFree(tx, emails, before.id);
    await repo.replaceEmails(tx, before.id, emails);
    await repo.update(tx, before.id, {});
    const after = await repo.findById(tx, before.id);
    if (!after) throw notFound("Contact");
    await recordEvents(tx, SYSTEM, [event("contact.updated", before, after)]);
    return { email: pending.email };
  });

/** The contact an email address belongs to, if any. */
export const findContactByEmail = async (db: DbOrTx, email: string): Promise<TContact | null> => {
  const row = await repo.findByEmail(db, email);
  return row ? presentContact(row) : null;
};

/** The contact ids of those of these addresses that belong to a contact. */
export const contactIdsByEmail = async (db: DbOrTx, emails: string[]): Promise<Map<string, string>> =>
  new Map((await repo.findEmailOwners(db, emails)).map((o) => [o.email, o.contactId]));
