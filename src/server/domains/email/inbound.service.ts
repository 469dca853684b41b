import type { TCreateCaseInput } from "../../../shared/contracts/cases";
import type { TContact } from "../../../shared/contracts/customers";
import type { Tx } from "../../db/connection";
import type { InboundEnvelope } from "../../db/schema/index";
import { type AnyActor, SYSTEM } from "../../platform/actor";
import { inTransaction, perContext, type ServiceContext } from "../../platform/context";
import { AppError } from "../../platform/errors";
import { holdingEvents, recordEvents } from "../../platform/events";
import { sha256 } from "../../platform/secrets";
import {
  type CaseForEmail,
  type CaseRecord,
  type CheckedForNewCase,
  caseForEmail,
  insertCaseInTransaction,
  insertCasesInTransaction,
  openFollowUpCase,
  reopenOnCustomerReply,
} from "../cases/cases.service";
import {
  contactIdsByEmail,
  createContactForEmail,
  createContactsForEmails,
  findContactByEmail,
  findContactsByEmails,
} from "../contacts/contacts.service";
import { addEmailMessage, addEmailMessagesToNewCases, storeEmailAttachments } from "../messages/messages.service";
import { teamLeadOf } from "../teams/teams.service";
import { lockActiveUsers } from "../users/directory.service";
import { employeeEmailsAmong, findActiveUserByEmail, firstActiveAdminId, loadActor } from "../users/users.service";
import { enqueueDelivery } from "./delivery.jobs";
import { type EmailKeys, emailKeys } from "./email.keys";
import * as repo from "./email.repository";
import { type MailHeaders, shouldAutoReply } from "./loop-guard";
import { describeMailAuth, type MailAuthResult, verifyMailAuth } from "./mail-auth";
import { sanitizeEmailHtml, splitQuotedHistory } from "./mail-html";
import { classifyMail, type MailKind, requesterAddress } from "./mail-kind";
import { type MailAddress, MailParseError, type ParsedInbound } from "./mime-parse";
import { type Acknowledgement, enqueueAcknowledgements, markUndelivered } from "./outbound.service";
import { DEFAULT_PARSE_POOL, ParsePool } from "./parse-pool";
import { extractBounceTokens, extractTokens, subjectCaseNumber, verifyReplyToken } from "./reply-token";

/** Parse attempts before a message that keeps failing (or killing its process) is quarantined. */
export const MAX_PARSE_ATTEMPTS = 5;
/** New contacts one message may create from its To and Cc. */
export const MAX_NEW_CONTACTS_PER_MESSAGE = 40;
const MAX_COPIED_ADDRESSES = 500;
const MAX_SUBJECT = 500;
const MAX_NAME = 200;
const ADDRESS_CACHE_MS = 5_000;

export type InboundSource = "smtp" | `imap:${string}`;

const pools = perContext(() => new ParsePool(DEFAULT_PARSE_POOL));

/** The parse workers of this process (started on first use). */
export const parsePool = (ctx: ServiceContext): ParsePool => pools.of(ctx);

export const closeParsePool = async (ctx: ServiceContext): Promise<void> => await pools.close(ctx);

const withoutTag = (address: string): string => {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  return plus < 0 ? address : `${local.slice(0, plus)}${address.slice(at)}`;
};

const addressCache = new WeakMap<ServiceContext, { at: number; addresses: Promise<repo.SupportAddressRow[]> }>();

/** Active support addresses, cached briefly: the SMTP receiver asks for every recipient. */
const cachedAddresses = (ctx: ServiceContext): Promise<repo.SupportAddressRow[]> => {
  const hit = addressCache.get(ctx);
  if (hit && Date.now() - hit.at < ADDRESS_CACHE_MS) return hit.addresses;
  const addresses = repo.activeAddresses(ctx.db);
  addressCache.set(ctx, { at: Date.now(), addresses });
  addresses.catch(() => addressCache.delete(ctx));
  return addresses;
};

export const forgetCachedAddresses = (ctx: ServiceContext): void => {
  addressCache.delete(ctx);
};

/** Whether mail to `address` is ours to accept: an active support address or a +tag of one. */
export const isSupportRecipient = async (ctx: ServiceContext, address: string): Promise<boolean> => {
  const bare = withoutTag(address.trim().toLowerCase());
  return (await cachedAddresses(ctx)).some((a) => a.address === bare);
};

/**
 * Stores a message exactly as received and commits it; a message already stored from the same
 * source (same bytes) is not stored twice. Parsing happens later, in a job.
 */
export const receiveInbound = async (
  ctx: ServiceContext,
  input: { source: InboundSource; raw: Buffer; envelope: InboundEnvelope },
): Promise<{ id: string; duplicate: boolean }> => {
  const values = {
    source: input.source,
    sha256: sha256(input.raw),
    raw: input.raw,
    size: input.raw.length,
    envelope: input.envelope,
  };
  if (input.raw.length <= repo.RAW_PIECE) return await repo.insertInbound(ctx.db, values);
  return await ctx.db.transaction(async (tx) => await repo.insertInbound(tx, values));
};

/** Received messages nobody has worked on for `staleSeconds` (a crash, a lost job): the sweeper's list. */
export const staleInbound = async (ctx: ServiceContext, staleSeconds: number, limit: number): Promise<string[]> =>
  await repo.staleReceived(ctx.db, staleSeconds, limit);

export type InboundOutcome =
  | { status: "parsed"; caseId: string; messageId: string; outboundIds: string[] }
  | { status: "quarantined"; problems: string[] }
  | { status: "ignored"; reason: string }
  | { status: "skipped" };

const quarantine = async (
  ctx: ServiceContext,
  id: string,
  problems: string[],
  parsed: ParsedInbound | null,
): Promise<InboundOutcome> => {
  await inTransaction(ctx, async (tx) => {
    if (!(await repo.lockReceived(tx, id))) return;
    await repo.finishInbound(tx, id, {
      status: "quarantined",
      problems,
      ...(parsed ? summaryOf(parsed) : {}),
    });
    await recordEvents(tx, SYSTEM, [
      { type: "inbound_email.quarantined", aggregateType: "inbound_email", aggregateId: id, payload: { problems } },
    ]);
  });
  return { status: "quarantined", problems };
};

const summaryOf = (parsed: ParsedInbound) => ({
  headerMessageId: parsed.messageId,
  fromAddress: parsed.from?.address ?? null,
  subject: parsed.subject.slice(0, 1000),
  dedupeKey: dedupeKeyOf(parsed),
});

/**
 * What makes two deliveries the same mail: its Message-ID and sender (From). A mail without a Message-ID is
 * the same when sender, Date header, subject and text are: the delivering systems add headers (Received:) but
 * never change those. Without a Message-ID and a Date nothing is deduplicated: two short mails "Help!" from one
 * person may well be two mails.
 */
export const dedupeKeyOf = (parsed: ParsedInbound): string | null => {
  const from = parsed.from?.address;
  if (!from) return null;
  if (parsed.messageId) return `${parsed.messageId} ${from}`;
  const date = parsed.headers.date?.[0];
  if (!date) return null;
  return `sha256:${sha256(Buffer.from([from, date, parsed.subject, parsed.text].join("\n"), "utf8"))}`;
};

interface Prepared {
  inbound: repo.InboundSummary;
  parsed: ParsedInbound;
  /** SPF, DKIM and DMARC; null when verification is off or could not run. */
  auth: MailAuthResult | null;
}

/** SPF, DKIM and DMARC of a message (never throws: a verification that cannot run leaves the result unknown). */
const authenticateMail = async (
  ctx: ServiceContext,
  raw: Buffer,
  inbound: repo.InboundSummary,
): Promise<MailAuthResult | null> => {
  if (ctx.config.email.auth === "off") return null;
  const smtp = inbound.source === "smtp";
  try {
    return await verifyMailAuth(
      raw,
      {
        remoteAddress: smtp ? inbound.envelope.remoteAddress : null,
        heloName: smtp ? inbound.envelope.heloName : null,
        mailFrom: inbound.envelope.mailFrom || null,
      },
      ctx.config.email.dnsResolver,
    );
  } catch (error) {
    ctx.log(`email: verifying ${inbound.id} (SPF, DKIM, DMARC) failed`, error);
    return null;
  }
};

/** Reads a message's bytes and parses them (in a worker, with time and memory limits); what cannot be parsed is quarantined. */
const prepare = async (
  ctx: ServiceContext,
  { rawHead, ...inbound }: repo.InboundSummary & { rawHead: Buffer },
): Promise<Prepared | InboundOutcome> => {
  if (inbound.parseAttempts > MAX_PARSE_ATTEMPTS) {
    return await quarantine(ctx, inbound.id, [`parse-attempts-exceeded:${MAX_PARSE_ATTEMPTS}`], null);
  }
  const raw =
    rawHead.length === inbound.size
      ? rawHead
      : Buffer.concat([rawHead, ...(await repo.laterPieces(ctx.db, inbound.id))]);
  let parsed: ParsedInbound;
  try {
    parsed = await parsePool(ctx).parse(raw);
  } catch (error) {
    if (!(error instanceof MailParseError)) throw error;
    return await quarantine(ctx, inbound.id, [`parse-failed:${error.code}`, error.message.slice(0, 500)], null);
  }
  return { inbound, parsed, auth: await authenticateMail(ctx, raw, inbound) };
};

/**
 * Files parsed messages in one transaction, in the order they arrived: their rows locked in id order, what
 * they share read once, their events written together. Nothing is written for a message intake wants
 * quarantined; the caller does that.
 */
const fileTogether = async (
  ctx: ServiceContext,
  keys: EmailKeys,
  prepared: Prepared[],
): Promise<Map<string, InboundOutcome>> =>
  await inTransaction(
    ctx,
    async (tx) =>
      await holdingEvents(tx, async () => {
        const locked = new Map(
          (
            await repo.lockReceivedMany(
              tx,
              prepared.map((p) => p.inbound.id),
            )
          ).map((row) => [row.id, row]),
        );
        const batch = await openBatch(tx, prepared);
        const dedupeKeys = prepared.flatMap((p) => {
          const key = dedupeKeyOf(p.parsed);
          return key ? [key] : [];
        });
        await repo.lockDedupeKeys(tx, dedupeKeys);
        const filedBefore = await repo.filedByDedupeKeys(tx, dedupeKeys);
        const firstInBatch = new Map<string, string>();
        const outcomes = new Map<string, InboundOutcome>();
        const plain: PlainNewCase[] = [];
        for (const { inbound, parsed, auth } of prepared) {
          const row = locked.get(inbound.id);
          if (!row) {
            outcomes.set(inbound.id, { status: "skipped" });
            continue;
          }
          const key = dedupeKeyOf(parsed);
          if (key) {
            const earlier = firstInBatch.get(key);
            if (earlier) await fileNewCases(ctx, tx, keys, batch, plain.splice(0), outcomes);
            const copy = filedBefore.get(key) ?? (earlier ? filedCopyOf(earlier, outcomes.get(earlier)) : null);
            if (copy) {
              outcomes.set(inbound.id, await fileDuplicate(tx, row, parsed, copy));
              continue;
            }
            firstInBatch.set(key, inbound.id);
          }
          const look = lookAt(batch, row, parsed);
          const opens = await plainNewCase(ctx, tx, batch, row, parsed, look, auth);
          if (opens) {
            plain.push(opens);
            continue;
          }
          // what the plain ones waiting would write may be what this message looks for
          await fileNewCases(ctx, tx, keys, batch, plain.splice(0), outcomes);
          outcomes.set(inbound.id, await intake(ctx, tx, keys, batch, row, parsed, look, auth));
        }
        await fileNewCases(ctx, tx, keys, batch, plain, outcomes);
        return outcomes;
      }),
  );

/** Where an earlier copy of the same mail in this batch ended, when it was filed or ignored. */
const filedCopyOf = (id: string, outcome: InboundOutcome | undefined): repo.FiledCopy | null =>
  outcome?.status === "parsed"
    ? { id, dedupeKey: "", caseId: outcome.caseId, messageId: outcome.messageId }
    : outcome?.status === "ignored"
      ? { id, dedupeKey: "", caseId: null, messageId: null }
      : null;

/** A second copy of a mail already filed: its raw bytes stay stored, it points at the filed one and files nothing. */
const fileDuplicate = async (
  tx: Tx,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
  copy: repo.FiledCopy,
): Promise<InboundOutcome> => {
  const reason = `duplicate-of:${copy.id}`;
  await repo.finishInbound(tx, inbound.id, {
    status: "ignored",
    problems: [...parsed.problems, reason],
    caseId: copy.caseId,
    messageId: copy.messageId,
    ...summaryOf(parsed),
  });
  return { status: "ignored", reason };
};

/** One message in a transaction of its own; a rule of the desk it breaks (an AppError) quarantines it. */
const fileAlone = async (ctx: ServiceContext, keys: EmailKeys, prepared: Prepared): Promise<InboundOutcome> => {
  const { inbound, parsed } = prepared;
  let outcome: InboundOutcome;
  try {
    outcome = (await fileTogether(ctx, keys, [prepared])).get(inbound.id) ?? { status: "skipped" };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return await quarantine(
      ctx,
      inbound.id,
      [...parsed.problems, `intake-failed:${error.code}`, error.message],
      parsed,
    );
  }
  if (outcome.status === "quarantined") return await quarantine(ctx, inbound.id, outcome.problems, parsed);
  return outcome;
};

const byArrival = (a: Prepared, b: Prepared): number =>
  a.inbound.receivedAt.getTime() - b.inbound.receivedAt.getTime() || a.inbound.id.localeCompare(b.inbound.id);

/**
 * Turns stored messages into case messages: each is counted as attempted and parsed, then all are filed in
 * one transaction. If that transaction fails, each is filed in a transaction of its own, so one message
 * never holds back the others. A message the parser rejects is quarantined; infrastructure failures are
 * thrown (after the other messages were filed), and the sweeper tries again.
 */
export const processInboundBatch = async (ctx: ServiceContext, ids: string[]): Promise<Map<string, InboundOutcome>> => {
  const outcomes = new Map<string, InboundOutcome>(ids.map((id) => [id, { status: "skipped" }]));
  const failures: unknown[] = [];
  const prepared: Prepared[] = [];
  await Promise.all(
    (await repo.startAttempts(ctx.db, ids)).map(async (row) => {
      try {
        const result = await prepare(ctx, row);
        if ("parsed" in result) prepared.push(result);
        else outcomes.set(row.id, result);
      } catch (error) {
        failures.push(error);
      }
    }),
  );
  prepared.sort(byArrival);
  const keys = await emailKeys(ctx);
  let filed: Map<string, InboundOutcome> | null = null;
  if (prepared.length > 1) {
    try {
      filed = await fileTogether(ctx, keys, prepared);
    } catch (error) {
      ctx.log(`email: ${prepared.length} messages could not be filed together; filing them one by one`, error);
    }
  }
  for (const p of prepared) {
    const id = p.inbound.id;
    try {
      const outcome = filed ? (filed.get(id) ?? { status: "skipped" }) : await fileAlone(ctx, keys, p);
      outcomes.set(
        id,
        filed && outcome.status === "quarantined" ? await quarantine(ctx, id, outcome.problems, p.parsed) : outcome,
      );
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return outcomes;
};

/** processInboundBatch for one message. */
export const processInbound = async (ctx: ServiceContext, id: string): Promise<InboundOutcome> =>
  (await processInboundBatch(ctx, [id])).get(id) ?? { status: "skipped" };

/**
 * What one intake transaction reads once for all the messages it files: the support addresses, which
 * senders are employees, the senders' contacts (kept up to date as intake creates contacts), each
 * address's owner and followers.
 */
interface IntakeBatch {
  addresses: repo.SupportAddressRow[];
  /** The support addresses, bare. */
  ours: Set<string>;
  employeeSenders: Set<string>;
  contacts: Map<string, TContact>;
  noContact: Set<string>;
  desks: Map<string, Promise<Desk | null>>;
}

const openBatch = async (tx: Tx, prepared: Prepared[]): Promise<IntakeBatch> => {
  const senders = [
    ...new Set(
      prepared.flatMap(({ inbound, parsed }) => {
        const sender = senderOf(parsed, inbound);
        return sender ? [sender.address] : [];
      }),
    ),
  ];
  const addresses = await repo.activeAddresses(tx);
  const employeeSenders = await employeeEmailsAmong(tx, senders);
  const contacts = await findContactsByEmails(tx, senders);
  return {
    addresses,
    ours: new Set(addresses.map((a) => a.address)),
    employeeSenders,
    contacts,
    noContact: new Set(senders.filter((s) => !contacts.has(s))),
    desks: new Map(),
  };
};

/** The contact behind an address as this transaction knows it. */
const contactOf = async (tx: Tx, batch: IntakeBatch, address: string): Promise<TContact | null> => {
  const known = batch.contacts.get(address);
  if (known || batch.noContact.has(address)) return known ?? null;
  const found = await findContactByEmail(tx, address);
  if (found) batch.contacts.set(address, found);
  else batch.noContact.add(address);
  return found;
};

/** The contact behind an address, created (organization matched by domain) when there is none. */
const contactFor = async (tx: Tx, batch: IntakeBatch, address: string, name: string | undefined): Promise<TContact> => {
  const existing = await contactOf(tx, batch, address);
  if (existing) return existing;
  const created = await createContactForEmail(tx, SYSTEM, address, name);
  batch.noContact.delete(address);
  batch.contacts.set(address, created);
  return created;
};

const headersForLoopGuard = (parsed: ParsedInbound, inbound: repo.InboundSummary): MailHeaders => {
  const mailFrom = inbound.envelope.mailFrom;
  if (parsed.headers["return-path"] || mailFrom === null) return parsed.headers;
  return { ...parsed.headers, "return-path": [`<${mailFrom}>`] };
};

const senderOf = (parsed: ParsedInbound, inbound: repo.InboundSummary): MailAddress | null => {
  if (parsed.from) return parsed.from;
  const mailFrom = inbound.envelope.mailFrom?.trim().toLowerCase();
  return mailFrom && /^[^\s@]+@[^\s@]+$/.test(mailFrom) ? { address: mailFrom, name: "" } : null;
};

const supportAddressFor = async (
  tx: Tx,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
  addresses: repo.SupportAddressRow[],
): Promise<repo.SupportAddressRow | null> => {
  const candidates = [
    ...inbound.envelope.rcptTo,
    ...parsed.to.map((a) => a.address),
    ...parsed.cc.map((a) => a.address),
  ].map((a) => withoutTag(a.toLowerCase()));
  const hits = candidates.flatMap((candidate) => addresses.filter((a) => a.address === candidate));
  // Writing to an executive's address (even copying it) is writing to the executive: that address wins.
  const executive = hits.find((a) => a.executiveUserId);
  if (executive) return executive;
  if (inbound.source.startsWith("imap:")) {
    const mailbox = await repo.findMailbox(tx, inbound.source.slice(5));
    const own = mailbox ? addresses.find((a) => a.id === mailbox.supportAddressId) : undefined;
    if (own) return own;
  }
  return hits[0] ?? null;
};

interface Thread {
  c: CaseForEmail;
  via: "token" | "references" | "subject" | "executive";
}

const verifiedCase = async (tx: Tx, key: Buffer, tokens: string[]): Promise<CaseForEmail | null> => {
  for (const token of tokens) {
    const payload = verifyReplyToken(key, token);
    const c = payload ? await caseForEmail(tx, { id: payload.caseId }) : null;
    if (c) return c;
  }
  return null;
};

const isParticipant = async (tx: Tx, c: CaseForEmail, contactId: string | null): Promise<boolean> => {
  if (!contactId) return false;
  if (c.requesterId === contactId) return true;
  const p = await repo.findParticipant(tx, c.id, contactId);
  return !!p && !p.pendingReview;
};

/** Reply token (our Reply-To), then our Message-IDs in In-Reply-To/References, then `[#n]` from a participant. */
const findThread = async (
  tx: Tx,
  keys: EmailKeys,
  parsed: ParsedInbound,
  recipients: string[],
  senderContactId: string | null,
): Promise<Thread | null> => {
  const byAddress = await verifiedCase(tx, keys.replyToken, extractTokens(recipients, []));
  if (byAddress) return { c: byAddress, via: "token" };
  const referenced = [parsed.inReplyTo, ...[...parsed.references].reverse()].filter((v): v is string => !!v);
  const byMessageId = await verifiedCase(tx, keys.replyToken, extractTokens([], referenced));
  if (byMessageId) return { c: byMessageId, via: "references" };
  for (const caseId of await repo.casesByInboundMessageIds(tx, referenced)) {
    const c = await caseForEmail(tx, { id: caseId });
    if (c) return { c, via: "references" };
  }
  const number = subjectCaseNumber(parsed.subject);
  if (number !== null) {
    const c = await caseForEmail(tx, { number });
    if (c && (await isParticipant(tx, c, senderContactId))) return { c, via: "subject" };
  }
  return null;
};

/** Who takes a new case from an address: its owner and those who follow it. */
interface Desk {
  ownerId: string;
  followerIds: string[];
}

/**
 * The owner of a new case from an ordinary address is the team's lead, else the first admin, both active (and
 * share-locked: no one deactivates them before the batch commits). Mail to an executive address is the executive's
 * (see executiveThread). Asked once per address and batch.
 */
const deskFor = (tx: Tx, batch: IntakeBatch, address: repo.SupportAddressRow): Promise<Desk | null> => {
  const known = batch.desks.get(address.id);
  if (known) return known;
  const desk = (async () => {
    const lead = await teamLeadOf(tx, address.teamId);
    const active = await lockActiveUsers(tx, lead ? [lead] : []);
    const admin = lead && active.has(lead) ? null : await firstActiveAdminId(tx);
    const ownerId =
      lead && active.has(lead) ? lead : admin && (await lockActiveUsers(tx, [admin])).has(admin) ? admin : null;
    return ownerId ? { ownerId, followerIds: [] } : null;
  })();
  batch.desks.set(address.id, desk);
  return desk;
};

/** What intake learned about a message besides its content: automatic mail (and why), and its SPF/DKIM/DMARC. */
interface MailNature {
  automatic: string | null;
  auth: MailAuthResult | null;
  /** From a sender pending review: kept out of the customer portal until an employee accepts the sender. */
  held?: boolean;
}

/**
 * Mail to an executive address joins the sender's executive case with that executive that is not closed: the one its
 * thread points at, else their latest; null when it opens a new executive case.
 */
const executiveThread = async (
  ctx: ServiceContext,
  tx: Tx,
  executiveId: string,
  found: Thread | null,
  senderContactId: string | null,
): Promise<Thread | null> => {
  if (found && found.c.status !== "closed" && (await ctx.executiveLine.executiveOfCase(tx, found.c.id)) === executiveId)
    return found;
  const open = senderContactId ? await ctx.executiveLine.openCaseOf(tx, executiveId, senderContactId) : null;
  const c = open ? await caseForEmail(tx, { id: open }) : null;
  return c ? { c, via: "executive" } : null;
};

/** The message's content as the case shows it (HTML sanitized, cid: links pointing at its stored files) and its email details. */
const mailContent = (
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
  stored: readonly { id: string }[],
  authorContactId: string | null,
  supportAddressId: string | null,
  { automatic, auth, held }: MailNature,
) => {
  const cidMap: Record<string, string> = {};
  parsed.attachments.forEach((a, index) => {
    const file = stored[index];
    if (a.contentId && file) cidMap[a.contentId] = `/api/v1/attachments/${file.id}`;
  });
  const sanitized = parsed.html === null ? null : sanitizeEmailHtml(parsed.html, { cidMap });
  const split = splitQuotedHistory(parsed.text, { subject: parsed.subject });
  return {
    message: {
      // automatic mail (an out-of-office reply) is kept on the thread as an internal note by nobody: it
      // neither counts as the customer writing (SLA clocks, reopening) nor reaches the customer's portal
      kind: automatic ? ("note" as const) : ("reply" as const),
      authorContactId: automatic ? null : authorContactId,
      bodyText: split.visible,
      bodyHtml: sanitized && sanitized.html.trim().length > 0 ? sanitized.html : null,
      attachmentIds: stored.map((f) => f.id),
      heldForReview: held ?? false,
    },
    details: (messageId: string, caseId: string) => ({
      messageId,
      caseId,
      inboundMessageId: inbound.id,
      supportAddressId,
      headerMessageId: parsed.messageId,
      fromAddress: parsed.from?.address ?? null,
      to: parsed.to.slice(0, MAX_COPIED_ADDRESSES).map((a) => a.address),
      cc: parsed.cc.slice(0, MAX_COPIED_ADDRESSES).map((a) => a.address),
      subject: parsed.subject.slice(0, 1000),
      quotedText: split.quoted,
      auth,
      automatic,
      blockedRemoteImages: sanitized?.blockedRemoteImages ?? 0,
    }),
  };
};

/** Adds the message to a case: files stored, content as mailContent makes it, email details kept. */
const addMailToCase = async (
  ctx: ServiceContext,
  tx: Tx,
  actor: AnyActor,
  to: string | CaseRecord,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
  authorContactId: string | null,
  supportAddressId: string | null,
  nature: MailNature,
): Promise<string> => {
  const caseId = typeof to === "string" ? to : to.id;
  const stored = await storeEmailAttachments(
    ctx,
    tx,
    caseId,
    parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, data: a.content })),
  );
  const content = mailContent(inbound, parsed, stored, authorContactId, supportAddressId, nature);
  const messageId = await addEmailMessage(tx, actor, to, content.message);
  await repo.insertAttachmentParts(
    tx,
    parsed.attachments.flatMap((a, index) => {
      const file = stored[index];
      return file ? [{ attachmentId: file.id, contentId: a.contentId, inline: a.inline }] : [];
    }),
  );
  await repo.insertDetails(tx, [content.details(messageId, caseId)]);
  return messageId;
};

/** Those copied on the message who may join its thread: not the sender, not our addresses, no reply tokens. */
const copiedOf = (parsed: ParsedInbound, exclude: Set<string>): MailAddress[] => {
  const seen = new Set<string>();
  return [...parsed.to, ...parsed.cc]
    .filter((a) => {
      const bare = withoutTag(a.address);
      if (seen.has(a.address) || exclude.has(bare) || a.address.includes("+em-")) return false;
      seen.add(a.address);
      return true;
    })
    .slice(0, MAX_COPIED_ADDRESSES);
};

/**
 * Those copied on a message join the case's thread (as contacts, organization by domain): never
 * our own addresses or employees, at most MAX_NEW_CONTACTS_PER_MESSAGE new contacts per message.
 */
const addCopiedParticipants = async (
  tx: Tx,
  batch: IntakeBatch,
  caseId: string,
  requesterId: string,
  parsed: ParsedInbound,
  exclude: Set<string>,
  inboundId: string,
): Promise<void> => {
  const copied = copiedOf(parsed, exclude);
  if (copied.length === 0) return;
  const employees = await employeeEmailsAmong(
    tx,
    copied.map((a) => a.address),
  );
  const known = await contactIdsByEmail(
    tx,
    copied.map((a) => a.address),
  );
  const contactIds: string[] = [];
  let created = 0;
  for (const a of copied) {
    if (employees.has(a.address)) continue;
    let contactId = known.get(a.address);
    if (!contactId) {
      if (created >= MAX_NEW_CONTACTS_PER_MESSAGE) continue;
      contactId = (await contactFor(tx, batch, a.address, a.name.slice(0, MAX_NAME) || undefined)).id;
      created++;
    }
    if (contactId !== requesterId) contactIds.push(contactId);
  }
  await repo.addParticipants(
    tx,
    [...new Set(contactIds)].map((contactId) => ({
      caseId,
      contactId,
      role: "cc" as const,
      pendingReview: false,
      inboundMessageId: inboundId,
    })),
  );
};

interface PlainNewCase extends Desk {
  inbound: repo.InboundSummary;
  parsed: ParsedInbound;
  sender: MailAddress;
  address: repo.SupportAddressRow;
  auth: MailAuthResult | null;
  /** The address acknowledges new cases and the loop guard allows it (the sender's window is claimed on filing). */
  acknowledge: boolean;
}

/**
 * Who a message is from and what it is: the From (or envelope) sender; the person who wrote, which is the
 * Reply-To address when From is a no-reply or form sender relaying someone (mail-kind.ts); and its kind.
 */
interface Look {
  sender: MailAddress | null;
  person: MailAddress | null;
  viaReplyTo: boolean;
  kind: MailKind;
}

const lookAt = (batch: IntakeBatch, inbound: repo.InboundSummary, parsed: ParsedInbound): Look => {
  const sender = senderOf(parsed, inbound);
  const who = requesterAddress(sender, parsed.replyTo, (a) => batch.ours.has(withoutTag(a)));
  const kind = classifyMail({
    headers: parsed.headers,
    subject: parsed.subject,
    from: parsed.from,
    envelopeFrom: inbound.envelope.mailFrom,
    hasDeliveryReport: parsed.report !== null,
    replyToPerson: who?.viaReplyTo ?? false,
  });
  return { sender, person: who?.address ?? null, viaReplyTo: who?.viaReplyTo ?? false, kind };
};

/**
 * A message that does nothing but open a new case (no thread to look for, nobody copied, no files, a sender who
 * is neither us nor an employee; perhaps acknowledged) is filed with the others like it by fileNewCases; anything
 * else goes through intake. Reads nothing that messages filed before it could write.
 */
const plainNewCase = async (
  ctx: ServiceContext,
  tx: Tx,
  batch: IntakeBatch,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
  look: Look,
  auth: MailAuthResult | null,
): Promise<PlainNewCase | null> => {
  const ours = batch.ours;
  const { sender } = look;
  if (look.kind.kind !== "person" || look.viaReplyTo) return null;
  if (!sender || ours.has(withoutTag(sender.address)) || batch.employeeSenders.has(sender.address)) return null;
  const threadHints =
    parsed.inReplyTo !== null ||
    parsed.references.length > 0 ||
    subjectCaseNumber(parsed.subject) !== null ||
    extractTokens(recipientsOf(inbound, parsed), parsed.messageId ? [parsed.messageId] : []).length > 0;
  if (threadHints || parsed.attachments.length > 0 || copiedOf(parsed, new Set([...ours, sender.address])).length > 0) {
    return null;
  }
  const address = await supportAddressFor(tx, inbound, parsed, batch.addresses);
  if (!address || address.executiveUserId) return null;
  const automatic = shouldAutoReply(headersForLoopGuard(parsed, inbound), { ourAddresses: [...ours] });
  const desk = await deskFor(tx, batch, address);
  return desk
    ? { inbound, parsed, sender, address, auth, acknowledge: mayAcknowledge(ctx, address, automatic), ...desk }
    : null;
};

/**
 * Files plain new cases together, in set-based statements: the senders' missing contacts, the cases, their
 * first messages, the email details, the inbound rows and the acknowledgements, each written by one statement.
 */
const fileNewCases = async (
  ctx: ServiceContext,
  tx: Tx,
  keys: EmailKeys,
  batch: IntakeBatch,
  plain: readonly PlainNewCase[],
  outcomes: Map<string, InboundOutcome>,
): Promise<void> => {
  if (plain.length === 0) return;
  const missing = new Map<string, string | undefined>();
  for (const p of plain) {
    if (!(await contactOf(tx, batch, p.sender.address)) && !missing.has(p.sender.address)) {
      missing.set(p.sender.address, p.sender.name.slice(0, MAX_NAME) || undefined);
    }
  }
  const entries = [...missing].map(([email, name]) => ({ email, name }));
  for (const [index, contact] of (await createContactsForEmails(tx, SYSTEM, entries)).entries()) {
    const { email } = nth(entries, index);
    batch.noContact.delete(email);
    batch.contacts.set(email, contact);
  }
  const filing = plain.map((p) => {
    const requester = batch.contacts.get(p.sender.address);
    if (!requester) throw new Error(`no contact for ${p.sender.address}`);
    return {
      p,
      requester,
      content: mailContent(p.inbound, p.parsed, [], requester.id, p.address.id, { automatic: null, auth: p.auth }),
    };
  });
  const cases = await insertCasesInTransaction(
    tx,
    SYSTEM,
    filing.map(({ p, requester }) => newCase(p.parsed, p.address, requester, p)),
  );
  const messageIds = await addEmailMessagesToNewCases(
    tx,
    SYSTEM,
    filing.map(({ content }, index) => ({ to: nth(cases, index), input: content.message })),
  );
  const filed = filing.map((f, index) => ({ ...f, caseId: nth(cases, index).id, messageId: nth(messageIds, index) }));
  await repo.insertDetails(
    tx,
    filed.map((f) => f.content.details(f.messageId, f.caseId)),
  );
  await repo.finishFiled(
    tx,
    filed.map(({ p, caseId, messageId }) => ({
      id: p.inbound.id,
      problems: p.parsed.problems,
      caseId,
      messageId,
      ...summaryOf(p.parsed),
    })),
  );
  const acknowledged = await acknowledge(
    ctx,
    tx,
    keys,
    filed.flatMap(({ p, caseId }, index) =>
      p.acknowledge
        ? [
            {
              c: { id: caseId, number: nth(cases, index).number, subject: nth(cases, index).subject },
              supportAddress: p.address,
              to: p.sender.address,
              inReplyTo: p.parsed.messageId,
            },
          ]
        : [],
    ),
  );
  for (const { p, caseId, messageId } of filed) {
    const ack = acknowledged.get(caseId);
    outcomes.set(p.inbound.id, { status: "parsed", caseId, messageId, outboundIds: ack ? [ack] : [] });
  }
};

/**
 * Acknowledges new cases: claims each sender's window (a sender named twice is claimed for the first case), then
 * writes the acknowledgements of the senders claimed and their delivery jobs, one statement each. Returns the
 * acknowledgement's outbound id per case.
 */
const acknowledge = async (
  ctx: ServiceContext,
  tx: Tx,
  keys: EmailKeys,
  wanted: readonly Acknowledgement[],
): Promise<Map<string, string>> => {
  const firstPerSender = new Map<string, Acknowledgement>();
  for (const a of wanted) if (!firstPerSender.has(a.to)) firstPerSender.set(a.to, a);
  const candidates = [...firstPerSender.values()];
  const claimed = await repo.claimAutoAcks(
    tx,
    candidates.map((a) => ({ sender: a.to, caseId: a.c.id })),
    ctx.config.email.autoAckWindowDays,
  );
  const written = await enqueueAcknowledgements(
    tx,
    keys,
    candidates.filter((a) => claimed.has(a.to)),
  );
  await enqueueDelivery(
    ctx,
    tx,
    written.map((w) => w.id),
  );
  return new Map(written.flatMap((w) => (w.caseId ? [[w.caseId, w.id] as const] : [])));
};

/** The answer at `index` of a set-based write that answers in the order asked. */
const nth = <T>(answers: readonly T[], index: number): T => {
  const answer = answers[index];
  if (answer === undefined) throw new Error(`no answer for item ${index}`);
  return answer;
};

/** The case a new message opens, and what intake checked for it in this transaction. */
const newCase = (
  parsed: ParsedInbound,
  address: repo.SupportAddressRow,
  requester: TContact,
  { ownerId, followerIds }: Desk,
): { input: TCreateCaseInput; checked: CheckedForNewCase } => ({
  input: {
    subject: parsed.subject.trim().slice(0, MAX_SUBJECT) || "(no subject)",
    requester: { contactId: requester.id },
    teamId: address.teamId,
    ownerId,
    status: "new",
    priority: "normal",
    type: "question",
    channel: "email",
    tags: [],
    customFields: {},
    followerIds,
  },
  checked: {
    requester,
    activeOwnerId: ownerId,
    teamId: address.teamId,
    ...(followerIds[0] ? { activeFollowerId: followerIds[0] } : {}),
  },
});

/** A new case from mail to an executive address, as the executive line opens it (a complaint, high priority). */
const executiveLetter = ({ ownerId: _desk, ...input }: TCreateCaseInput, executiveId: string) => ({
  ...input,
  executiveId,
  priority: "high" as const,
  type: "complaint" as const,
});

/** Whether a new case from this message may be acknowledged (before asking whether the sender had one lately). */
const mayAcknowledge = (
  ctx: ServiceContext,
  address: repo.SupportAddressRow,
  automatic: ReturnType<typeof shouldAutoReply>,
): boolean =>
  address.autoAcknowledge &&
  ctx.config.email.outbound !== null &&
  automatic.allowed &&
  ctx.config.email.autoAckWindowDays > 0;

const recipientsOf = (inbound: repo.InboundSummary, parsed: ParsedInbound): string[] => {
  const headerValues = (name: string) => [parsed.headers[name] ?? []].flat();
  return [
    ...inbound.envelope.rcptTo,
    ...parsed.to.map((a) => a.address),
    ...parsed.cc.map((a) => a.address),
    ...headerValues("delivered-to"),
    ...headerValues("x-original-to"),
  ];
};

/**
 * The outbound mail a bounce returns: named by the VERP token in the address it was sent to, else by our
 * Message-ID (which carries a signed token) or any Message-ID of ours in the returned message.
 */
const bouncedOutbound = async (
  tx: Tx,
  keys: EmailKeys,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
): Promise<repo.OutboundRow | null> => {
  for (const token of extractBounceTokens(recipientsOf(inbound, parsed))) {
    const payload = verifyReplyToken(keys.bounceToken, token);
    const row = payload ? await repo.findOutbound(tx, payload.caseId) : undefined;
    if (row) return row;
  }
  for (const token of extractTokens([], parsed.returnedMessageIds)) {
    const payload = verifyReplyToken(keys.replyToken, token);
    const row = payload?.messageId ? await repo.findOutbound(tx, payload.messageId) : undefined;
    if (row) return row;
  }
  return (await repo.findOutboundByHeaderMessageId(tx, parsed.returnedMessageIds)) ?? null;
};

/**
 * A bounce never opens a case: it marks the mail it returns failed on its case (a note there, the owner and the
 * author notified), or, when it matches nothing of ours or only reports a delay, it is kept as ignored.
 */
const fileBounce = async (
  tx: Tx,
  keys: EmailKeys,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
): Promise<InboundOutcome> => {
  const outbound = await bouncedOutbound(tx, keys, inbound, parsed);
  const failed = parsed.report?.recipients.filter((r) => r.action === "failed") ?? null;
  const reason = !outbound
    ? "bounce-unmatched"
    : failed !== null && failed.length === 0
      ? `delivery-report:${outbound.id}`
      : `bounce-of:${outbound.id}`;
  if (outbound && reason.startsWith("bounce-of:")) {
    const described =
      failed && failed.length > 0
        ? failed.map((r) => [r.recipient, r.status, r.diagnostic].filter((part) => !!part).join(" ")).join("; ")
        : parsed.text.trim().split("\n").slice(0, 6).join(" ").slice(0, 500);
    const from = parsed.report?.reportingMta ?? parsed.from?.address ?? "the receiving mail system";
    await markUndelivered(tx, outbound, `${from}: ${described}`.slice(0, 2000), "bounced");
  }
  await repo.finishInbound(tx, inbound.id, {
    status: "ignored",
    problems: [...parsed.problems, reason],
    caseId: outbound?.caseId ?? null,
    ...summaryOf(parsed),
  });
  return { status: "ignored", reason };
};

const intake = async (
  ctx: ServiceContext,
  tx: Tx,
  keys: EmailKeys,
  batch: IntakeBatch,
  inbound: repo.InboundSummary,
  parsed: ParsedInbound,
  look: Look,
  auth: MailAuthResult | null,
): Promise<InboundOutcome> => {
  const { addresses, ours } = batch;
  const { sender, kind } = look;
  const finish = async (status: "ignored", reason: string, caseId?: string): Promise<InboundOutcome> => {
    await repo.finishInbound(tx, inbound.id, {
      status,
      problems: [...parsed.problems, reason],
      ...(caseId ? { caseId } : {}),
      ...summaryOf(parsed),
    });
    return { status, reason };
  };
  if (parsed.messageId && extractTokens([], [parsed.messageId]).some((t) => verifyReplyToken(keys.replyToken, t))) {
    return await finish("ignored", "own-message");
  }
  if (kind.kind === "bounce") return await fileBounce(tx, keys, inbound, parsed);
  if (sender && ours.has(withoutTag(sender.address)) && !look.viaReplyTo) return await finish("ignored", "own-address");
  const person = look.person;
  if (!sender || !person) return { status: "quarantined", problems: [...parsed.problems, "no-sender"] };
  const supportAddress = await supportAddressFor(tx, inbound, parsed, addresses);
  const recipients = recipientsOf(inbound, parsed);
  const automatic = kind.kind === "automatic" ? kind.reason : null;

  const employee =
    !look.viaReplyTo && batch.employeeSenders.has(sender.address)
      ? await findActiveUserByEmail(tx, sender.address)
      : null;
  if (employee) {
    const tokens = extractTokens(recipients, [parsed.inReplyTo ?? "", ...parsed.references]);
    const c = await verifiedCase(tx, keys.agentToken(employee.id), tokens);
    const actor = c ? await loadActor(tx, employee.id, null) : null;
    if (c && actor && c.status !== "closed") {
      const messageId = await addMailToCase(ctx, tx, actor, c.id, inbound, parsed, null, supportAddress?.id ?? null, {
        automatic: null,
        auth,
      });
      await repo.finishInbound(tx, inbound.id, {
        status: "parsed",
        problems: parsed.problems,
        caseId: c.id,
        messageId,
        ...summaryOf(parsed),
      });
      return { status: "parsed", caseId: c.id, messageId, outboundIds: [] };
    }
  }

  const loopGuard = shouldAutoReply(headersForLoopGuard(parsed, inbound), { ourAddresses: [...ours] });
  const existingContact = await contactOf(tx, batch, person.address);
  const found = await findThread(tx, keys, parsed, recipients, existingContact?.id ?? null);
  const executiveId = supportAddress?.executiveUserId ?? null;
  const thread = executiveId ? await executiveThread(ctx, tx, executiveId, found, existingContact?.id ?? null) : found;
  const personName = person.name.slice(0, MAX_NAME) || undefined;
  const exclude = new Set([...ours, person.address, sender.address]);

  if (thread && thread.c.status !== "closed") {
    if (automatic) {
      // an out-of-office or other automatic answer joins the thread it answers, changing nothing on the case
      const messageId = await addMailToCase(
        ctx,
        tx,
        SYSTEM,
        thread.c.id,
        inbound,
        parsed,
        null,
        supportAddress?.id ?? null,
        { automatic, auth },
      );
      await repo.finishInbound(tx, inbound.id, {
        status: "parsed",
        problems: [...parsed.problems, `automatic:${automatic}`],
        caseId: thread.c.id,
        messageId,
        ...summaryOf(parsed),
      });
      return { status: "parsed", caseId: thread.c.id, messageId, outboundIds: [] };
    }
    const contact = existingContact ?? (await contactFor(tx, batch, person.address, personName));
    const known = await isParticipant(tx, thread.c, contact.id);
    if (known && auth?.verdict === "fail" && ctx.config.email.auth === "enforce") {
      // a From that fails SPF/DMARC alignment must not speak as the customer in their case
      return {
        status: "quarantined",
        problems: [...parsed.problems, `auth-failed:${describeMailAuth(auth)}`, `thread:${thread.c.id}`],
      };
    }
    const messageId = await addMailToCase(
      ctx,
      tx,
      SYSTEM,
      thread.c.id,
      inbound,
      parsed,
      contact.id,
      supportAddress?.id ?? null,
      { automatic: null, auth, held: !known },
    );
    if (known) await addCopiedParticipants(tx, batch, thread.c.id, thread.c.requesterId, parsed, exclude, inbound.id);
    else {
      await repo.addParticipants(tx, [
        {
          caseId: thread.c.id,
          contactId: contact.id,
          role: "follower",
          pendingReview: true,
          inboundMessageId: inbound.id,
        },
      ]);
    }
    if (loopGuard.allowed) await reopenOnCustomerReply(tx, SYSTEM, thread.c.id);
    await repo.finishInbound(tx, inbound.id, {
      status: "parsed",
      problems: parsed.problems,
      caseId: thread.c.id,
      messageId,
      ...summaryOf(parsed),
    });
    return { status: "parsed", caseId: thread.c.id, messageId, outboundIds: [] };
  }

  // automatic mail opens no case: kept, ignored, listed for admins (GET /api/v1/inbound-emails?status=ignored)
  if (automatic) return await finish("ignored", `automatic:${automatic}`, thread?.c.id);
  if (!supportAddress) return { status: "quarantined", problems: [...parsed.problems, "no-support-address"] };
  const desk = executiveId ? { ownerId: executiveId, followerIds: [] } : await deskFor(tx, batch, supportAddress);
  if (!desk) return { status: "quarantined", problems: [...parsed.problems, "no-owner"] };
  const requester = existingContact ?? (await contactFor(tx, batch, person.address, personName));
  const { input, checked } = newCase(parsed, supportAddress, requester, desk);
  const created = executiveId
    ? await ctx.executiveLine.openLetter(tx, SYSTEM, executiveLetter(input, executiveId), {
        configured: true,
        relatedCaseId: found?.c.id ?? null,
      })
    : thread
      ? await openFollowUpCase(tx, SYSTEM, thread.c.id, input, checked)
      : await insertCaseInTransaction(tx, SYSTEM, input, checked);
  const messageId = await addMailToCase(ctx, tx, SYSTEM, created, inbound, parsed, requester.id, supportAddress.id, {
    automatic: null,
    auth,
  });
  await addCopiedParticipants(tx, batch, created.id, requester.id, parsed, exclude, inbound.id);
  const outboundIds =
    kind.kind === "person" &&
    mayAcknowledge(ctx, supportAddress, look.viaReplyTo ? { allowed: true, reason: "ok" } : loopGuard)
      ? [
          ...(
            await acknowledge(ctx, tx, keys, [
              {
                c: { id: created.id, number: created.number, subject: created.subject },
                supportAddress,
                to: person.address,
                inReplyTo: parsed.messageId,
              },
            ])
          ).values(),
        ]
      : [];
  await repo.finishInbound(tx, inbound.id, {
    status: "parsed",
    problems: parsed.problems,
    caseId: created.id,
    messageId,
    ...summaryOf(parsed),
  });
  return { status: "parsed", caseId: created.id, messageId, outboundIds };
};

/** Puts a quarantined (or ignored) message back to be processed again. */
export const resetInboundForRetry = async (tx: Tx, id: string): Promise<repo.InboundSummary | undefined> =>
  await repo.resetInbound(tx, id);
