import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { attachments, cases, messages } from "./cases";
import { contacts } from "./customers";
import { teams, users } from "./people";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

/** Instance-wide values the application generates once and every node shares (the instance secret). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** An address customers write to: mail to it opens cases for its team (and, optionally, an executive). */
export const supportAddresses = pgTable(
  "support_addresses",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    address: text("address").notNull(),
    name: text("name").notNull(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id),
    executiveUserId: uuid("executive_user_id").references(() => users.id),
    autoAcknowledge: boolean("auto_acknowledge").notNull().default(true),
    active: boolean("active").notNull().default(true),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("support_addresses_address_key").on(t.address),
    check("support_addresses_address_lower", sql`${t.address} = lower(${t.address})`),
  ],
);

/** An IMAP mailbox polled for mail to a support address; the password is encrypted with the instance secret. */
export const imapMailboxes = pgTable(
  "imap_mailboxes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    supportAddressId: uuid("support_address_id")
      .notNull()
      .references(() => supportAddresses.id),
    host: text("host").notNull(),
    port: integer("port").notNull(),
    tls: boolean("tls").notNull().default(true),
    username: text("username").notNull(),
    passwordEncrypted: text("password_encrypted").notNull(),
    folder: text("folder").notNull().default("INBOX"),
    afterImport: text("after_import", { enum: ["mark_seen", "move"] })
      .notNull()
      .default("mark_seen"),
    moveToFolder: text("move_to_folder"),
    pollIntervalSeconds: integer("poll_interval_seconds").notNull().default(60),
    active: boolean("active").notNull().default(true),
    state: text("state", { enum: ["idle", "connecting", "connected", "backoff", "disabled"] })
      .notNull()
      .default("idle"),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
    lastError: text("last_error"),
    lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    importedCount: bigint("imported_count", { mode: "number" }).notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      "imap_mailboxes_move_target",
      sql`${t.afterImport} <> 'move' OR (${t.moveToFolder} IS NOT NULL AND ${t.moveToFolder} <> ${t.folder})`,
    ),
    check("imap_mailboxes_port", sql`${t.port} BETWEEN 1 AND 65535`),
  ],
);

/** SPF, DKIM and DMARC of a received message, and the verdict intake acts on (email/mail-auth.ts). */
export interface MailAuthResult {
  verdict: "pass" | "fail" | "none";
  spf: string;
  dkim: string;
  dmarc: string;
  fromDomain: string | null;
  dkimDomains: string[];
}

export interface InboundEnvelope {
  mailFrom: string | null;
  rcptTo: string[];
  remoteAddress: string | null;
  heloName: string | null;
  imapUid?: number;
}

/**
 * Every inbound message exactly as received, stored before anything else happens to it. A message
 * is the same message when its bytes are (SHA-256) and it came the same way: (source, sha256) is unique.
 */
export const inboundMessages = pgTable(
  "inbound_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    source: text("source").notNull(),
    sha256: text("sha256").notNull(),
    raw: bytea("raw").notNull(),
    size: integer("size").notNull(),
    envelope: jsonb("envelope").$type<InboundEnvelope>().notNull(),
    status: text("status", { enum: ["received", "parsed", "quarantined", "ignored"] })
      .notNull()
      .default("received"),
    problems: text("problems").array().notNull().default(sql`'{}'::text[]`),
    parseAttempts: integer("parse_attempts").notNull().default(0),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true }),
    headerMessageId: text("header_message_id"),
    fromAddress: text("from_address"),
    subject: text("subject"),
    /**
     * The same mail however often it arrives (to several support addresses, over SMTP and IMAP, re-delivered):
     * its Message-ID and sender, or without a Message-ID a hash of sender, date, subject and text.
     */
    dedupeKey: text("dedupe_key"),
    caseId: uuid("case_id").references(() => cases.id),
    messageId: uuid("message_id").references(() => messages.id),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("inbound_messages_source_sha256_key").on(t.source, t.sha256),
    index("inbound_messages_pending_idx").on(t.receivedAt).where(sql`${t.status} = 'received'`),
    index("inbound_messages_status_idx").on(t.status, t.receivedAt, t.id),
    index("inbound_messages_header_message_id_idx").on(t.headerMessageId),
    index("inbound_messages_case_idx").on(t.caseId),
    index("inbound_messages_dedupe_key_idx").on(t.dedupeKey),
    check("inbound_messages_source", sql`${t.source} = 'smtp' OR ${t.source} LIKE 'imap:%'`),
  ],
);

/**
 * The rest of a large message's bytes, after the first piece kept in `inbound_messages.raw`: many
 * moderate rows are written in linear time where one huge value is not (embedded database socket).
 */
export const inboundMessagePieces = pgTable(
  "inbound_message_pieces",
  {
    inboundMessageId: uuid("inbound_message_id")
      .notNull()
      .references(() => inboundMessages.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.inboundMessageId, t.seq] })],
);

export interface OutboundHeaders {
  inReplyTo: string | null;
  references: string[];
  replyTo: string | null;
  extra: Record<string, string>;
}

/**
 * Mail we send: the outbox a job delivers with retries; one row per public reply, acknowledgement
 * or system mail (password reset, sign-in link, survey, digest; `purpose` says which).
 */
export const outboundMessages = pgTable(
  "outbound_messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind", { enum: ["reply", "acknowledgement", "system"] }).notNull(),
    purpose: text("purpose"),
    caseId: uuid("case_id").references(() => cases.id),
    messageId: uuid("message_id").references(() => messages.id),
    authorUserId: uuid("author_user_id").references(() => users.id),
    supportAddressId: uuid("support_address_id").references(() => supportAddresses.id),
    fromAddress: text("from_address").notNull(),
    fromName: text("from_name").notNull(),
    to: text("to").array().notNull(),
    cc: text("cc").array().notNull().default(sql`'{}'::text[]`),
    subject: text("subject").notNull(),
    headerMessageId: text("header_message_id").notNull(),
    headers: jsonb("headers").$type<OutboundHeaders>().notNull(),
    bodyText: text("body_text").notNull(),
    bodyHtml: text("body_html"),
    attachmentIds: uuid("attachment_ids").array().notNull().default(sql`'{}'::uuid[]`),
    status: text("status", { enum: ["queued", "sent", "failed"] })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastResponse: text("last_response"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("outbound_messages_message_key").on(t.messageId),
    uniqueIndex("outbound_messages_header_message_id_key").on(t.headerMessageId),
    index("outbound_messages_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index("outbound_messages_status_idx").on(t.status, t.createdAt, t.id),
    index("outbound_messages_case_idx").on(t.caseId, t.createdAt),
  ],
);

/** When a sender last got an automatic acknowledgement: at most one per sender per window. */
export const autoAcknowledgements = pgTable("auto_acknowledgements", {
  sender: text("sender").primaryKey(),
  lastSentAt: timestamp("last_sent_at", { withTimezone: true }).notNull(),
  caseId: uuid("case_id").references(() => cases.id),
});

/**
 * People on a case's email thread besides the requester: those copied in (`cc`) and unknown senders
 * who replied into the thread (`follower`, pending review until an employee accepts them).
 */
export const emailParticipants = pgTable(
  "email_participants",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    role: text("role", { enum: ["cc", "follower"] }).notNull(),
    pendingReview: boolean("pending_review").notNull().default(false),
    inboundMessageId: uuid("inbound_message_id").references(() => inboundMessages.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.contactId] }), index("email_participants_contact_idx").on(t.contactId)],
);

/** Email details of a case message: where it came from, its quoted history, and its inline parts' content ids. */
export const emailMessageDetails = pgTable(
  "email_message_details",
  {
    messageId: uuid("message_id")
      .primaryKey()
      .references(() => messages.id),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    inboundMessageId: uuid("inbound_message_id").references(() => inboundMessages.id),
    supportAddressId: uuid("support_address_id").references(() => supportAddresses.id),
    headerMessageId: text("header_message_id"),
    fromAddress: text("from_address"),
    to: text("to").array().notNull().default(sql`'{}'::text[]`),
    cc: text("cc").array().notNull().default(sql`'{}'::text[]`),
    subject: text("subject"),
    quotedText: text("quoted_text"),
    /** SPF, DKIM and DMARC as verified on receipt; null when verification is off. */
    auth: jsonb("auth").$type<MailAuthResult>(),
    /** Why this is automatic mail (an out-of-office reply, say) and not the customer writing; null for people. */
    automatic: text("automatic"),
    blockedRemoteImages: integer("blocked_remote_images").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("email_message_details_case_idx").on(t.caseId, t.createdAt)],
);

export const emailAttachmentParts = pgTable("email_attachment_parts", {
  attachmentId: uuid("attachment_id")
    .primaryKey()
    .references(() => attachments.id),
  contentId: text("content_id"),
  inline: boolean("inline").notNull().default(false),
});
