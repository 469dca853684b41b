import type {
  TCaseEmail,
  TCreateMailboxInput,
  TCreateSupportAddressInput,
  TEmailSettings,
  TInboundEmail,
  TInboundListQuery,
  TMailbox,
  TOutboundEmail,
  TOutboundListQuery,
  TSupportAddress,
  TUpdateMailboxInput,
  TUpdateSupportAddressInput,
} from "../../../shared/contracts/email";
import type { DbOrTx, Tx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "../../platform/pagination";
import { ensureAllowed } from "../../platform/policy";
import { lockCaseFor, visibleCaseView } from "../cases/cases.access";
import { caseForEmail } from "../cases/cases.service";
import { releaseHeldMail } from "../messages/messages.service";
import { mailboxEvent, supportAddressEvent } from "./email.events";
import { emailKeys, encryptSecret } from "./email.keys";
import { emailAdminPolicy } from "./email.policy";
import * as repo from "./email.repository";
import { forgetCachedAddresses, processInbound, resetInboundForRetry } from "./inbound.service";
import { MailHostRefused, resolveMailHost } from "./mail-host-guard";
import { signalMailboxesChanged } from "./mailbox-signals";
import { deliverOutbound, outboundAggregate, replyDeliverability } from "./outbound.service";

const ensureAdmin = (actor: AnyActor, action: "read" | "manage"): void =>
  ensureAllowed(emailAdminPolicy.can(actor, action, null), "Only admins manage the email channel");

export const presentAddress = (a: repo.SupportAddressRow): TSupportAddress => ({
  id: a.id,
  address: a.address,
  name: a.name,
  teamId: a.teamId,
  executiveUserId: a.executiveUserId,
  autoAcknowledge: a.autoAcknowledge,
  active: a.active,
  version: a.version,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

export const presentMailbox = (m: repo.MailboxRow): TMailbox => ({
  id: m.id,
  name: m.name,
  supportAddressId: m.supportAddressId,
  host: m.host,
  port: m.port,
  tls: m.tls,
  username: m.username,
  folder: m.folder,
  afterImport: m.afterImport,
  moveToFolder: m.moveToFolder,
  pollIntervalSeconds: m.pollIntervalSeconds,
  active: m.active,
  status: {
    state: m.active ? m.state : "disabled",
    lastSuccessAt: m.lastSuccessAt,
    lastError: m.lastError,
    lastErrorAt: m.lastErrorAt,
    consecutiveFailures: m.consecutiveFailures,
    nextAttemptAt: m.nextAttemptAt,
    importedCount: m.importedCount,
  },
  version: m.version,
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

const presentInbound = (i: repo.InboundSummary): TInboundEmail => ({
  id: i.id,
  source: i.source,
  mailboxId: i.source.startsWith("imap:") ? i.source.slice(5) : null,
  sha256: i.sha256,
  size: i.size,
  status: i.status,
  problems: i.problems,
  parseAttempts: i.parseAttempts,
  fromAddress: i.fromAddress,
  subject: i.subject,
  headerMessageId: i.headerMessageId,
  envelope: { mailFrom: i.envelope.mailFrom, rcptTo: i.envelope.rcptTo },
  caseId: i.caseId,
  messageId: i.messageId,
  receivedAt: i.receivedAt,
  processedAt: i.processedAt,
});

const presentOutbound = (o: repo.OutboundRow): TOutboundEmail => ({
  id: o.id,
  kind: o.kind,
  purpose: o.purpose,
  caseId: o.caseId,
  messageId: o.messageId,
  fromAddress: o.fromAddress,
  to: o.to,
  cc: o.cc,
  subject: o.subject,
  headerMessageId: o.headerMessageId,
  status: o.status,
  attempts: o.attempts,
  lastResponse: o.lastResponse,
  nextAttemptAt: o.status === "queued" ? o.nextAttemptAt : null,
  sentAt: o.sentAt,
  failedAt: o.failedAt,
  createdAt: o.createdAt,
});

const OUTBOUND_OFF =
  "Outbound mail is not configured (EXTRAMILE_SMTP_OUT_HOST): public replies are stored on the case but not sent by email.";

export const emailSettings = async (ctx: ServiceContext, actor: AnyActor): Promise<TEmailSettings> => {
  ensureAdmin(actor, "read");
  const { email } = ctx.config;
  return {
    inbound: {
      smtpEnabled: email.smtpInbound,
      smtpHost: email.smtpHost,
      smtpPort: email.smtpPort,
      maxMessageBytes: email.maxMessageBytes,
    },
    outbound: {
      configured: email.outbound !== null,
      host: email.outbound?.host ?? null,
      port: email.outbound?.port ?? null,
      summary: email.outbound
        ? `Public replies are sent through ${email.outbound.host}:${email.outbound.port}, retried with backoff on temporary errors.`
        : OUTBOUND_OFF,
    },
    autoAckWindowDays: email.autoAckWindowDays,
    secretSource: ctx.config.secret ? "environment" : "generated",
    counts: {
      quarantined: await repo.countInbound(ctx.db, "quarantined"),
      outboundFailed: await repo.countOutbound(ctx.db, "failed"),
      outboundQueued: await repo.countOutbound(ctx.db, "queued"),
    },
  };
};

/* Support addresses */

/**
 * An address that names an executive is their line (mail to it opens executive cases): saved active only with an
 * active employee of the executive role, so it can never fall silently to an ordinary queue.
 */
const ensureExecutive = async (ctx: ServiceContext, db: DbOrTx, id: string | null, active: boolean): Promise<void> => {
  if (id && active) await ctx.executiveLine.ensureActiveExecutive(db, id, "executiveUserId");
};

export const listSupportAddresses = async (ctx: ServiceContext, actor: AnyActor): Promise<TSupportAddress[]> => {
  ensureAdmin(actor, "read");
  return (await repo.listAddresses(ctx.db)).map(presentAddress);
};

export const createSupportAddress = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateSupportAddressInput,
): Promise<TSupportAddress> => {
  ensureAdmin(actor, "manage");
  const row = await inTransaction(ctx, async (tx) => {
    await ensureExecutive(ctx, tx, input.executiveUserId, input.active);
    const created = await repo.insertAddress(tx, input);
    await recordEvents(tx, actor, [supportAddressEvent("support_address.created", null, created)]);
    return created;
  });
  forgetCachedAddresses(ctx);
  return presentAddress(row);
};

export const updateSupportAddress = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  input: TUpdateSupportAddressInput,
): Promise<TSupportAddress> => {
  ensureAdmin(actor, "manage");
  const row = await inTransaction(ctx, async (tx) => {
    const before = await repo.findAddress(tx, id);
    if (!before) throw notFound("Support address");
    await ensureExecutive(
      ctx,
      tx,
      input.executiveUserId === undefined ? before.executiveUserId : input.executiveUserId,
      input.active ?? before.active,
    );
    const after = await repo.updateAddress(tx, id, input);
    if (!after) throw notFound("Support address");
    await recordEvents(tx, actor, [supportAddressEvent("support_address.updated", before, after)]);
    return after;
  });
  forgetCachedAddresses(ctx);
  return presentAddress(row);
};

export const deleteSupportAddress = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<void> => {
  ensureAdmin(actor, "manage");
  await inTransaction(ctx, async (tx) => {
    const before = await repo.findAddress(tx, id);
    if (!before) throw notFound("Support address");
    if (await repo.addressInUse(tx, id)) {
      throw new AppError("CONFLICT", "This address has mail or a mailbox; deactivate it instead", "active");
    }
    await repo.deleteAddress(tx, id);
    await recordEvents(tx, actor, [supportAddressEvent("support_address.deleted", before, null)]);
  });
  forgetCachedAddresses(ctx);
};

/** The active support addresses that are `userId`'s executive line. */
export const executiveAddressesOf = async (db: DbOrTx, userId: string): Promise<TSupportAddress[]> =>
  (await repo.listAddresses(db)).filter((a) => a.executiveUserId === userId && a.active).map(presentAddress);

/** Points every support address of one executive at another, in the caller's transaction (a hand-over). */
export const handOverExecutiveAddresses = async (
  tx: Tx,
  actor: AnyActor,
  fromUserId: string,
  toUserId: string,
): Promise<number> => {
  let moved = 0;
  for (const before of (await repo.listAddresses(tx)).filter((a) => a.executiveUserId === fromUserId)) {
    const after = await repo.updateAddress(tx, before.id, { executiveUserId: toUserId });
    if (!after) continue;
    await recordEvents(tx, actor, [supportAddressEvent("support_address.updated", before, after)]);
    moved++;
  }
  return moved;
};

/* IMAP mailboxes */

const ensureMoveTarget = (folder: string, afterImport: string, moveToFolder: string | null): void => {
  if (afterImport === "move" && (!moveToFolder || moveToFolder === folder)) {
    throw invalid("moveToFolder", "Moving after import needs a folder other than the one imported from");
  }
};

/** Refuses a mail host that resolves to a private, loopback or link-local address not allowed by the configuration. */
const ensurePublicHost = async (ctx: ServiceContext, host: string | undefined): Promise<void> => {
  if (host === undefined) return;
  try {
    await resolveMailHost(host, ctx.config.email.allowPrivateHosts);
  } catch (error) {
    if (error instanceof MailHostRefused) throw invalid("host", error.message);
    // a host that does not resolve now may later: the mailbox's status will say so
  }
};

const ensureAddressExists = async (ctx: ServiceContext, id: string | undefined): Promise<void> => {
  if (id && !(await repo.findAddress(ctx.db, id))) throw invalid("supportAddressId", "No such support address");
};

export const listMailboxes = async (ctx: ServiceContext, actor: AnyActor): Promise<TMailbox[]> => {
  ensureAdmin(actor, "read");
  return (await repo.listMailboxes(ctx.db)).map(presentMailbox);
};

export const getMailbox = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TMailbox> => {
  ensureAdmin(actor, "read");
  const row = await repo.findMailbox(ctx.db, id);
  if (!row) throw notFound("Mailbox");
  return presentMailbox(row);
};

export const createMailbox = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateMailboxInput,
): Promise<TMailbox> => {
  ensureAdmin(actor, "manage");
  ensureMoveTarget(input.folder, input.afterImport, input.moveToFolder);
  await ensureAddressExists(ctx, input.supportAddressId);
  await ensurePublicHost(ctx, input.host);
  const keys = await emailKeys(ctx);
  const { password, ...fields } = input;
  const row = await inTransaction(ctx, async (tx) => {
    const created = await repo.insertMailbox(tx, {
      ...fields,
      passwordEncrypted: encryptSecret(keys.mailboxPassword, password),
    });
    await recordEvents(tx, actor, [mailboxEvent("mailbox.created", null, created)]);
    return created;
  });
  signalMailboxesChanged(ctx);
  return presentMailbox(row);
};

export const updateMailbox = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  input: TUpdateMailboxInput,
): Promise<TMailbox> => {
  ensureAdmin(actor, "manage");
  await ensureAddressExists(ctx, input.supportAddressId);
  await ensurePublicHost(ctx, input.host);
  const keys = await emailKeys(ctx);
  const { password, ...fields } = input;
  const row = await inTransaction(ctx, async (tx) => {
    const before = await repo.findMailbox(tx, id);
    if (!before) throw notFound("Mailbox");
    ensureMoveTarget(
      fields.folder ?? before.folder,
      fields.afterImport ?? before.afterImport,
      fields.moveToFolder === undefined ? before.moveToFolder : fields.moveToFolder,
    );
    const after = await repo.updateMailbox(tx, id, {
      ...fields,
      ...(password === undefined ? {} : { passwordEncrypted: encryptSecret(keys.mailboxPassword, password) }),
      consecutiveFailures: 0,
      nextAttemptAt: null,
    });
    if (!after) throw notFound("Mailbox");
    await recordEvents(tx, actor, [mailboxEvent("mailbox.updated", before, after, password !== undefined)]);
    return after;
  });
  signalMailboxesChanged(ctx);
  return presentMailbox(row);
};

export const deleteMailbox = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<void> => {
  ensureAdmin(actor, "manage");
  await inTransaction(ctx, async (tx) => {
    const before = await repo.findMailbox(tx, id);
    if (!before) throw notFound("Mailbox");
    await repo.deleteMailbox(tx, id);
    await recordEvents(tx, actor, [mailboxEvent("mailbox.deleted", before, null)]);
  });
  signalMailboxesChanged(ctx);
};

/* Quarantine and delivery failures */

const MAIL_CURSOR = cursorSchema(cursorValues.timestamp);

const afterOf = (cursor: string | undefined) => {
  if (!cursor) return null;
  const c = decodeCursor(cursor, MAIL_CURSOR);
  return { at: c.v.toISOString(), id: c.id };
};

export const listInboundEmails = async (
  ctx: ServiceContext,
  actor: AnyActor,
  q: TInboundListQuery,
): Promise<{ items: TInboundEmail[]; nextCursor: string | null }> => {
  ensureAdmin(actor, "read");
  const rows = await repo.listInbound(ctx.db, q.status, afterOf(q.cursor), q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(presentInbound),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ v: last.receivedAt.toISOString(), id: last.id }) : null,
  };
};

/** The message's bytes exactly as received, for download. */
export const inboundRaw = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
): Promise<{ filename: string; data: Buffer }> => {
  ensureAdmin(actor, "read");
  const data = await repo.rawOf(ctx.db, id);
  if (!data) throw notFound("Inbound email");
  return { filename: `${id}.eml`, data };
};

/** Processes a quarantined (or ignored) message again, now; answers with where it ended. */
export const retryInboundEmail = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TInboundEmail> => {
  ensureAdmin(actor, "manage");
  await inTransaction(ctx, async (tx) => {
    const before = await repo.findInbound(tx, id);
    if (!before) throw notFound("Inbound email");
    if (!(await resetInboundForRetry(tx, id))) {
      throw new AppError("INVALID_TRANSITION", `A ${before.status} message cannot be retried`, "status");
    }
    await recordEvents(tx, actor, [
      {
        type: "inbound_email.retried",
        aggregateType: "inbound_email",
        aggregateId: id,
        payload: { before: { status: before.status, problems: before.problems }, after: { status: "received" } },
      },
    ]);
  });
  await processInbound(ctx, id);
  const after = await repo.findInbound(ctx.db, id);
  if (!after) throw notFound("Inbound email");
  return presentInbound(after);
};

export const listOutboundEmails = async (
  ctx: ServiceContext,
  actor: AnyActor,
  q: TOutboundListQuery,
): Promise<{ items: TOutboundEmail[]; nextCursor: string | null }> => {
  ensureAdmin(actor, "read");
  const rows = await repo.listOutbound(ctx.db, q.status, afterOf(q.cursor), q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(presentOutbound),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ v: last.createdAt.toISOString(), id: last.id }) : null,
  };
};

/**
 * Queues a failed message again and sends it now; answers with the outcome of this attempt (still
 * queued when outbound mail is not configured: it goes out once it is).
 */
export const retryOutboundEmail = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TOutboundEmail> => {
  ensureAdmin(actor, "manage");
  await inTransaction(ctx, async (tx) => {
    const before = await repo.findOutbound(tx, id);
    if (!before) throw notFound("Outbound email");
    // a reply that could not be emailed when written has no threading headers to send with: write it again
    if (before.status !== "failed" || !before.fromAddress || before.headerMessageId.endsWith("@unsent.invalid>")) {
      throw new AppError("INVALID_TRANSITION", `A ${before.status} message cannot be retried`, "status");
    }
    await repo.updateOutbound(tx, id, {
      status: "queued",
      attempts: 0,
      nextAttemptAt: new Date(),
      failedAt: null,
      lockedUntil: null,
    });
    await recordEvents(tx, actor, [
      {
        type: "outbound_email.retried",
        ...outboundAggregate(before),
        payload: { outboundId: id, before: { status: "failed" }, after: { status: "queued" } },
      },
    ]);
  });
  await deliverOutbound(ctx, id);
  const after = await repo.findOutbound(ctx.db, id);
  if (!after) throw notFound("Outbound email");
  return presentOutbound(after);
};

/* A case's email thread */

const deliveryOf = (o: repo.OutboundRow) => ({
  outboundId: o.id,
  status: o.status,
  to: o.to,
  cc: o.cc,
  attempts: o.attempts,
  lastResponse: o.lastResponse,
  nextAttemptAt: o.status === "queued" ? o.nextAttemptAt : null,
  sentAt: o.sentAt,
});

/** Where each message of a case came from or went to, delivery status included, and who is on the thread. */
export const caseEmail = async (ctx: ServiceContext, actor: AnyActor, caseId: string): Promise<TCaseEmail> =>
  await ctx.db.transaction(async (tx) => {
    await visibleCaseView(tx, actor, caseId);
    const c = await caseForEmail(tx, { id: caseId });
    const details = await repo.detailsOfCase(tx, caseId);
    const outbound = await repo.outboundOfCase(tx, caseId);
    const participants = await repo.participantsOfCase(tx, caseId);
    const inboundMessages = details.map((d) => ({
      messageId: d.messageId,
      direction: "inbound" as const,
      fromAddress: d.fromAddress,
      to: d.to,
      cc: d.cc,
      subject: d.subject,
      headerMessageId: d.headerMessageId,
      quotedText: d.quotedText,
      auth: d.auth
        ? {
            verdict: d.auth.verdict,
            spf: d.auth.spf,
            dkim: d.auth.dkim,
            dmarc: d.auth.dmarc,
            fromDomain: d.auth.fromDomain,
          }
        : null,
      automatic: d.automatic,
      blockedRemoteImages: d.blockedRemoteImages,
      delivery: null,
    }));
    const outboundMessages = outbound.flatMap((o) =>
      o.kind === "reply" && o.messageId
        ? [
            {
              messageId: o.messageId,
              direction: "outbound" as const,
              fromAddress: o.fromAddress || null,
              to: o.to,
              cc: o.cc,
              subject: o.subject,
              headerMessageId: o.headerMessageId,
              quotedText: null,
              auth: null,
              automatic: null,
              blockedRemoteImages: 0,
              delivery: deliveryOf(o),
            },
          ]
        : [],
    );
    return {
      outboundConfigured: ctx.config.email.outbound !== null,
      replyBlocked: c ? await replyDeliverability(ctx, tx, c) : null,
      messages: [...inboundMessages, ...outboundMessages],
      acknowledgements: outbound
        .filter((o) => o.kind === "acknowledgement")
        .map((o) => ({ ...deliveryOf(o), createdAt: o.createdAt })),
      participants: participants.map(({ p, name, email }) => ({
        contactId: p.contactId,
        name,
        email,
        role: p.role,
        pendingReview: p.pendingReview,
        createdAt: p.createdAt,
      })),
    };
  });

/** Accepts someone who replied into the thread without being on it: their mail is welcome from now on. */
export const approveParticipant = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  contactId: string,
): Promise<TCaseEmail> => {
  await inTransaction(ctx, async (tx) => {
    await lockCaseFor(tx, actor, caseId, "update");
    if (!(await repo.approveParticipant(tx, caseId, contactId))) throw notFound("Participant");
    await releaseHeldMail(tx, caseId, contactId);
    await recordEvents(tx, actor, [
      {
        type: "email_participant.approved",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: { before: { contactId, pendingReview: true }, after: { contactId, pendingReview: false } },
      },
    ]);
  });
  return await caseEmail(ctx, actor, caseId);
};

export const removeParticipant = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  contactId: string,
): Promise<TCaseEmail> => {
  await inTransaction(ctx, async (tx) => {
    await lockCaseFor(tx, actor, caseId, "update");
    if (!(await repo.removeParticipant(tx, caseId, contactId))) throw notFound("Participant");
    await recordEvents(tx, actor, [
      {
        type: "email_participant.removed",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: { before: { contactId }, after: null },
      },
    ]);
  });
  return await caseEmail(ctx, actor, caseId);
};
