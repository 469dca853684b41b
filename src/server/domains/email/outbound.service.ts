import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import type { EmailConfig } from "../../config";
import type { DbOrTx, Tx } from "../../db/connection";
import { SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { recordEvents } from "../../platform/events";
import { escapeHtml } from "../../platform/html";
import { caseForEmail } from "../cases/cases.service";
import { addSystemNote, attachmentFile, messageForEmail } from "../messages/messages.service";
import { notify } from "../notifications/notifications.service";
import { type EmailKeys, emailKeys } from "./email.keys";
import * as repo from "./email.repository";
import { autoHeaders } from "./loop-guard";
import { bounceAddress, createReplyToken, ourMessageId, replyAddress, tagSubject } from "./reply-token";

/** Attempts before a temporarily failing message (4xx, connection trouble) is given up as failed. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const CLAIM_SECONDS = 300;
const MAX_REFERENCES = 20;

/** Seconds to wait before attempt `attempts + 1`: 1, 2, 4 ... minutes, at most 2 hours. */
export const deliveryBackoffSeconds = (attempts: number): number => Math.min(7200, 60 * 2 ** Math.max(0, attempts - 1));

const domainOf = (address: string): string => address.slice(address.lastIndexOf("@") + 1);

export const textToHtml = (text: string): string => `<div>${escapeHtml(text).replace(/\r?\n/g, "<br>\n")}</div>`;

/** In-Reply-To: the customer's last message (else our last); References: the thread's last Message-IDs. */
const threadHeaders = async (db: DbOrTx, caseId: string) => {
  const thread = await repo.threadMessageIds(db, caseId);
  const ids = thread.map((t) => t.headerMessageId);
  const lastInbound = thread.filter((t) => t.inbound).at(-1)?.headerMessageId;
  return { inReplyTo: lastInbound ?? ids.at(-1) ?? null, references: ids.slice(-MAX_REFERENCES) };
};

const tokensFor = (keys: EmailKeys, supportAddress: string, caseId: string, unique: string) => {
  const caseToken = createReplyToken(keys.replyToken, { caseId });
  let replyTo = supportAddress;
  try {
    replyTo = replyAddress(supportAddress, caseToken);
  } catch {
    /* a long local part leaves no room for the token: the Message-ID still carries it */
  }
  const messageToken = createReplyToken(keys.replyToken, { caseId, messageId: unique });
  return { replyTo, headerMessageId: ourMessageId(domainOf(supportAddress), messageToken, unique) };
};

/** The support address a case's mail goes out from: the one it came in on, else its team's, else the first. */
const senderAddressFor = async (
  db: DbOrTx,
  caseId: string,
  teamId: string | null,
): Promise<repo.SupportAddressRow | null> => {
  const usedId = await repo.supportAddressOfCase(db, caseId);
  const used = usedId ? await repo.findAddress(db, usedId) : undefined;
  if (used?.active) return used;
  const active = (await repo.activeAddresses(db)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return active.find((a) => a.teamId === teamId) ?? active[0] ?? null;
};

/**
 * The outbound mail of a public reply by an employee, written in the event's transaction (so it
 * exists exactly when the reply does; the unique message id makes a repeated event harmless).
 * Returns the new outbound id, or null when there is nothing to send.
 */
export const enqueueReply = async (
  ctx: ServiceContext,
  tx: Tx,
  keys: EmailKeys,
  messageId: string,
): Promise<string | null> => {
  const message = await messageForEmail(tx, messageId);
  if (message?.kind !== "reply" || !message.authorUserId) return null;
  const c = await caseForEmail(tx, { id: message.caseId });
  if (!c) return null;
  const address = await senderAddressFor(tx, c.id, c.teamId);
  const id = randomUUID();
  const participants = await repo.participantsOfCase(tx, c.id);
  const cc = participants
    .filter((p) => p.p.role === "cc" && !p.p.pendingReview && p.email && p.email !== c.requesterEmail)
    .map((p) => p.email as string);
  const subject = tagSubject(c.channel === "email" ? `Re: ${c.subject}` : c.subject, c.number);
  const thread = await threadHeaders(tx, c.id);
  const base = {
    id,
    kind: "reply" as const,
    caseId: c.id,
    messageId,
    authorUserId: message.authorUserId,
    to: c.requesterEmail ? [c.requesterEmail] : [],
    cc,
    subject,
    bodyText: message.bodyText,
    bodyHtml: message.bodyHtml ?? textToHtml(message.bodyText),
    attachmentIds: message.attachments.map((a) => a.id),
  };
  const unsendable = unsendableReason(ctx, c.requesterEmail, address);
  if (unsendable) {
    await repo.insertOutbound(tx, {
      ...base,
      ...(address ? { supportAddressId: address.id } : {}),
      fromAddress: address?.address ?? "",
      fromName: message.authorName ?? "",
      headerMessageId: `<${id}@unsent.invalid>`,
      headers: { inReplyTo: thread.inReplyTo, references: thread.references, replyTo: null, extra: {} },
      status: "failed",
      lastResponse: unsendable,
      failedAt: new Date(),
    });
    return null;
  }
  if (!address) return null;
  const { replyTo, headerMessageId } = tokensFor(keys, address.address, c.id, id);
  const row = await repo.insertOutbound(tx, {
    ...base,
    supportAddressId: address.id,
    fromAddress: address.address,
    fromName: message.authorName ? `${message.authorName} (${address.name})` : address.name,
    headerMessageId,
    headers: { inReplyTo: thread.inReplyTo, references: thread.references, replyTo, extra: {} },
  });
  return row?.id ?? null;
};

export const NO_REQUESTER_EMAIL = "Not sent: the requester has no email address";
export const OUTBOUND_NOT_CONFIGURED =
  "Not sent: outbound mail is not configured (EXTRAMILE_SMTP_OUT_HOST); the reply is kept on the case";
export const NO_SUPPORT_ADDRESS =
  "Not sent: there is no active support address to send from; add one under Email settings";

/** Why a public reply on a case cannot go out by email now, or null when it can. */
const unsendableReason = (
  ctx: ServiceContext,
  requesterEmail: string | null,
  address: repo.SupportAddressRow | null,
): string | null =>
  !requesterEmail
    ? NO_REQUESTER_EMAIL
    : !ctx.config.email.outbound
      ? OUTBOUND_NOT_CONFIGURED
      : !address
        ? NO_SUPPORT_ADDRESS
        : null;

/** Whether a public reply written on this case now would be emailed, and if not, why (the composer says so up front). */
export const replyDeliverability = async (
  ctx: ServiceContext,
  db: DbOrTx,
  c: { id: string; teamId: string | null; requesterEmail: string | null },
): Promise<string | null> => unsendableReason(ctx, c.requesterEmail, await senderAddressFor(db, c.id, c.teamId));

export interface Acknowledgement {
  c: { id: string; number: number; subject: string };
  supportAddress: repo.SupportAddressRow;
  to: string;
  inReplyTo: string | null;
}

/**
 * The automatic acknowledgements of new cases, written by one statement (the caller has checked the loop guard
 * and claimed each sender's window). Returns the outbound mails' ids with their cases.
 */
export const enqueueAcknowledgements = async (
  tx: Tx,
  keys: EmailKeys,
  acknowledgements: readonly Acknowledgement[],
): Promise<{ id: string; caseId: string | null }[]> =>
  await repo.insertOutboundMany(
    tx,
    acknowledgements.map((input) => {
      const id = randomUUID();
      const { replyTo, headerMessageId } = tokensFor(keys, input.supportAddress.address, input.c.id, id);
      const text = [
        "Hello,",
        "",
        `we received your message and opened case #${input.c.number} for it. We will get back to you soon.`,
        "To add anything, reply to this email and keep the case number in the subject.",
        "",
        input.supportAddress.name,
      ].join("\n");
      return {
        id,
        kind: "acknowledgement" as const,
        caseId: input.c.id,
        supportAddressId: input.supportAddress.id,
        fromAddress: input.supportAddress.address,
        fromName: input.supportAddress.name,
        to: [input.to],
        subject: tagSubject(`Re: ${input.c.subject}`, input.c.number),
        headerMessageId,
        headers: {
          inReplyTo: input.inReplyTo,
          references: input.inReplyTo ? [input.inReplyTo] : [],
          replyTo,
          extra: autoHeaders("auto-replied"),
        },
        bodyText: text,
        bodyHtml: textToHtml(text),
      };
    }),
  );

/** SMTP connections the outbound transport keeps open to the relay (deliveries run this many at a time per loop). */
export const OUTBOUND_CONNECTIONS = 5;

const transports = new WeakMap<ServiceContext, { config: EmailConfig["outbound"]; transport: Transporter }>();

const transportFor = (ctx: ServiceContext): Transporter | null => {
  const config = ctx.config.email.outbound;
  if (!config) return null;
  const cached = transports.get(ctx);
  if (cached && cached.config === config) return cached.transport;
  cached?.transport.close();
  const transport = nodemailer.createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.user ? { auth: { user: config.user, pass: config.pass ?? "" } } : {}),
    pool: true,
    maxConnections: OUTBOUND_CONNECTIONS,
    getSocket: (_options, callback) => {
      // Nagle's algorithm off, as MTAs have it: with it on, each command waited for the relay's delayed ACK
      // (40 ms), which halved what one connection could send to a local relay. Implicit TLS is started over it.
      const socket = connect({ host: config.host, port: config.port, noDelay: true, timeout: 30_000 });
      const failed = (err: Error) => callback(err, null);
      const timedOut = () => socket.destroy(new Error(`connecting to ${config.host}:${config.port} timed out`));
      socket.once("error", failed);
      socket.once("timeout", timedOut);
      socket.once("connect", () => {
        socket.off("error", failed);
        socket.off("timeout", timedOut);
        socket.setTimeout(0);
        callback(null, { connection: socket });
      });
    },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  transports.set(ctx, { config, transport });
  return transport;
};

export const closeTransports = (ctx: ServiceContext): void => {
  transports.get(ctx)?.transport.close();
  transports.delete(ctx);
};

export type DeliveryOutcome = "sent" | "retry" | "failed" | "skipped";

const responseOf = (error: unknown): { text: string; code: number | null } => {
  const e = error as { response?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof e.responseCode === "number" ? e.responseCode : null;
  const text = typeof e.response === "string" ? e.response : String(e.message ?? error);
  return { text: text.slice(0, 2000), code };
};

/**
 * Sends one due outbound message. A 5xx answer is final: the message fails and the case gets an
 * internal note for its author. Anything else is retried with backoff up to MAX_DELIVERY_ATTEMPTS.
 * Returns when to try again (seconds) for retries.
 */
export const deliverOutbound = async (
  ctx: ServiceContext,
  id: string,
): Promise<{ outcome: DeliveryOutcome; retryInSeconds?: number }> => {
  const transport = transportFor(ctx);
  if (!transport) return { outcome: "skipped" };
  const row = await repo.claimOutbound(ctx.db, id, CLAIM_SECONDS);
  if (!row) return { outcome: "skipped" };
  const keys = await emailKeys(ctx);
  const envelopeSender = ctx.config.email.envelopeFrom ?? row.fromAddress;
  try {
    const files = [];
    for (const attachmentId of row.attachmentIds) {
      const file = await attachmentFile(ctx, ctx.db, attachmentId);
      if (file) files.push({ filename: file.filename, contentType: file.contentType, content: file.data });
    }
    const info = await transport.sendMail({
      from: { name: row.fromName, address: row.fromAddress },
      to: row.to,
      cc: row.cc,
      subject: row.subject,
      text: row.bodyText,
      ...(row.bodyHtml ? { html: row.bodyHtml } : {}),
      messageId: row.headerMessageId,
      ...(row.headers.inReplyTo ? { inReplyTo: row.headers.inReplyTo } : {}),
      ...(row.headers.references.length > 0 ? { references: row.headers.references } : {}),
      ...(row.headers.replyTo ? { replyTo: row.headers.replyTo } : {}),
      headers: row.headers.extra,
      attachments: files,
      envelope: {
        from: bounceAddress(envelopeSender, createReplyToken(keys.bounceToken, { caseId: row.id })) ?? envelopeSender,
        to: [...row.to, ...row.cc],
      },
    });
    await repo.updateOutbound(ctx.db, id, {
      status: "sent",
      sentAt: new Date(),
      lastResponse: String(info.response ?? "").slice(0, 2000),
      lockedUntil: null,
    });
    return { outcome: "sent" };
  } catch (error) {
    const { text, code } = responseOf(error);
    const permanent = code !== null && code >= 500 && code < 600;
    if (!permanent && row.attempts < MAX_DELIVERY_ATTEMPTS) {
      const retryInSeconds = deliveryBackoffSeconds(row.attempts);
      await repo.updateOutbound(ctx.db, id, {
        lastResponse: text,
        nextAttemptAt: new Date(Date.now() + retryInSeconds * 1000),
        lockedUntil: null,
      });
      return { outcome: "retry", retryInSeconds };
    }
    await failOutbound(ctx, row, text);
    return { outcome: "failed" };
  }
};

const failOutbound = async (ctx: ServiceContext, row: repo.OutboundRow, response: string): Promise<void> => {
  await inTransaction(ctx, async (tx) => await markUndelivered(tx, row, response, "refused"));
};

/**
 * Marks an outbound mail failed because the receiving side refused it (a 5xx answer) or returned it (a bounce):
 * the case gets an internal note, and for a reply the case owner and the reply's author a notification.
 */
export const markUndelivered = async (
  tx: Tx,
  row: repo.OutboundRow,
  response: string,
  how: "refused" | "bounced",
): Promise<void> => {
  await repo.updateOutbound(tx, row.id, {
    status: "failed",
    failedAt: new Date(),
    lastResponse: response,
    lockedUntil: null,
  });
  const recipients = [...row.to, ...row.cc].join(", ");
  const what = { reply: "This reply", acknowledgement: "The automatic acknowledgement", system: "A system mail" }[
    row.kind
  ];
  if (row.caseId) {
    const verb = how === "bounced" ? "was returned undelivered from" : "could not be delivered to";
    const source = how === "bounced" ? "The bounce says" : "The mail server answered";
    await addSystemNote(tx, row.caseId, `${what} ${verb} ${recipients}. ${source}: ${response}`);
  }
  if (row.kind === "reply" && row.caseId) {
    const c = await caseForEmail(tx, { id: row.caseId });
    const people = [...new Set([c?.ownerId, row.authorUserId].filter((id): id is string => !!id))];
    await notify(
      tx,
      people.map((userId) => ({
        userId,
        kind: "mail_not_delivered" as const,
        caseId: row.caseId,
        title: `Reply not delivered${c ? ` on case #${c.number}` : ""}`,
        body: `The reply to ${recipients} ${how === "bounced" ? "bounced" : "was refused"}: ${response}`.slice(0, 1000),
        dedupeKey: `mail_not_delivered:${row.id}:${userId}`,
      })),
    );
  }
  await recordEvents(tx, SYSTEM, [
    {
      type: "outbound_email.failed",
      ...outboundAggregate(row),
      payload: {
        outboundId: row.id,
        messageId: row.messageId,
        authorUserId: row.authorUserId,
        response,
        bounced: how === "bounced",
      },
    },
  ]);
};

/** The case a message belongs to, or the message itself for system mail about no case. */
export const outboundAggregate = (row: repo.OutboundRow) =>
  row.caseId
    ? { aggregateType: "case", aggregateId: row.caseId, caseId: row.caseId }
    : { aggregateType: "outbound_email", aggregateId: row.id, caseId: null };

/** Outbound messages due for (another) attempt: the sweeper's list. */
export const dueOutbound = async (ctx: ServiceContext, limit: number): Promise<string[]> =>
  await repo.dueOutbound(ctx.db, limit);
