import { randomUUID } from "node:crypto";
import { and, asc, eq, getTableColumns, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { attachments, contacts, messages, users } from "../../db/schema/index";

/** A message's columns without its search vector (only search reads that, inside the database). */
const { bodyTsv: _bodyTsv, ...messageFields } = getTableColumns(messages);

export type MessageRow = Omit<typeof messages.$inferSelect, "bodyTsv">;
export type AttachmentRow = typeof attachments.$inferSelect;

export const insert = async (db: DbOrTx, values: typeof messages.$inferInsert): Promise<MessageRow> => {
  const [row] = await insertMany(db, [values]);
  if (!row) throw new Error("message insert returned nothing");
  return row;
};

/** Messages in one statement; answers in the order given. */
export const insertMany = async (db: DbOrTx, values: (typeof messages.$inferInsert)[]): Promise<MessageRow[]> => {
  if (values.length === 0) return [];
  const withIds = values.map((v) => ({ ...v, id: v.id ?? randomUUID() }));
  const rows = new Map(
    (await db.insert(messages).values(withIds).returning(messageFields)).map((row) => [row.id, row]),
  );
  return withIds.map((v) => {
    const row = rows.get(v.id);
    if (!row) throw new Error("message insert returned nothing");
    return row;
  });
};

export interface ThreadFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  createdAt: Date;
}

/** Messages, oldest first, with their authors' names and files in one statement; `where` picks them. */
const threadRows = async (db: DbOrTx, where: SQL | undefined) => {
  const rows = await db
    .select({
      m: messageFields,
      userName: users.name,
      contactName: contacts.name,
      files: sql<{ id: string; filename: string; contentType: string; size: number; createdAt: string }[]>`(
        SELECT coalesce(json_agg(json_build_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type,
                                                   'size', a.size, 'createdAt', a.created_at) ORDER BY a.created_at), '[]'::json)
        FROM ${attachments} a WHERE a.message_id = ${messages.id})`,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .leftJoin(contacts, eq(contacts.id, messages.authorContactId))
    .where(where)
    .orderBy(asc(messages.createdAt), asc(messages.id));
  return rows.map((r) => ({
    ...r,
    files: r.files.map((f): ThreadFile => ({ ...f, createdAt: new Date(f.createdAt) })),
  }));
};

/** A case's messages: one statement, so one snapshot. */
export const listByCase = async (db: DbOrTx, caseId: string, includeInternal: boolean) =>
  await threadRows(
    db,
    includeInternal
      ? eq(messages.caseId, caseId)
      : and(eq(messages.caseId, caseId), inArray(messages.kind, ["reply", "phone", "event"])),
  );

/** Releases the mail a sender wrote on a case while pending review; answers how many messages. */
export const releaseHeld = async (db: DbOrTx, caseId: string, contactId: string): Promise<number> =>
  (
    await db
      .update(messages)
      .set({ heldForReview: false })
      .where(
        and(eq(messages.caseId, caseId), eq(messages.authorContactId, contactId), eq(messages.heldForReview, true)),
      )
      .returning({ id: messages.id })
  ).length;

export type ThreadRow = Awaited<ReturnType<typeof threadRows>>[number];

/** One message as its thread shows it. */
export const findInThread = async (db: DbOrTx, id: string) => (await threadRows(db, eq(messages.id, id)))[0];

export const attachmentsOfMessages = async (db: DbOrTx, messageIds: string[]): Promise<AttachmentRow[]> =>
  messageIds.length === 0
    ? []
    : await db
        .select()
        .from(attachments)
        .where(inArray(attachments.messageId, messageIds))
        .orderBy(asc(attachments.createdAt));

export const moveCase = async (db: DbOrTx, fromCaseId: string, toCaseId: string): Promise<number> => {
  const moved = await db
    .update(messages)
    .set({ caseId: toCaseId })
    .where(eq(messages.caseId, fromCaseId))
    .returning({ id: messages.id });
  await db.update(attachments).set({ caseId: toCaseId }).where(eq(attachments.caseId, fromCaseId));
  return moved.length;
};

export const insertAttachment = async (db: DbOrTx, values: typeof attachments.$inferInsert): Promise<AttachmentRow> => {
  const [row] = await db.insert(attachments).values(values).returning();
  if (!row) throw new Error("attachment insert returned nothing");
  return row;
};

export const findAttachment = async (db: DbOrTx, id: string): Promise<AttachmentRow | undefined> =>
  (await db.select().from(attachments).where(eq(attachments.id, id)))[0];

export const pendingAttachments = async (
  db: DbOrTx,
  ids: string[],
  caseId: string,
  uploadedById: string | null,
): Promise<AttachmentRow[]> =>
  ids.length === 0
    ? []
    : await db
        .select()
        .from(attachments)
        .where(
          and(
            inArray(attachments.id, ids),
            eq(attachments.caseId, caseId),
            isNull(attachments.messageId),
            uploadedById ? eq(attachments.uploadedById, uploadedById) : isNull(attachments.uploadedById),
          ),
        );

export const attachToMessage = async (db: DbOrTx, ids: string[], messageId: string): Promise<void> => {
  if (ids.length > 0) await db.update(attachments).set({ messageId }).where(inArray(attachments.id, ids));
};

export const findWithAuthor = async (db: DbOrTx, id: string) =>
  (
    await db
      .select({ m: messages, userName: users.name })
      .from(messages)
      .leftJoin(users, eq(users.id, messages.authorUserId))
      .where(eq(messages.id, id))
  )[0];
