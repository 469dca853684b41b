import { z } from "zod";
import {
  CASE_CHANNELS,
  CASE_LINK_KINDS,
  CASE_PRIORITIES,
  CASE_STATUSES,
  CASE_TYPES,
  CUSTOM_FIELD_TYPES,
  MESSAGE_KINDS,
} from "../domain";
import { zCsvList, zEmail, zId, zName, zPageQuery, zTimestamp } from "./common";

export const zCustomFieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
export const zCustomFieldValues = z.record(z.string().max(64), zCustomFieldValue);

const zTag = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_:.-]{0,63}$/, "Tags use letters, digits, _ : . - (up to 64)");
const zTags = z.array(zTag).max(50);

export const zCaseAbilities = z.object({
  update: z.boolean(),
  reply: z.boolean(),
  note: z.boolean(),
  assign: z.boolean(),
  merge: z.boolean(),
  link: z.boolean(),
  follow: z.boolean(),
});
export type TCaseAbilities = z.output<typeof zCaseAbilities>;

const zPersonRef = z.object({ id: zId, name: z.string() });

export const zCaseLink = z.object({
  id: zId,
  kind: z.enum(CASE_LINK_KINDS),
  direction: z.enum(["outgoing", "incoming"]),
  /** A linked case the reader may not open shows its number only (the case policy decides, as for opening it). */
  otherCase: z.discriminatedUnion("readable", [
    z.object({
      readable: z.literal(true),
      id: zId,
      number: z.number().int(),
      subject: z.string(),
      status: z.enum(CASE_STATUSES),
    }),
    z.object({ readable: z.literal(false), number: z.number().int() }),
  ]),
  createdAt: zTimestamp,
});

export const zCase = z.object({
  id: zId,
  number: z.number().int(),
  subject: z.string(),
  status: z.enum(CASE_STATUSES),
  priority: z.enum(CASE_PRIORITIES),
  type: z.enum(CASE_TYPES),
  channel: z.enum(CASE_CHANNELS),
  requester: zPersonRef.extend({ email: z.string().nullable() }),
  organization: zPersonRef.nullable(),
  team: zPersonRef.nullable(),
  owner: zPersonRef.nullable(),
  nextStep: z.string().nullable(),
  nextStepDueAt: zTimestamp.nullable(),
  tags: z.array(z.string()),
  customFields: zCustomFieldValues,
  mergedIntoId: zId.nullable(),
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  firstResponseAt: zTimestamp.nullable(),
  solvedAt: zTimestamp.nullable(),
  closedAt: zTimestamp.nullable(),
  abilities: zCaseAbilities,
});
export type TCase = z.output<typeof zCase>;

export const zCaseDetail = zCase.extend({
  followerIds: z.array(zId),
  links: z.array(zCaseLink),
  mergedCaseIds: z.array(zId),
  /** A letter to the chief executive: GET /api/v1/executive/cases/:id has its stage, delegation and report. */
  executiveLine: z.boolean(),
});
export type TCaseDetail = z.output<typeof zCaseDetail>;

const zRequesterInput = z.union([
  z.strictObject({ contactId: zId }),
  z.strictObject({ email: zEmail, name: zName.optional() }),
]);

const zBodyInput = z.strictObject({
  body: z.string().min(1).max(1_000_000),
  format: z.enum(["text", "html"]).default("text"),
});

export const zCreateCaseInput = z.strictObject({
  subject: z.string().trim().min(1).max(500),
  description: zBodyInput.optional(),
  requester: zRequesterInput,
  organizationId: zId.nullable().optional(),
  teamId: zId.nullable().optional(),
  ownerId: zId.optional(),
  status: z.enum(["new", "open", "pending", "on_hold"]).default("new"),
  priority: z.enum(CASE_PRIORITIES).default("normal"),
  type: z.enum(CASE_TYPES).default("question"),
  channel: z.enum(CASE_CHANNELS).default("api"),
  nextStep: z.string().trim().min(1).max(500).optional(),
  nextStepDueAt: zTimestamp.optional(),
  tags: zTags.default([]),
  customFields: zCustomFieldValues.default({}),
  followerIds: z.array(zId).max(100).default([]),
});
export type TCreateCaseInput = z.output<typeof zCreateCaseInput>;

export const zUpdateCaseInput = z.strictObject({
  subject: z.string().trim().min(1).max(500).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  priority: z.enum(CASE_PRIORITIES).optional(),
  type: z.enum(CASE_TYPES).optional(),
  requesterId: zId.optional(),
  organizationId: zId.nullable().optional(),
  teamId: zId.nullable().optional(),
  ownerId: zId.nullable().optional(),
  nextStep: z.string().trim().max(500).nullable().optional(),
  nextStepDueAt: zTimestamp.nullable().optional(),
  tags: zTags.optional(),
  customFields: zCustomFieldValues.optional(),
  /**
   * With a new owner: whether the person handing the case over keeps following it. Defaults to yes when the owner
   * hands over their own case (they keep seeing how it ends), to no when someone else reassigns it.
   */
  keepFollowing: z.boolean().optional(),
});
export type TUpdateCaseInput = z.output<typeof zUpdateCaseInput>;

export const CASE_SORTS = [
  "next_step_due_at",
  "-next_step_due_at",
  "created_at",
  "-created_at",
  "updated_at",
  "-updated_at",
  "number",
  "-number",
  "priority",
  "-priority",
] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export const zCaseListQuery = z.strictObject({
  status: zCsvList(z.enum(CASE_STATUSES)).optional(),
  priority: zCsvList(z.enum(CASE_PRIORITIES)).optional(),
  type: zCsvList(z.enum(CASE_TYPES)).optional(),
  ownerId: z.union([zId, z.literal("me"), z.literal("not_me")]).optional(),
  teamId: z.union([zId, z.literal("mine")]).optional(),
  organizationId: zId.optional(),
  requesterId: zId.optional(),
  tag: z.string().max(64).optional(),
  dueBefore: zTimestamp.optional(),
  sort: z.enum(CASE_SORTS).default("-updated_at"),
  ...zPageQuery,
});
export type TCaseListQuery = z.output<typeof zCaseListQuery>;

/** `capped`: the view holds more than `count` cases (counting stops at 10,000). */
export const zCaseCount = z.object({ count: z.number().int(), capped: z.boolean() });

export const zAttachment = z.object({
  id: zId,
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  createdAt: zTimestamp,
});
export type TAttachment = z.output<typeof zAttachment>;

export const zMessage = z.object({
  id: zId,
  caseId: zId,
  kind: z.enum(MESSAGE_KINDS),
  author: z.object({ type: z.enum(["user", "contact", "system"]), id: zId.nullable(), name: z.string() }),
  bodyText: z.string(),
  bodyHtml: z.string().nullable(),
  phone: z
    .object({
      direction: z.enum(["inbound", "outbound"]),
      number: z.string().nullable(),
      durationSeconds: z.number().int().nullable(),
    })
    .nullable(),
  attachments: z.array(zAttachment),
  /** Mail from a sender pending review: not shown in the customer portal until an employee approves the sender. */
  heldForReview: z.boolean(),
  createdAt: zTimestamp,
});
export type TMessage = z.output<typeof zMessage>;

export const zCreateMessageInput = z.strictObject({
  kind: z.enum(["reply", "note", "phone"]),
  body: z.string().min(1).max(1_000_000),
  format: z.enum(["text", "html"]).default("text"),
  attachmentIds: z.array(zId).max(50).default([]),
  phone: z
    .strictObject({
      direction: z.enum(["inbound", "outbound"]),
      number: z.string().max(40).nullable().default(null),
      durationSeconds: z.number().int().min(0).max(86_400).nullable().default(null),
      /** The open callback promise of this case the call answers; without it, the earliest due one. */
      callbackId: zId.optional(),
    })
    .optional(),
});
export type TCreateMessageInput = z.output<typeof zCreateMessageInput>;

export const zMergeCaseInput = z.strictObject({ targetCaseId: zId });
export const zLinkCaseInput = z.strictObject({ otherCaseId: zId, kind: z.enum(CASE_LINK_KINDS) });
export const zFollowerInput = z.strictObject({ userId: zId });
export const zLinkParams = z.strictObject({ id: zId, linkId: zId });
export const zFollowerParams = z.strictObject({ id: zId, userId: zId });

export const zCustomField = z.object({
  id: zId,
  key: z.string(),
  label: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.string()),
  required: z.boolean(),
  active: z.boolean(),
  position: z.number().int(),
  /** Grows on every change; edits send it as If-Match. */
  version: z.number().int(),
});
export type TCustomField = z.output<typeof zCustomField>;

export const zCreateCustomFieldInput = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "Lower-case letters, digits and _; starts with a letter"),
  label: zName,
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.string().trim().min(1).max(200)).max(200).default([]),
  required: z.boolean().default(false),
  position: z.number().int().min(0).max(10_000).default(0),
});
export type TCreateCustomFieldInput = z.output<typeof zCreateCustomFieldInput>;

export const zUpdateCustomFieldInput = z.strictObject({
  label: zName.optional(),
  options: z.array(z.string().trim().min(1).max(200)).max(200).optional(),
  required: z.boolean().optional(),
  active: z.boolean().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type TUpdateCustomFieldInput = z.output<typeof zUpdateCustomFieldInput>;

export const zSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(500),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const zSearchHit = z.object({
  caseId: zId,
  number: z.number().int(),
  subject: z.string(),
  status: z.enum(CASE_STATUSES),
  rank: z.number(),
  snippetHtml: z.string(),
});
export type TSearchHit = z.output<typeof zSearchHit>;

/** The case fields whose changes the thread shows as event lines. */
export const CASE_HISTORY_FIELDS = [
  "status",
  "ownerId",
  "teamId",
  "priority",
  "type",
  "subject",
  "nextStep",
  "nextStepDueAt",
  "tags",
  "requesterId",
  "organizationId",
] as const;
export type CaseHistoryField = (typeof CASE_HISTORY_FIELDS)[number];

export const zCaseHistoryEntry = z.object({
  id: z.number().int(),
  at: zTimestamp,
  /** Who made the change: an employee, or Extramile itself (an SLA action, a job, a rule). */
  by: z.object({ type: z.enum(["user", "system"]), id: zId.nullable(), name: z.string() }),
  /** Why, for a change nobody typed: "First response SLA breached", "the owner was deactivated", … */
  reason: z.string().nullable(),
  /** Values as people read them (names, not ids); due times as ISO timestamps. */
  changes: z.array(
    z.object({ field: z.enum(CASE_HISTORY_FIELDS), from: z.string().nullable(), to: z.string().nullable() }),
  ),
});
export type TCaseHistoryEntry = z.output<typeof zCaseHistoryEntry>;
export const zCaseHistory = z.object({ items: z.array(zCaseHistoryEntry) });
