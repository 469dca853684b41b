import { and, asc, desc, eq, inArray, isNotNull, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import {
  autoAcknowledgements,
  contactEmails,
  contacts,
  emailAttachmentParts,
  emailMessageDetails,
  emailParticipants,
  imapMailboxes,
  inboundMessagePieces,
  inboundMessages,
  outboundMessages,
  supportAddresses,
} from "../../db/schema/index";

export type SupportAddressRow = typeof supportAddresses.$inferSelect;
export type MailboxRow = typeof imapMailboxes.$inferSelect;
export type InboundRow = typeof inboundMessages.$inferSelect;
export type InboundSummary = Omit<InboundRow, "raw">;
export type OutboundRow = typeof outboundMessages.$inferSelect;
export type ParticipantRow = typeof emailParticipants.$inferSelect;
export type DetailsRow = typeof emailMessageDetails.$inferSelect;

const first = <T>(rows: T[]): T | undefined => rows[0];

/* Support addresses */

export const listAddresses = async (db: DbOrTx): Promise<SupportAddressRow[]> =>
  await db.select().from(supportAddresses).orderBy(asc(supportAddresses.address));

export const activeAddresses = async (db: DbOrTx): Promise<SupportAddressRow[]> =>
  await db.select().from(supportAddresses).where(eq(supportAddresses.active, true));

export const findAddress = async (db: DbOrTx, id: string): Promise<SupportAddressRow | undefined> =>
  first(await db.select().from(supportAddresses).where(eq(supportAddresses.id, id)));

export const insertAddress = async (
  db: DbOrTx,
  values: typeof supportAddresses.$inferInsert,
): Promise<SupportAddressRow> => {
  const [row] = await db.insert(supportAddresses).values(values).returning();
  if (!row) throw new Error("support address insert returned nothing");
  return row;
};

export const updateAddress = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof supportAddresses.$inferInsert>,
): Promise<SupportAddressRow | undefined> =>
  first(
    await db
      .update(supportAddresses)
      .set({ ...values, updatedAt: new Date(), version: sql`${supportAddresses.version} + 1` })
      .where(eq(supportAddresses.id, id))
      .returning(),
  );

export const deleteAddress = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(supportAddresses).where(eq(supportAddresses.id, id));
};

export const addressInUse = async (db: DbOrTx, id: string): Promise<boolean> => {
  const result = await db.execute<{ used: boolean }>(sql`SELECT
    EXISTS (SELECT 1 FROM ${imapMailboxes} WHERE support_address_id = ${id})
    OR EXISTS (SELECT 1 FROM ${emailMessageDetails} WHERE support_address_id = ${id})
    OR EXISTS (SELECT 1 FROM ${outboundMessages} WHERE support_address_id = ${id}) AS used`);
  return result.rows[0]?.used ?? false;
};

/* IMAP mailboxes */

export const listMailboxes = async (db: DbOrTx): Promise<MailboxRow[]> =>
  await db.select().from(imapMailboxes).orderBy(asc(imapMailboxes.name), asc(imapMailboxes.id));

export const activeMailboxes = async (db: DbOrTx): Promise<MailboxRow[]> =>
  await db.select().from(imapMailboxes).where(eq(imapMailboxes.active, true));

export const findMailbox = async (db: DbOrTx, id: string): Promise<MailboxRow | undefined> =>
  first(await db.select().from(imapMailboxes).where(eq(imapMailboxes.id, id)));

export const insertMailbox = async (db: DbOrTx, values: typeof imapMailboxes.$inferInsert): Promise<MailboxRow> => {
  const [row] = await db.insert(imapMailboxes).values(values).returning();
  if (!row) throw new Error("mailbox insert returned nothing");
  return row;
};

export const updateMailbox = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof imapMailboxes.$inferInsert>,
): Promise<MailboxRow | undefined> =>
  first(
    await db
      .update(imapMailboxes)
      .set({ ...values, updatedAt: new Date(), version: sql`${imapMailboxes.version} + 1` })
      .where(eq(imapMailboxes.id, id))
      .returning(),
  );

/** Status written by the poller: no version bump, so an admin's concurrent edit is not refused. */
export const setMailboxStatus = async (
  db: DbOrTx,
  id: string,
  values: Partial<
    Pick<MailboxRow, "state" | "lastSuccessAt" | "lastError" | "lastErrorAt" | "consecutiveFailures" | "nextAttemptAt">
  > & { imported?: number },
): Promise<void> => {
  const { imported, ...rest } = values;
  await db
    .update(imapMailboxes)
    .set({ ...rest, ...(imported ? { importedCount: sql`${imapMailboxes.importedCount} + ${imported}` } : {}) })
    .where(eq(imapMailboxes.id, id));
};

export const deleteMailbox = async (db: DbOrTx, id: string): Promise<void> => {
  await db.delete(imapMailboxes).where(eq(imapMailboxes.id, id));
};

/** Takes or renews the right to poll a mailbox for `seconds`; false while another process holds it. */
export const claimMailboxLease = async (db: DbOrTx, id: string, owner: string, seconds: number): Promise<boolean> =>
  (
    await db
      .update(imapMailboxes)
      .set({ leaseOwner: owner, leaseUntil: sql`now() + make_interval(secs => ${seconds})` })
      .where(
        and(
          eq(imapMailboxes.id, id),
          sql`(${imapMailboxes.leaseUntil} IS NULL OR ${imapMailboxes.leaseUntil} < now() OR ${imapMailboxes.leaseOwner} = ${owner})`,
        ),
      )
      .returning({ id: imapMailboxes.id })
  ).length > 0;

export const releaseMailboxLease = async (db: DbOrTx, id: string, owner: string): Promise<void> => {
  await db
    .update(imapMailboxes)
    .set({ leaseOwner: null, leaseUntil: null })
    .where(and(eq(imapMailboxes.id, id), eq(imapMailboxes.leaseOwner, owner)));
};

/* Inbound messages */

/**
 * A message's bytes are stored as a first piece of at most this size in `raw`, the rest in numbered
 * pieces: one huge protocol message is slow on the embedded database's socket (it buffers by
 * repeated concatenation), several moderate ones are not. Most mail fits in the first piece.
 */
export const RAW_PIECE = 4 * 1024 * 1024;

/** Stores a message unless the same one is there; a large one in pieces, so pass a transaction for those. */
export const insertInbound = async (
  db: DbOrTx,
  values: typeof inboundMessages.$inferInsert,
): Promise<{ id: string; duplicate: boolean }> => {
  const [row] = await db
    .insert(inboundMessages)
    .values({ ...values, raw: values.raw.subarray(0, RAW_PIECE) })
    .onConflictDoNothing({ target: [inboundMessages.source, inboundMessages.sha256] })
    .returning({ id: inboundMessages.id });
  if (row) {
    for (let at = RAW_PIECE, seq = 1; at < values.raw.length; at += RAW_PIECE, seq++) {
      await db
        .insert(inboundMessagePieces)
        .values({ inboundMessageId: row.id, seq, data: values.raw.subarray(at, at + RAW_PIECE) });
    }
    return { id: row.id, duplicate: false };
  }
  const [existing] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.source, values.source), eq(inboundMessages.sha256, values.sha256)));
  if (!existing) throw new Error("inbound message neither inserted nor found");
  return { id: existing.id, duplicate: true };
};

const summaryColumns = {
  id: inboundMessages.id,
  source: inboundMessages.source,
  sha256: inboundMessages.sha256,
  size: inboundMessages.size,
  envelope: inboundMessages.envelope,
  status: inboundMessages.status,
  problems: inboundMessages.problems,
  parseAttempts: inboundMessages.parseAttempts,
  lastAttemptAt: inboundMessages.lastAttemptAt,
  headerMessageId: inboundMessages.headerMessageId,
  fromAddress: inboundMessages.fromAddress,
  subject: inboundMessages.subject,
  dedupeKey: inboundMessages.dedupeKey,
  caseId: inboundMessages.caseId,
  messageId: inboundMessages.messageId,
  receivedAt: inboundMessages.receivedAt,
  processedAt: inboundMessages.processedAt,
};

export const findInbound = async (db: DbOrTx, id: string): Promise<InboundSummary | undefined> =>
  first(await db.select(summaryColumns).from(inboundMessages).where(eq(inboundMessages.id, id)));

/** The message's bytes exactly as received. */
export const rawOf = async (db: DbOrTx, id: string): Promise<Buffer | undefined> => {
  const head = first(
    await db
      .select({ raw: inboundMessages.raw, size: inboundMessages.size })
      .from(inboundMessages)
      .where(eq(inboundMessages.id, id)),
  );
  if (!head || head.raw.length === head.size) return head?.raw;
  return Buffer.concat([head.raw, ...(await laterPieces(db, id))]);
};

/**
 * Counts a parse attempt before it starts, so a message that keeps killing its parser is noticed; only
 * messages still waiting. Each comes with its first piece of raw bytes (all of them for most mail).
 */
export const startAttempts = async (db: DbOrTx, ids: string[]): Promise<(InboundSummary & { rawHead: Buffer })[]> =>
  ids.length === 0
    ? []
    : await db
        .update(inboundMessages)
        .set({ parseAttempts: sql`${inboundMessages.parseAttempts} + 1`, lastAttemptAt: new Date() })
        .where(and(inArray(inboundMessages.id, ids), eq(inboundMessages.status, "received")))
        .returning({ ...summaryColumns, rawHead: inboundMessages.raw });

/** The pieces after the first of a large message, in order. */
export const laterPieces = async (db: DbOrTx, id: string): Promise<Buffer[]> =>
  (
    await db
      .select({ data: inboundMessagePieces.data })
      .from(inboundMessagePieces)
      .where(eq(inboundMessagePieces.inboundMessageId, id))
      .orderBy(asc(inboundMessagePieces.seq))
  ).map((p) => p.data);

/** Locks a message still waiting to be processed; undefined when another worker got there first. */
export const lockReceived = async (db: DbOrTx, id: string): Promise<InboundSummary | undefined> =>
  first(await lockReceivedMany(db, [id]));

/** Locks those of these messages still waiting to be processed, in id order (two batches never wait on each other in a circle). */
export const lockReceivedMany = async (db: DbOrTx, ids: string[]): Promise<InboundSummary[]> =>
  ids.length === 0
    ? []
    : await db
        .select(summaryColumns)
        .from(inboundMessages)
        .where(and(inArray(inboundMessages.id, ids), eq(inboundMessages.status, "received")))
        .orderBy(asc(inboundMessages.id))
        .for("update");

export const finishInbound = async (
  db: DbOrTx,
  id: string,
  values: Pick<InboundRow, "status" | "problems"> &
    Partial<Pick<InboundRow, "caseId" | "messageId" | "headerMessageId" | "fromAddress" | "subject" | "dedupeKey">>,
): Promise<void> => {
  await db
    .update(inboundMessages)
    .set({ ...values, processedAt: new Date() })
    .where(eq(inboundMessages.id, id));
};

/** One value of each row, bound as a single array parameter. */
const column = <R, V>(rows: readonly R[], value: (row: R) => V) => sql.param(rows.map(value));

/**
 * Records where many messages ended that were filed into cases: one UPDATE for each distinct list of problems
 * (usually one in all), the rest of the values bound as arrays.
 */
export const finishFiled = async (
  db: DbOrTx,
  rows: readonly {
    id: string;
    problems: string[];
    caseId: string;
    messageId: string;
    headerMessageId: string | null;
    fromAddress: string | null;
    subject: string | null;
    dedupeKey: string | null;
  }[],
): Promise<void> => {
  const byProblems = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) {
    const key = JSON.stringify(row.problems);
    const group = byProblems.get(key);
    if (group) group.push(row);
    else byProblems.set(key, [row]);
  }
  for (const group of byProblems.values()) {
    const problems = group[0]?.problems ?? [];
    await db.execute(sql`
      UPDATE ${inboundMessages} AS i
      SET status = 'parsed', problems = ${sql.param(problems)}::text[], case_id = f.case_id,
          message_id = f.message_id, header_message_id = f.header_message_id, from_address = f.from_address,
          subject = f.subject, dedupe_key = f.dedupe_key, processed_at = now()
      FROM unnest(
        ${column(group, (r) => r.id)}::uuid[], ${column(group, (r) => r.caseId)}::uuid[],
        ${column(group, (r) => r.messageId)}::uuid[], ${column(group, (r) => r.headerMessageId)}::text[],
        ${column(group, (r) => r.fromAddress)}::text[], ${column(group, (r) => r.subject)}::text[],
        ${column(group, (r) => r.dedupeKey)}::text[]
      ) AS f(id, case_id, message_id, header_message_id, from_address, subject, dedupe_key)
      WHERE i.id = f.id`);
  }
};

/** Messages received but not processed: none in flight for `staleSeconds`, oldest first. */
export const staleReceived = async (db: DbOrTx, staleSeconds: number, limit: number): Promise<string[]> =>
  (
    await db
      .select({ id: inboundMessages.id })
      .from(inboundMessages)
      .where(
        and(
          eq(inboundMessages.status, "received"),
          sql`coalesce(${inboundMessages.lastAttemptAt}, ${inboundMessages.receivedAt}) < now() - make_interval(secs => ${staleSeconds})`,
        ),
      )
      .orderBy(asc(inboundMessages.receivedAt))
      .limit(limit)
  ).map((r) => r.id);

export const listInbound = async (
  db: DbOrTx,
  status: InboundRow["status"],
  after: { at: string; id: string } | null,
  limit: number,
): Promise<InboundSummary[]> => {
  const where: SQL[] = [eq(inboundMessages.status, status)];
  if (after) {
    where.push(
      sql`(${inboundMessages.receivedAt}, ${inboundMessages.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return await db
    .select(summaryColumns)
    .from(inboundMessages)
    .where(and(...where))
    .orderBy(desc(inboundMessages.receivedAt), desc(inboundMessages.id))
    .limit(limit);
};

export const resetInbound = async (db: DbOrTx, id: string): Promise<InboundSummary | undefined> =>
  first(
    await db
      .update(inboundMessages)
      .set({ status: "received", parseAttempts: 0, lastAttemptAt: null, processedAt: null })
      .where(and(eq(inboundMessages.id, id), inArray(inboundMessages.status, ["quarantined", "ignored"])))
      .returning(summaryColumns),
  );

export const countInbound = async (db: DbOrTx, status: InboundRow["status"]): Promise<number> =>
  first(
    await db.select({ n: sql<number>`count(*)::int` }).from(inboundMessages).where(eq(inboundMessages.status, status)),
  )?.n ?? 0;

/** Cases that earlier inbound mail with one of these Message-IDs went to. */
export const casesByInboundMessageIds = async (db: DbOrTx, headerIds: string[]): Promise<string[]> =>
  headerIds.length === 0
    ? []
    : (
        await db
          .select({ caseId: inboundMessages.caseId, receivedAt: inboundMessages.receivedAt })
          .from(inboundMessages)
          .where(
            and(
              inArray(inboundMessages.headerMessageId, headerIds),
              eq(inboundMessages.status, "parsed"),
              isNotNull(inboundMessages.caseId),
            ),
          )
          .orderBy(desc(inboundMessages.receivedAt))
      ).flatMap((r) => (r.caseId ? [r.caseId] : []));

/**
 * Serializes intake of the same mail arriving twice at once (two addresses, SMTP and IMAP): a transaction-scoped
 * advisory lock per dedupe key, taken in key order so two batches never wait on each other in a circle.
 */
export const lockDedupeKeys = async (db: DbOrTx, keys: readonly string[]): Promise<void> => {
  if (keys.length === 0) return;
  await db.execute(sql`
    SELECT pg_advisory_xact_lock(hashtextextended(k, 20261207))
    FROM (SELECT DISTINCT k FROM unnest(${sql.param([...keys])}::text[]) AS k ORDER BY k) AS keys`);
};

export interface FiledCopy {
  id: string;
  dedupeKey: string;
  caseId: string | null;
  messageId: string | null;
}

/** Copies of these mails already filed (or deliberately ignored), the first of each key. */
export const filedByDedupeKeys = async (db: DbOrTx, keys: readonly string[]): Promise<Map<string, FiledCopy>> => {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select({
      id: inboundMessages.id,
      dedupeKey: inboundMessages.dedupeKey,
      caseId: inboundMessages.caseId,
      messageId: inboundMessages.messageId,
    })
    .from(inboundMessages)
    .where(and(inArray(inboundMessages.dedupeKey, [...keys]), inArray(inboundMessages.status, ["parsed", "ignored"])))
    .orderBy(asc(inboundMessages.receivedAt), asc(inboundMessages.id));
  const found = new Map<string, FiledCopy>();
  for (const r of rows) {
    if (r.dedupeKey && !found.has(r.dedupeKey)) found.set(r.dedupeKey, { ...r, dedupeKey: r.dedupeKey });
  }
  return found;
};

/* Message details */

export const insertDetails = async (db: DbOrTx, rows: (typeof emailMessageDetails.$inferInsert)[]): Promise<void> => {
  if (rows.length > 0) await db.insert(emailMessageDetails).values(rows);
};

export const detailsOfCase = async (db: DbOrTx, caseId: string): Promise<DetailsRow[]> =>
  await db
    .select()
    .from(emailMessageDetails)
    .where(eq(emailMessageDetails.caseId, caseId))
    .orderBy(asc(emailMessageDetails.createdAt));

/** The support address the case's mail last came in on. */
export const supportAddressOfCase = async (db: DbOrTx, caseId: string): Promise<string | null> =>
  first(
    await db
      .select({ id: emailMessageDetails.supportAddressId })
      .from(emailMessageDetails)
      .where(and(eq(emailMessageDetails.caseId, caseId), isNotNull(emailMessageDetails.supportAddressId)))
      .orderBy(desc(emailMessageDetails.createdAt))
      .limit(1),
  )?.id ?? null;

export const insertAttachmentParts = async (
  db: DbOrTx,
  rows: (typeof emailAttachmentParts.$inferInsert)[],
): Promise<void> => {
  if (rows.length > 0) await db.insert(emailAttachmentParts).values(rows);
};

/* Participants */

export const addParticipants = async (db: DbOrTx, rows: (typeof emailParticipants.$inferInsert)[]): Promise<number> =>
  rows.length === 0 ? 0 : (await db.insert(emailParticipants).values(rows).onConflictDoNothing().returning()).length;

export const findParticipant = async (
  db: DbOrTx,
  caseId: string,
  contactId: string,
): Promise<ParticipantRow | undefined> =>
  first(
    await db
      .select()
      .from(emailParticipants)
      .where(and(eq(emailParticipants.caseId, caseId), eq(emailParticipants.contactId, contactId))),
  );

export const participantsOfCase = async (db: DbOrTx, caseId: string) =>
  await db
    .select({
      p: emailParticipants,
      name: contacts.name,
      email: sql<
        string | null
      >`(SELECT ce.email FROM ${contactEmails} ce WHERE ce.contact_id = ${emailParticipants.contactId} ORDER BY ce.position LIMIT 1)`,
    })
    .from(emailParticipants)
    .innerJoin(contacts, eq(contacts.id, emailParticipants.contactId))
    .where(eq(emailParticipants.caseId, caseId))
    .orderBy(asc(emailParticipants.createdAt), asc(emailParticipants.contactId));

export const approveParticipant = async (db: DbOrTx, caseId: string, contactId: string): Promise<boolean> =>
  (
    await db
      .update(emailParticipants)
      .set({ pendingReview: false })
      .where(and(eq(emailParticipants.caseId, caseId), eq(emailParticipants.contactId, contactId)))
      .returning()
  ).length > 0;

export const removeParticipant = async (db: DbOrTx, caseId: string, contactId: string): Promise<boolean> =>
  (
    await db
      .delete(emailParticipants)
      .where(and(eq(emailParticipants.caseId, caseId), eq(emailParticipants.contactId, contactId)))
      .returning()
  ).length > 0;

/* Automatic acknowledgements */

/** Records an acknowledgement to `sender` unless one went out within the window; true when this one may go. */
/**
 * Claims the acknowledgement window of each sender (one claim per sender: the caller lists each sender once) for the
 * case named with it; returns the senders whose claim succeeded (no acknowledgement within the window).
 */
export const claimAutoAcks = async (
  db: DbOrTx,
  claims: readonly { sender: string; caseId: string }[],
  windowDays: number,
): Promise<Set<string>> => {
  if (claims.length === 0) return new Set();
  const now = new Date();
  const claimed = await db
    .insert(autoAcknowledgements)
    .values(claims.map(({ sender, caseId }) => ({ sender, lastSentAt: now, caseId })))
    .onConflictDoUpdate({
      target: autoAcknowledgements.sender,
      set: { lastSentAt: now, caseId: sql`excluded.case_id` },
      setWhere: sql`${autoAcknowledgements.lastSentAt} < now() - make_interval(secs => ${windowDays * 86_400})`,
    })
    .returning({ sender: autoAcknowledgements.sender });
  return new Set(claimed.map((c) => c.sender));
};

/* Outbound messages */

export const insertOutbound = async (
  db: DbOrTx,
  values: typeof outboundMessages.$inferInsert,
): Promise<OutboundRow | undefined> =>
  first(await db.insert(outboundMessages).values(values).onConflictDoNothing().returning());

/** Inserts outbound messages in one statement; returns the id and case of each one inserted. */
export const insertOutboundMany = async (
  db: DbOrTx,
  values: readonly (typeof outboundMessages.$inferInsert)[],
): Promise<{ id: string; caseId: string | null }[]> =>
  values.length === 0
    ? []
    : await db
        .insert(outboundMessages)
        .values([...values])
        .onConflictDoNothing()
        .returning({ id: outboundMessages.id, caseId: outboundMessages.caseId });

export const findOutboundByHeaderMessageId = async (
  db: DbOrTx,
  headerMessageIds: readonly string[],
): Promise<OutboundRow | undefined> =>
  headerMessageIds.length === 0
    ? undefined
    : first(
        await db
          .select()
          .from(outboundMessages)
          .where(inArray(outboundMessages.headerMessageId, [...headerMessageIds]))
          .limit(1),
      );

export const findOutbound = async (db: DbOrTx, id: string): Promise<OutboundRow | undefined> =>
  first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, id)));

/** Takes a due message for sending (one sender at a time; the claim lapses if the sender dies). */
export const claimOutbound = async (db: DbOrTx, id: string, lockSeconds: number): Promise<OutboundRow | undefined> =>
  first(
    await db
      .update(outboundMessages)
      .set({
        attempts: sql`${outboundMessages.attempts} + 1`,
        lockedUntil: sql`now() + make_interval(secs => ${lockSeconds})`,
      })
      .where(
        and(
          eq(outboundMessages.id, id),
          eq(outboundMessages.status, "queued"),
          sql`${outboundMessages.nextAttemptAt} <= now()`,
          or(sql`${outboundMessages.lockedUntil} IS NULL`, sql`${outboundMessages.lockedUntil} < now()`),
        ),
      )
      .returning(),
  );

export const dueOutbound = async (db: DbOrTx, limit: number): Promise<string[]> =>
  (
    await db
      .select({ id: outboundMessages.id })
      .from(outboundMessages)
      .where(
        and(
          eq(outboundMessages.status, "queued"),
          sql`${outboundMessages.nextAttemptAt} <= now()`,
          or(sql`${outboundMessages.lockedUntil} IS NULL`, sql`${outboundMessages.lockedUntil} < now()`),
        ),
      )
      .orderBy(asc(outboundMessages.nextAttemptAt))
      .limit(limit)
  ).map((r) => r.id);

export const updateOutbound = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof outboundMessages.$inferInsert>,
): Promise<OutboundRow | undefined> =>
  first(await db.update(outboundMessages).set(values).where(eq(outboundMessages.id, id)).returning());

export const listOutbound = async (
  db: DbOrTx,
  status: OutboundRow["status"],
  after: { at: string; id: string } | null,
  limit: number,
): Promise<OutboundRow[]> => {
  const where: SQL[] = [eq(outboundMessages.status, status)];
  if (after) {
    where.push(
      sql`(${outboundMessages.createdAt}, ${outboundMessages.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
    );
  }
  return await db
    .select()
    .from(outboundMessages)
    .where(and(...where))
    .orderBy(desc(outboundMessages.createdAt), desc(outboundMessages.id))
    .limit(limit);
};

export const outboundOfCase = async (db: DbOrTx, caseId: string): Promise<OutboundRow[]> =>
  await db
    .select()
    .from(outboundMessages)
    .where(eq(outboundMessages.caseId, caseId))
    .orderBy(asc(outboundMessages.createdAt));

export const countOutbound = async (db: DbOrTx, status: OutboundRow["status"]): Promise<number> =>
  first(
    await db
      .select({ n: sql<number>`count(*)::int` })
      .from(outboundMessages)
      .where(eq(outboundMessages.status, status)),
  )?.n ?? 0;

/** The Message-IDs of a case's mail in order, for In-Reply-To and References. */
export const threadMessageIds = async (
  db: DbOrTx,
  caseId: string,
): Promise<{ headerMessageId: string; inbound: boolean }[]> => {
  const result = await db.execute<{ header_message_id: string; inbound: boolean }>(sql`
    SELECT header_message_id, inbound FROM (
      SELECT ${emailMessageDetails.headerMessageId} AS header_message_id, true AS inbound, ${emailMessageDetails.createdAt} AS at
      FROM ${emailMessageDetails}
      WHERE ${emailMessageDetails.caseId} = ${caseId} AND ${emailMessageDetails.headerMessageId} IS NOT NULL
      UNION ALL
      SELECT ${outboundMessages.headerMessageId}, false, ${outboundMessages.createdAt}
      FROM ${outboundMessages}
      WHERE ${outboundMessages.caseId} = ${caseId}
    ) t ORDER BY at ASC`);
  return result.rows.map((r) => ({ headerMessageId: r.header_message_id, inbound: r.inbound }));
};
