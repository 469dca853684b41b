import { z } from "zod";
import { zEmail, zId, zName, zPageQuery, zTimestamp } from "./common";

export const INBOUND_STATUSES = ["received", "parsed", "quarantined", "ignored"] as const;
export const OUTBOUND_STATUSES = ["queued", "sent", "failed"] as const;
export const MAILBOX_STATES = ["idle", "connecting", "connected", "backoff", "disabled"] as const;

export const zSupportAddress = z.object({
  id: zId,
  address: z.string(),
  name: z.string(),
  teamId: zId,
  executiveUserId: zId.nullable(),
  autoAcknowledge: z.boolean(),
  active: z.boolean(),
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type TSupportAddress = z.output<typeof zSupportAddress>;

export const zCreateSupportAddressInput = z.strictObject({
  address: zEmail.refine((a) => !a.split("@")[0]?.includes("+"), "A support address has no +tag"),
  name: zName,
  teamId: zId,
  executiveUserId: zId.nullable().default(null),
  autoAcknowledge: z.boolean().default(true),
  active: z.boolean().default(true),
});
export type TCreateSupportAddressInput = z.output<typeof zCreateSupportAddressInput>;

export const zUpdateSupportAddressInput = z.strictObject({
  name: zName.optional(),
  teamId: zId.optional(),
  executiveUserId: zId.nullable().optional(),
  autoAcknowledge: z.boolean().optional(),
  active: z.boolean().optional(),
});
export type TUpdateSupportAddressInput = z.output<typeof zUpdateSupportAddressInput>;

const zHost = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[a-zA-Z0-9.:-]+$/, "A host name or IP address");
const zFolder = z.string().trim().min(1).max(200);

export const zMailboxStatus = z.object({
  state: z.enum(MAILBOX_STATES),
  lastSuccessAt: zTimestamp.nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: zTimestamp.nullable(),
  consecutiveFailures: z.number().int(),
  nextAttemptAt: zTimestamp.nullable(),
  importedCount: z.number().int(),
});

export const zMailbox = z.object({
  id: zId,
  name: z.string(),
  supportAddressId: zId,
  host: z.string(),
  port: z.number().int(),
  tls: z.boolean(),
  username: z.string(),
  folder: z.string(),
  afterImport: z.enum(["mark_seen", "move"]),
  moveToFolder: z.string().nullable(),
  pollIntervalSeconds: z.number().int(),
  active: z.boolean(),
  status: zMailboxStatus,
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type TMailbox = z.output<typeof zMailbox>;

export const zCreateMailboxInput = z.strictObject({
  name: zName,
  supportAddressId: zId,
  host: zHost,
  port: z.number().int().min(1).max(65_535).default(993),
  tls: z.boolean().default(true),
  username: z.string().min(1).max(320),
  password: z.string().min(1).max(1000),
  folder: zFolder.default("INBOX"),
  afterImport: z.enum(["mark_seen", "move"]).default("mark_seen"),
  moveToFolder: zFolder.nullable().default(null),
  pollIntervalSeconds: z.number().int().min(10).max(3600).default(60),
  active: z.boolean().default(true),
});
export type TCreateMailboxInput = z.output<typeof zCreateMailboxInput>;

export const zUpdateMailboxInput = z.strictObject({
  name: zName.optional(),
  supportAddressId: zId.optional(),
  host: zHost.optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  tls: z.boolean().optional(),
  username: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(1000).optional(),
  folder: zFolder.optional(),
  afterImport: z.enum(["mark_seen", "move"]).optional(),
  moveToFolder: zFolder.nullable().optional(),
  pollIntervalSeconds: z.number().int().min(10).max(3600).optional(),
  active: z.boolean().optional(),
});
export type TUpdateMailboxInput = z.output<typeof zUpdateMailboxInput>;

export const zInboundEmail = z.object({
  id: zId,
  source: z.string(),
  mailboxId: zId.nullable(),
  sha256: z.string(),
  size: z.number().int(),
  status: z.enum(INBOUND_STATUSES),
  problems: z.array(z.string()),
  parseAttempts: z.number().int(),
  fromAddress: z.string().nullable(),
  subject: z.string().nullable(),
  headerMessageId: z.string().nullable(),
  envelope: z.object({ mailFrom: z.string().nullable(), rcptTo: z.array(z.string()) }),
  caseId: zId.nullable(),
  messageId: zId.nullable(),
  receivedAt: zTimestamp,
  processedAt: zTimestamp.nullable(),
});
export type TInboundEmail = z.output<typeof zInboundEmail>;

export const zInboundListQuery = z.strictObject({
  status: z.enum(INBOUND_STATUSES).default("quarantined"),
  ...zPageQuery,
});
export type TInboundListQuery = z.output<typeof zInboundListQuery>;

export const zOutboundEmail = z.object({
  id: zId,
  kind: z.enum(["reply", "acknowledgement", "system"]),
  /** What a system mail is for (e.g. "password_reset"); null for replies and acknowledgements. */
  purpose: z.string().nullable(),
  caseId: zId.nullable(),
  messageId: zId.nullable(),
  fromAddress: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string(),
  headerMessageId: z.string(),
  status: z.enum(OUTBOUND_STATUSES),
  attempts: z.number().int(),
  lastResponse: z.string().nullable(),
  nextAttemptAt: zTimestamp.nullable(),
  sentAt: zTimestamp.nullable(),
  failedAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
});
export type TOutboundEmail = z.output<typeof zOutboundEmail>;

export const zOutboundListQuery = z.strictObject({
  status: z.enum(OUTBOUND_STATUSES).default("failed"),
  ...zPageQuery,
});
export type TOutboundListQuery = z.output<typeof zOutboundListQuery>;

export const zEmailSettings = z.object({
  inbound: z.object({
    smtpEnabled: z.boolean(),
    smtpHost: z.string(),
    smtpPort: z.number().int(),
    maxMessageBytes: z.number().int(),
  }),
  outbound: z.object({
    configured: z.boolean(),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    /** What happens to public replies, in words for the admin page. */
    summary: z.string(),
  }),
  autoAckWindowDays: z.number(),
  secretSource: z.enum(["environment", "generated"]),
  counts: z.object({
    quarantined: z.number().int(),
    outboundFailed: z.number().int(),
    outboundQueued: z.number().int(),
  }),
});
export type TEmailSettings = z.output<typeof zEmailSettings>;

export const zDelivery = z.object({
  outboundId: zId,
  status: z.enum(OUTBOUND_STATUSES),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  attempts: z.number().int(),
  lastResponse: z.string().nullable(),
  nextAttemptAt: zTimestamp.nullable(),
  sentAt: zTimestamp.nullable(),
});

export const zCaseEmailMessage = z.object({
  messageId: zId,
  direction: z.enum(["inbound", "outbound"]),
  fromAddress: z.string().nullable(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  subject: z.string().nullable(),
  headerMessageId: z.string().nullable(),
  /** The quoted history the UI shows collapsed (inbound mail only). */
  quotedText: z.string().nullable(),
  /** SPF, DKIM and DMARC as verified on receipt (inbound mail; null when not verified). */
  auth: z
    .object({
      verdict: z.enum(["pass", "fail", "none"]),
      spf: z.string(),
      dkim: z.string(),
      dmarc: z.string(),
      fromDomain: z.string().nullable(),
    })
    .nullable(),
  /** Why this is automatic mail (an out-of-office reply…) kept on the thread; null for a person's mail. */
  automatic: z.string().nullable(),
  blockedRemoteImages: z.number().int(),
  delivery: zDelivery.nullable(),
});

export const zEmailParticipant = z.object({
  contactId: zId,
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(["cc", "follower"]),
  pendingReview: z.boolean(),
  createdAt: zTimestamp,
});
export type TEmailParticipant = z.output<typeof zEmailParticipant>;

export const zCaseEmail = z.object({
  outboundConfigured: z.boolean(),
  /** Why a public reply written now would not be emailed (no support address, outbound mail off…); null when it would. */
  replyBlocked: z.string().nullable(),
  messages: z.array(zCaseEmailMessage),
  acknowledgements: z.array(zDelivery.extend({ createdAt: zTimestamp })),
  participants: z.array(zEmailParticipant),
});
export type TCaseEmail = z.output<typeof zCaseEmail>;

export const zParticipantParams = z.strictObject({ id: zId, contactId: zId });
