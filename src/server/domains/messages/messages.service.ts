import { createHash } from "node:crypto";
import type { TAttachment, TCreateMessageInput, TMessage } from "../../../shared/contracts/cases";
import type { DbOrTx, Tx } from "../../db/connection";
import { type AnyActor, actorId, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { htmlToPlainText, sanitizeUserHtml } from "../../platform/html";
import {
  authorizeCase,
  type CaseRecord,
  lockCaseFor,
  recordCaseActivity,
  visibleCaseView,
} from "../cases/cases.access";
import * as repo from "./messages.repository";

const presentAttachment = (a: repo.AttachmentRow | repo.ThreadFile): TAttachment => ({
  id: a.id,
  filename: a.filename,
  contentType: a.contentType,
  size: a.size,
  createdAt: a.createdAt,
});

const bodies = (body: string, format: "text" | "html"): { bodyText: string; bodyHtml: string | null } => {
  if (format === "text") return { bodyText: body, bodyHtml: null };
  const bodyHtml = sanitizeUserHtml(body);
  return { bodyText: htmlToPlainText(bodyHtml), bodyHtml };
};

const messageEvent = (m: repo.MessageRow, attachmentIds: string[], callbackId?: string) => ({
  type: "message.added" as const,
  aggregateType: "case",
  aggregateId: m.caseId,
  caseId: m.caseId,
  payload: {
    messageId: m.id,
    kind: m.kind,
    authorUserId: m.authorUserId,
    authorContactId: m.authorContactId,
    attachmentIds,
    ...(callbackId ? { callbackId } : {}),
  },
});

/** A message as the thread shows it; `names` are the author's current names. */
const presentMessage = (
  m: repo.MessageRow,
  names: { userName: string | null; contactName: string | null },
  files: readonly (repo.AttachmentRow | repo.ThreadFile)[],
): TMessage => ({
  id: m.id,
  caseId: m.caseId,
  kind: m.kind,
  author: m.authorUserId
    ? { type: "user" as const, id: m.authorUserId, name: names.userName ?? "" }
    : m.authorContactId
      ? { type: "contact" as const, id: m.authorContactId, name: names.contactName ?? "" }
      : { type: "system" as const, id: null, name: "Extramile" },
  bodyText: m.bodyText,
  bodyHtml: m.bodyHtml,
  phone: m.phoneDirection
    ? { direction: m.phoneDirection, number: m.phoneNumber, durationSeconds: m.phoneDurationSeconds }
    : null,
  attachments: files.map(presentAttachment),
  heldForReview: m.heldForReview,
  createdAt: m.createdAt,
});

/** The whole thread; read alongside the visibility check and returned only when the case is visible. */
export const listMessages = async (ctx: ServiceContext, actor: AnyActor, caseId: string): Promise<TMessage[]> => {
  const [, rows] = await Promise.all([visibleCaseView(ctx.db, actor, caseId), repo.listByCase(ctx.db, caseId, true)]);
  return rows.map(({ m, userName, contactName, files }) => presentMessage(m, { userName, contactName }, files));
};

export const addMessage = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  input: TCreateMessageInput,
): Promise<TMessage> => {
  if (input.kind === "phone" && !input.phone) throw invalid("phone", "A phone log needs the call's direction");
  if (input.kind !== "phone" && input.phone) throw invalid("phone", "Only phone logs carry call details");
  return await inTransaction(ctx, async (tx) => {
    const row = await lockCaseFor(tx, actor, caseId, input.kind === "note" ? "note" : "reply");
    if (row.status === "closed" && input.kind !== "note") {
      throw new AppError(
        "INVALID_TRANSITION",
        "This case is closed; open a follow-up case to write to the customer",
        "kind",
      );
    }
    await ctx.caseGuards.beforeMessage(tx, actor, row, { kind: input.kind, callbackId: input.phone?.callbackId });
    const uniqueIds = [...new Set(input.attachmentIds)];
    const pending = await repo.pendingAttachments(tx, uniqueIds, caseId, actorId(actor));
    if (pending.length !== uniqueIds.length) {
      throw invalid("attachmentIds", "Attachments must be uploaded to this case by you and not yet sent");
    }
    const m = await repo.insert(tx, {
      caseId,
      kind: input.kind,
      authorUserId: actorId(actor),
      ...bodies(input.body, input.format),
      phoneDirection: input.phone?.direction ?? null,
      phoneNumber: input.phone?.number ?? null,
      phoneDurationSeconds: input.phone?.durationSeconds ?? null,
    });
    await repo.attachToMessage(tx, uniqueIds, m.id);
    await recordEvents(tx, actor, [messageEvent(m, uniqueIds, input.phone?.callbackId)]);
    await recordCaseActivity(tx, actor, row, input.kind);
    // Written by the actor, with the files just read: nothing to read back (the thread's order is by time too).
    const files = [...pending].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return presentMessage(m, { userName: actor.name, contactName: null }, files);
  });
};

/** The opening message of a new case: the customer's words, or the employee's call log. */
export const addFirstMessage = async (
  tx: Tx,
  actor: AnyActor,
  c: { id: string; channel: string },
  requesterId: string,
  body: string,
  format: "text" | "html",
): Promise<void> => {
  const byEmployee = c.channel === "phone" || c.channel === "agent";
  const m = await repo.insert(tx, {
    caseId: c.id,
    kind: c.channel === "phone" ? "phone" : "reply",
    authorUserId: byEmployee ? actorId(actor) : null,
    authorContactId: byEmployee ? null : requesterId,
    ...bodies(body, format),
    phoneDirection: c.channel === "phone" ? "inbound" : null,
  });
  await recordEvents(tx, actor, [messageEvent(m, [])]);
};

/** A system line in the thread ("merged into #1234"). */
export const addEventMessage = async (tx: Tx, caseId: string, text: string): Promise<void> => {
  await repo.insert(tx, { caseId, kind: "event", bodyText: text });
};

export const moveThread = async (tx: Tx, fromCaseId: string, toCaseId: string): Promise<number> =>
  await repo.moveCase(tx, fromCaseId, toCaseId);

const isInvisibleOrControl = (cp: number): boolean =>
  cp < 0x20 ||
  cp === 0x7f ||
  (cp >= 0x200b && cp <= 0x200f) ||
  (cp >= 0x202a && cp <= 0x202e) ||
  (cp >= 0x2066 && cp <= 0x2069) ||
  cp === 0xfeff;

/** No paths, control characters, zero-width or bidi-override characters; never empty. */
export const sanitizeFilename = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = [...base]
    .filter((ch) => !isInvisibleOrControl(ch.codePointAt(0) ?? 0))
    .join("")
    .replace(/^\.+/, "")
    .trim()
    .slice(0, 200);
  return cleaned.length > 0 ? cleaned : "attachment";
};

export const uploadAttachment = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
  file: { filename: string; contentType: string; data: Buffer },
): Promise<TAttachment> =>
  await inTransaction(ctx, async (tx) => {
    await lockCaseFor(tx, actor, caseId, "note");
    const blobId = await ctx.blobs.put(tx, file.data);
    const row = await repo.insertAttachment(tx, {
      caseId,
      blobId,
      filename: sanitizeFilename(file.filename),
      contentType: /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType)
        ? file.contentType.toLowerCase()
        : "application/octet-stream",
      size: file.data.length,
      sha256: createHash("sha256").update(file.data).digest("hex"),
      uploadedById: actorId(actor),
    });
    await recordEvents(tx, actor, [
      {
        type: "attachment.uploaded",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: { attachmentId: row.id, filename: row.filename, size: row.size },
      },
    ]);
    return presentAttachment(row);
  });

/** Types a browser could run or render as a page are served as plain bytes. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml|text\/javascript|application\/javascript)/;

export const downloadAttachment = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
): Promise<{ filename: string; contentType: string; data: Buffer }> =>
  await ctx.db.transaction(async (tx) => {
    const row = await repo.findAttachment(tx, id);
    if (!row) throw notFound("Attachment");
    await visibleCaseView(tx, actor, row.caseId).catch(() => {
      throw notFound("Attachment");
    });
    if (!row.messageId && row.uploadedById !== actorId(actor)) throw notFound("Attachment");
    const data = await ctx.blobs.get(tx, row.blobId);
    if (!data) throw notFound("Attachment");
    return {
      filename: row.filename,
      contentType: ACTIVE_TYPES.test(row.contentType) ? "application/octet-stream" : row.contentType,
      data,
    };
  });

export interface EmailFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Stores the files of an inbound mail on its case, in the caller's transaction; the message follows. */
export const storeEmailAttachments = async (
  ctx: ServiceContext,
  tx: Tx,
  caseId: string,
  files: EmailFile[],
): Promise<TAttachment[]> => {
  const stored: TAttachment[] = [];
  for (const file of files) {
    const blobId = await ctx.blobs.put(tx, file.data);
    const row = await repo.insertAttachment(tx, {
      caseId,
      blobId,
      filename: sanitizeFilename(file.filename),
      contentType: /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType)
        ? file.contentType.toLowerCase()
        : "application/octet-stream",
      size: file.data.length,
      sha256: createHash("sha256").update(file.data).digest("hex"),
      uploadedById: null,
    });
    stored.push(presentAttachment(row));
  }
  return stored;
};

/**
 * A message that arrived by email: the customer's words (already sanitized by the email channel), an
 * employee's reply sent from their mailbox, or a system note. Returns the new message's id.
 */
export interface EmailMessageInput {
  kind: "reply" | "note";
  authorContactId: string | null;
  bodyText: string;
  bodyHtml: string | null;
  attachmentIds: string[];
  /** From a sender pending review: kept out of the customer portal until `releaseHeldMail`. */
  heldForReview?: boolean;
}

export const addEmailMessage = async (
  tx: Tx,
  actor: AnyActor,
  to: string | CaseRecord,
  input: EmailMessageInput,
): Promise<string> => {
  if (typeof to !== "string") {
    const [id] = await addEmailMessagesToNewCases(tx, actor, [{ to, input }]);
    if (!id) throw new Error("message insert returned nothing");
    return id;
  }
  const row = await lockCaseFor(tx, actor, to, input.kind);
  const m = await repo.insert(tx, {
    caseId: row.id,
    kind: input.kind,
    authorUserId: actorId(actor),
    authorContactId: input.authorContactId,
    bodyText: input.bodyText,
    bodyHtml: input.bodyHtml,
    heldForReview: input.heldForReview ?? false,
  });
  await repo.attachToMessage(tx, input.attachmentIds, m.id);
  await recordEvents(tx, actor, [messageEvent(m, input.attachmentIds)]);
  await recordCaseActivity(tx, actor, row, input.kind);
  return m.id;
};

/**
 * The first messages of cases this transaction has just created, in one statement: those cases are locked by
 * their inserts already and were last active then. Answers the message ids in order.
 */
export const addEmailMessagesToNewCases = async (
  tx: Tx,
  actor: AnyActor,
  items: readonly { to: CaseRecord; input: EmailMessageInput }[],
): Promise<string[]> => {
  for (const { to, input } of items) await authorizeCase(tx, actor, to.id, input.kind);
  const rows = await repo.insertMany(
    tx,
    items.map(({ to, input }) => ({
      caseId: to.id,
      kind: input.kind,
      authorUserId: actorId(actor),
      authorContactId: input.authorContactId,
      bodyText: input.bodyText,
      bodyHtml: input.bodyHtml,
      heldForReview: input.heldForReview ?? false,
    })),
  );
  const added = rows.map((m, index) => ({ m, item: items[index] as (typeof items)[number] }));
  for (const { m, item } of added) await repo.attachToMessage(tx, item.input.attachmentIds, m.id);
  await recordEvents(
    tx,
    actor,
    added.map(({ m, item }) => messageEvent(m, item.input.attachmentIds)),
  );
  if (actor.type === "user") {
    for (const { item } of added) await recordCaseActivity(tx, actor, item.to, item.input.kind);
  }
  return rows.map((m) => m.id);
};

/** An internal note by the system (a delivery failure, say), visible to employees only. */
export const addSystemNote = async (tx: Tx, caseId: string, text: string): Promise<void> => {
  const m = await repo.insert(tx, { caseId, kind: "note", bodyText: text });
  await recordEvents(tx, SYSTEM, [messageEvent(m, [])]);
};

export interface MessageForEmail {
  id: string;
  caseId: string;
  kind: "reply" | "note" | "phone" | "event";
  authorUserId: string | null;
  authorName: string | null;
  bodyText: string;
  bodyHtml: string | null;
  attachments: { id: string; filename: string; contentType: string; size: number }[];
}

/** A message with its attachment list, as outbound mail renders it. */
export const messageForEmail = async (db: DbOrTx, messageId: string): Promise<MessageForEmail | null> => {
  const row = await repo.findWithAuthor(db, messageId);
  if (!row) return null;
  const files = await repo.attachmentsOfMessages(db, [messageId]);
  return {
    id: row.m.id,
    caseId: row.m.caseId,
    kind: row.m.kind,
    authorUserId: row.m.authorUserId,
    authorName: row.userName,
    bodyText: row.m.bodyText,
    bodyHtml: row.m.bodyHtml,
    attachments: files.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size })),
  };
};

/** The bytes of an attachment, for the system (outbound mail); no permission check. */
export const attachmentFile = async (ctx: ServiceContext, db: DbOrTx, id: string): Promise<EmailFile | null> => {
  const row = await repo.findAttachment(db, id);
  const data = row ? await ctx.blobs.get(db, row.blobId) : null;
  return row && data ? { filename: row.filename, contentType: row.contentType, data } : null;
};

export interface PublicMessage {
  id: string;
  authorUserId: string | null;
  authorContactId: string | null;
  authorName: string;
  bodyText: string;
  bodyHtml: string | null;
  attachments: TAttachment[];
  createdAt: Date;
}

/** The replies of a case, oldest first: what its customers may read (never notes, calls, system lines or held mail). */
const presentPublic = ({ m, userName, contactName, files }: repo.ThreadRow): PublicMessage => ({
  id: m.id,
  authorUserId: m.authorUserId,
  authorContactId: m.authorContactId,
  authorName: (m.authorUserId ? userName : contactName) ?? "",
  bodyText: m.bodyText,
  bodyHtml: m.bodyHtml,
  attachments: files.map(presentAttachment),
  createdAt: m.createdAt,
});

const isPublic = (r: { m: { kind: string; heldForReview: boolean } }): boolean =>
  r.m.kind === "reply" && !r.m.heldForReview;

export const publicThread = async (db: DbOrTx, caseId: string): Promise<PublicMessage[]> =>
  (await repo.listByCase(db, caseId, false)).filter(isPublic).map(presentPublic);

/** The sender of mail held for review was accepted: their messages on the case reach its customers. */
export const releaseHeldMail = async (tx: Tx, caseId: string, contactId: string): Promise<number> =>
  await repo.releaseHeld(tx, caseId, contactId);

/** One public reply as `publicThread` shows it (null for any other message). */
export const publicMessage = async (db: DbOrTx, id: string): Promise<PublicMessage | null> => {
  const row = await repo.findInThread(db, id);
  return row && isPublic(row) ? presentPublic(row) : null;
};

/** A file of a case's public reply, with the case it belongs to (the portal authorizes the case); else null. */
export const publicAttachment = async (
  ctx: ServiceContext,
  db: DbOrTx,
  id: string,
): Promise<{ caseId: string; file: EmailFile } | null> => {
  const row = await repo.findAttachment(db, id);
  const message = row?.messageId ? await repo.findWithAuthor(db, row.messageId) : null;
  if (!row || !message || !isPublic(message)) return null;
  const data = await ctx.blobs.get(db, row.blobId);
  if (!data) return null;
  return {
    caseId: row.caseId,
    file: {
      filename: row.filename,
      contentType: ACTIVE_TYPES.test(row.contentType) ? "application/octet-stream" : row.contentType,
      data,
    },
  };
};
