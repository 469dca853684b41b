import type { TPublicExecutiveLetter } from "../../../shared/contracts/executive";
import type {
  TMagicLinkRequest,
  TPortalCase,
  TPortalCaseListQuery,
  TPortalContact,
  TPortalExecutiveLetterInput,
  TPortalMessage,
  TPortalReplyFields,
} from "../../../shared/contracts/portal";
import type { CaseStatus } from "../../../shared/domain";
import type { DbOrTx } from "../../db/connection";
import { type CustomerActor, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, notFound } from "../../platform/errors";
import { escapeHtml } from "../../platform/html";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "../../platform/pagination";
import { randomToken, sha256 } from "../../platform/secrets";
import { getBranding } from "../branding/branding.service";
import {
  type CustomerCase,
  findCaseForCustomer,
  listCasesForCustomer,
  reopenOnCustomerReply,
  updateCaseInTransaction,
} from "../cases/cases.service";
import { findContact, findContactByEmail } from "../contacts/contacts.service";
import { enqueueSystemMail, outboundMailConfigured } from "../email/system-mail.service";
import {
  executiveCaseForLetter,
  NOT_OFFERED,
  offeredExecutiveId,
  publicExecutiveLetter,
} from "../executive/executive.service";
import {
  addEmailMessage,
  addEventMessage,
  type EmailFile,
  type PublicMessage,
  publicAttachment,
  publicMessage,
  publicThread,
  storeEmailAttachments,
} from "../messages/messages.service";
import { findOrganization } from "../organizations/organizations.service";
import { canListOrganization, type PortalAction, type PortalCaseAccess, portalCan, reopenUntil } from "./portal.policy";
import * as repo from "./portal.repository";

const TOUCH_EVERY_MS = 60_000;

export const MAGIC_LINK_SENT =
  "If this address belongs to one of our customers, we emailed it a sign-in link. The link works once, for a short time.";

const customerOf = async (db: DbOrTx, contactId: string): Promise<CustomerActor | null> => {
  const contact = await findContact(db, contactId);
  const email = contact?.emails[0];
  if (!contact || !email) return null;
  return {
    type: "customer",
    contactId: contact.id,
    name: contact.name,
    email,
    organizationId: contact.organizationId,
    organizationManager: contact.organizationManager,
  };
};

/** Resolves the portal cookie to the contact behind it (a write at most once a minute). */
export const authenticateCustomer = async (
  ctx: ServiceContext,
  sessionToken: string,
): Promise<{ customer: CustomerActor; csrfToken: string } | null> => {
  const now = new Date();
  const hash = sha256(sessionToken);
  const session = await repo.findSession(ctx.db, hash, now);
  if (!session) return null;
  const customer = await customerOf(ctx.db, session.contactId);
  if (!customer) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) await repo.touchSession(ctx.db, hash, now);
  return { customer, csrfToken: session.csrfToken };
};

/**
 * Refuses a sign-in link request outright only where mail is not set up (the route limits requests per network and
 * per address, known or not); answers `work`, which the caller runs after answering, so known and unknown addresses
 * take the same time.
 */
export const requestMagicLink = async (
  ctx: ServiceContext,
  input: TMagicLinkRequest,
  ip: string,
): Promise<{ work: () => Promise<void> }> => {
  if (!outboundMailConfigured(ctx)) {
    throw new AppError("FORBIDDEN", "Signing in by email is not set up here; reply to our emails instead");
  }
  return { work: async () => await mailMagicLink(ctx, input, ip) };
};

/** Emails a single-use sign-in link to a contact; it voids their earlier unused links. */
const mailMagicLink = async (ctx: ServiceContext, input: TMagicLinkRequest, ip: string): Promise<void> => {
  const contact = await findContactByEmail(ctx.db, input.email);
  if (!contact) return;
  const wanted = input.caseId ? await findCaseForCustomer(ctx.db, input.caseId) : null;
  const customer = await customerOf(ctx.db, contact.id);
  const caseId =
    wanted && customer && portalCan(customer, "read", accessOf(wanted), new Date(), 0) ? wanted.c.id : null;
  const token = randomToken();
  const minutes = ctx.config.portal.linkMinutes;
  const link = new URL(`/portal/sign-in#token=${encodeURIComponent(token)}`, ctx.config.publicUrl).toString();
  const branding = await getBranding(ctx);
  await inTransaction(ctx, async (tx) => {
    await repo.insertMagicLink(tx, {
      contactId: contact.id,
      tokenHash: sha256(token),
      caseId,
      ip,
      expiresAt: new Date(Date.now() + minutes * 60_000),
    });
    const text = [
      `Hello ${contact.name},`,
      "",
      `sign in to ${branding.companyName} to follow your requests:`,
      "",
      link,
      "",
      `The link works once, within ${minutes} minutes. If you did not ask for it, ignore this email.`,
    ].join("\n");
    await enqueueSystemMail(ctx, tx, {
      purpose: "portal_sign_in",
      to: input.email,
      subject: `Your sign-in link for ${branding.companyName}`,
      text,
      html: `<p>Hello ${escapeHtml(contact.name)},</p><p>sign in to ${escapeHtml(branding.companyName)} to follow your requests:</p><p><a href="${escapeHtml(link)}">Sign in</a></p><p>The link works once, within ${minutes} minutes. If you did not ask for it, ignore this email.</p>`,
    });
  });
};

export interface PortalSignIn {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  contact: TPortalContact;
  caseId: string | null;
}

/** Trades a sign-in link's token for a portal session; the link is spent even if it is tried again. */
export const signIn = async (ctx: ServiceContext, token: string): Promise<PortalSignIn> => {
  const now = new Date();
  return await inTransaction(ctx, async (tx) => {
    const link = await repo.consumeMagicLink(tx, sha256(token), now);
    const customer = link ? await customerOf(tx, link.contactId) : null;
    if (!link || !customer) {
      throw new AppError("UNAUTHENTICATED", "This sign-in link was used already or has expired; ask for a new one");
    }
    const sessionToken = randomToken();
    const csrfToken = randomToken();
    const expiresAt = new Date(now.getTime() + ctx.config.portal.sessionDays * 86_400_000);
    await repo.insertSession(tx, {
      tokenHash: sha256(sessionToken),
      contactId: customer.contactId,
      csrfToken,
      expiresAt,
    });
    await repo.deleteExpired(tx, now);
    return { sessionToken, csrfToken, expiresAt, contact: await presentContact(tx, customer), caseId: link.caseId };
  });
};

export const signOut = async (ctx: ServiceContext, sessionToken: string): Promise<void> => {
  await repo.deleteSession(ctx.db, sha256(sessionToken));
};

export const presentContact = async (db: DbOrTx, customer: CustomerActor): Promise<TPortalContact> => ({
  id: customer.contactId,
  name: customer.name,
  email: customer.email,
  organizationName: customer.organizationId
    ? ((await findOrganization(db, customer.organizationId))?.name ?? null)
    : null,
  organizationManager: canListOrganization(customer),
});

const accessOf = (row: CustomerCase): PortalCaseAccess => ({
  requesterId: row.c.requesterId,
  organizationId: row.c.organizationId,
  status: row.c.status,
  solvedAt: row.c.solvedAt,
});

const PORTAL_STATUS: Record<CaseStatus, TPortalCase["status"]> = {
  new: "open",
  open: "open",
  on_hold: "open",
  pending: "awaiting_you",
  solved: "solved",
  closed: "closed",
};

const presentCase = (ctx: ServiceContext, customer: CustomerActor, row: CustomerCase): TPortalCase => {
  const now = new Date();
  const can = (action: PortalAction) => portalCan(customer, action, accessOf(row), now, ctx.config.portal.reopenDays);
  return {
    id: row.c.id,
    number: row.c.number,
    subject: row.c.subject,
    status: PORTAL_STATUS[row.c.status],
    requesterName: row.requesterName,
    createdAt: row.c.createdAt,
    updatedAt: row.c.updatedAt,
    reopenUntil: can("reopen") ? reopenUntil(accessOf(row), ctx.config.portal.reopenDays) : null,
    abilities: { reply: can("reply"), solve: can("solve"), reopen: can("reopen") },
  };
};

/** The case if the customer may see it, else "not found" (never "forbidden": nothing about it leaks). */
const visibleCase = async (
  ctx: ServiceContext,
  db: DbOrTx,
  customer: CustomerActor,
  caseId: string,
): Promise<CustomerCase> => {
  const row = await findCaseForCustomer(db, caseId);
  if (!row || !portalCan(customer, "read", accessOf(row), new Date(), ctx.config.portal.reopenDays)) {
    throw notFound("Case");
  }
  return row;
};

const ensureCan = (ctx: ServiceContext, customer: CustomerActor, action: PortalAction, row: CustomerCase): void => {
  if (!portalCan(customer, action, accessOf(row), new Date(), ctx.config.portal.reopenDays)) {
    const why: Record<PortalAction, string> = {
      read: "Case not found",
      reply: "This case is closed; start a new request instead",
      solve: "This case is already solved",
      reopen: "This case can no longer be reopened here; start a new request instead",
    };
    throw new AppError("INVALID_TRANSITION", why[action]);
  }
};

const PORTAL_CASES_CURSOR = cursorSchema(cursorValues.timestamp);

export const listPortalCases = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  q: TPortalCaseListQuery,
): Promise<{ items: TPortalCase[]; nextCursor: string | null }> => {
  if (q.scope === "organization" && !canListOrganization(customer)) {
    throw new AppError("FORBIDDEN", "Only your organization's managers see all of its cases", "scope");
  }
  const cursor = q.cursor ? decodeCursor(q.cursor, PORTAL_CASES_CURSOR) : null;
  const after = cursor ? { updatedAt: cursor.v, id: cursor.id } : null;
  const filter =
    q.scope === "organization" && customer.organizationId
      ? { organizationId: customer.organizationId }
      : { requesterId: customer.contactId };
  const rows = await listCasesForCustomer(ctx.db, filter, after, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => presentCase(ctx, customer, r)),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ v: last.c.updatedAt.toISOString(), id: last.c.id }) : null,
  };
};

export const getPortalCase = async (ctx: ServiceContext, customer: CustomerActor, id: string): Promise<TPortalCase> =>
  presentCase(ctx, customer, await visibleCase(ctx, ctx.db, customer, id));

export const portalThread = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  id: string,
): Promise<TPortalMessage[]> => {
  await visibleCase(ctx, ctx.db, customer, id);
  return (await publicThread(ctx.db, id)).map((m) => presentPortalMessage(customer, m));
};

const presentPortalMessage = (customer: CustomerActor, m: PublicMessage): TPortalMessage => ({
  id: m.id,
  from: m.authorUserId ? "agent" : m.authorContactId === customer.contactId ? "you" : "customer",
  authorName: m.authorName,
  bodyText: m.bodyText,
  bodyHtml: m.bodyHtml,
  attachments: m.attachments,
  createdAt: m.createdAt,
});

/** The customer writes on their case (with files): a waiting or solved case opens again for the team. */
export const replyFromPortal = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  id: string,
  fields: TPortalReplyFields,
  files: EmailFile[],
): Promise<TPortalMessage> => {
  const messageId = await inTransaction(ctx, async (tx) => {
    const row = await visibleCase(ctx, tx, customer, id);
    ensureCan(ctx, customer, "reply", row);
    const stored = await storeEmailAttachments(ctx, tx, id, files);
    const created = await addEmailMessage(tx, SYSTEM, id, {
      kind: "reply",
      authorContactId: customer.contactId,
      bodyText: fields.body,
      bodyHtml: null,
      attachmentIds: stored.map((a) => a.id),
    });
    await reopenOnCustomerReply(tx, SYSTEM, id);
    return created;
  });
  // The new reply alone, not the thread read back to find it.
  const created = await publicMessage(ctx.db, messageId);
  if (!created) throw notFound("Message");
  return presentPortalMessage(customer, created);
};

/** The customer says their problem is solved; a rule the team must still complete refuses it in plain words. */
export const solveFromPortal = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  id: string,
): Promise<TPortalCase> => {
  await inTransaction(ctx, async (tx) => {
    const row = await visibleCase(ctx, tx, customer, id);
    ensureCan(ctx, customer, "solve", row);
    try {
      await updateCaseInTransaction(ctx, tx, SYSTEM, id, row.c.version, { status: "solved" });
    } catch (err) {
      if (err instanceof AppError && err.code !== "VERSION_CONFLICT") {
        throw new AppError(
          "INVALID_TRANSITION",
          "We cannot mark this case solved yet; reply to tell us it is resolved",
        );
      }
      throw err;
    }
    await addEventMessage(tx, id, `${customer.name} marked the case solved in the customer portal`);
  });
  return await getPortalCase(ctx, customer, id);
};

/** Reopens a solved case within the configured window. */
export const reopenFromPortal = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  id: string,
): Promise<TPortalCase> => {
  await inTransaction(ctx, async (tx) => {
    const row = await visibleCase(ctx, tx, customer, id);
    ensureCan(ctx, customer, "reopen", row);
    await reopenOnCustomerReply(tx, SYSTEM, id);
    await addEventMessage(tx, id, `${customer.name} reopened the case in the customer portal`);
  });
  return await getPortalCase(ctx, customer, id);
};

/** A file of a public reply on a case the customer sees; anything else is "not found". */
export const portalAttachment = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  id: string,
): Promise<EmailFile> => {
  const found = await publicAttachment(ctx, ctx.db, id);
  if (!found) throw notFound("Attachment");
  await visibleCase(ctx, ctx.db, customer, found.caseId).catch(() => {
    throw notFound("Attachment");
  });
  return found.file;
};

/** Whether the company offers "write to the chief executive" here, to whom, and the executive's own words. */
export const portalExecutiveLetter = async (
  ctx: ServiceContext,
  _customer: CustomerActor,
): Promise<TPublicExecutiveLetter> => await publicExecutiveLetter(ctx);

/**
 * The customer writes to the chief executive (when the company offers it): an executive case owned by the
 * executive, or, while the customer's last letter to them is not closed, a new message on that case.
 */
export const writeToExecutiveFromPortal = async (
  ctx: ServiceContext,
  customer: CustomerActor,
  input: TPortalExecutiveLetterInput,
): Promise<TPortalCase> => {
  const caseId = await inTransaction(ctx, async (tx) => {
    const executiveId = await offeredExecutiveId(tx);
    if (!executiveId) throw new AppError("NOT_FOUND", NOT_OFFERED);
    const letter = await executiveCaseForLetter(tx, SYSTEM, {
      executiveId,
      requesterId: customer.contactId,
      subject: input.subject,
      channel: "portal",
      teamId: null,
    });
    await addEmailMessage(tx, SYSTEM, letter.created ?? letter.caseId, {
      kind: "reply",
      authorContactId: customer.contactId,
      bodyText: letter.created ? input.body : `${input.subject}\n\n${input.body}`,
      bodyHtml: null,
      attachmentIds: [],
    });
    if (!letter.created) await reopenOnCustomerReply(tx, SYSTEM, letter.caseId);
    return letter.caseId;
  });
  return await getPortalCase(ctx, customer, caseId);
};
