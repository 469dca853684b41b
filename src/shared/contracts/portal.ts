import { z } from "zod";
import { zAttachment } from "./cases";
import { zEmail, zId, zPageQuery, zTimestamp } from "./common";

/** What a customer sees of a case's state: waiting distinctions inside the company stay inside. */
export const PORTAL_CASE_STATUSES = ["open", "awaiting_you", "solved", "closed"] as const;
export type PortalCaseStatus = (typeof PORTAL_CASE_STATUSES)[number];

export const zMagicLinkRequest = z.strictObject({
  email: zEmail,
  /** The case to show after signing in (from a link in a mail about it). */
  caseId: zId.optional(),
});
export type TMagicLinkRequest = z.output<typeof zMagicLinkRequest>;

export const zMagicLinkRequested = z.object({ message: z.string() });

export const zPortalSignIn = z.strictObject({ token: z.string().min(20).max(200) });

export const zPortalContact = z.object({
  id: zId,
  name: z.string(),
  email: z.string(),
  organizationName: z.string().nullable(),
  organizationManager: z.boolean(),
});
export type TPortalContact = z.output<typeof zPortalContact>;

export const zPortalSession = z.object({
  contact: zPortalContact,
  csrfToken: z.string(),
  /** Where to go after signing in: the case the link was about, if any. */
  caseId: zId.nullable(),
});
export type TPortalSession = z.output<typeof zPortalSession>;

export const zPortalCaseListQuery = z.strictObject({
  scope: z.enum(["mine", "organization"]).default("mine"),
  ...zPageQuery,
});
export type TPortalCaseListQuery = z.output<typeof zPortalCaseListQuery>;

export const zPortalCase = z.object({
  id: zId,
  number: z.number().int(),
  subject: z.string(),
  status: z.enum(PORTAL_CASE_STATUSES),
  requesterName: z.string(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  /** Until when a solved case may be reopened here; null when it cannot be. */
  reopenUntil: zTimestamp.nullable(),
  abilities: z.object({ reply: z.boolean(), solve: z.boolean(), reopen: z.boolean() }),
});
export type TPortalCase = z.output<typeof zPortalCase>;

export const zPortalMessage = z.object({
  id: zId,
  /** "you" for the signed-in contact, "customer" for another contact, "agent" for the company. */
  from: z.enum(["you", "customer", "agent"]),
  authorName: z.string(),
  bodyText: z.string(),
  bodyHtml: z.string().nullable(),
  attachments: z.array(zAttachment),
  createdAt: zTimestamp,
});
export type TPortalMessage = z.output<typeof zPortalMessage>;

export const PORTAL_REPLY_MAX_CHARS = 20_000;
export const PORTAL_MAX_FILES = 5;

/** The text fields of a portal reply (multipart/form-data: `body` plus up to five `files`). */
export const zPortalReplyFields = z.strictObject({
  body: z.string().trim().min(1, "Write a message").max(PORTAL_REPLY_MAX_CHARS),
});
export type TPortalReplyFields = z.output<typeof zPortalReplyFields>;

/** A letter to the chief executive from the portal (when the company offers it). */
export const zPortalExecutiveLetterInput = z.strictObject({
  subject: z.string().trim().min(1, "Give your letter a subject").max(200),
  body: z.string().trim().min(1, "Write your letter").max(PORTAL_REPLY_MAX_CHARS),
});
export type TPortalExecutiveLetterInput = z.output<typeof zPortalExecutiveLetterInput>;
