import { z } from "zod";
import { zCsvList, zId, zTimestamp } from "./common";

export const COMMITMENT_KINDS = ["callback", "email", "visit", "shipment", "other"] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];

export const COMMITMENT_STATES = ["open", "kept", "broken", "cancelled"] as const;
export type CommitmentState = (typeof COMMITMENT_STATES)[number];

export const zCommitment = z.object({
  id: zId,
  case: z.object({ id: zId, number: z.number().int(), subject: z.string() }),
  owner: z.object({ id: zId, name: z.string() }),
  kind: z.enum(COMMITMENT_KINDS),
  description: z.string(),
  dueAt: zTimestamp,
  state: z.enum(COMMITMENT_STATES),
  note: z.string().nullable(),
  createdById: zId.nullable(),
  settledById: zId.nullable(),
  remindedAt: zTimestamp.nullable(),
  settledAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  abilities: z.object({ keep: z.boolean(), cancel: z.boolean() }),
});
export type TCommitment = z.output<typeof zCommitment>;

export const zCreateCommitmentInput = z.strictObject({
  kind: z.enum(COMMITMENT_KINDS),
  description: z.string().trim().min(1).max(2000),
  dueAt: zTimestamp,
  /** Who keeps the promise; the caller when omitted. */
  ownerId: zId.optional(),
});
export type TCreateCommitmentInput = z.output<typeof zCreateCommitmentInput>;

export const zKeepCommitmentInput = z.strictObject({ note: z.string().trim().max(2000).optional() });
export const zCancelCommitmentInput = z.strictObject({ note: z.string().trim().min(1).max(2000) });

export const zCommitmentListQuery = z.strictObject({
  ownerId: z.union([zId, z.literal("me")]).optional(),
  state: zCsvList(z.enum(COMMITMENT_STATES)).optional(),
  dueBefore: zTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TCommitmentListQuery = z.output<typeof zCommitmentListQuery>;
