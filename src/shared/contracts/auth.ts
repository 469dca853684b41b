import { z } from "zod";
import { zEmail, zId, zPageQuery, zTimestamp } from "./common";
import { zUser } from "./people";

export const zLoginInput = z.strictObject({
  email: zEmail,
  password: z.string().min(1).max(200),
});

export const zPasswordResetRequest = z.strictObject({ email: zEmail });

export const zPasswordResetConfirm = z.strictObject({
  token: z.string().min(1).max(200),
  password: z.string().min(10, "Use at least 10 characters").max(200),
});
export type TPasswordResetConfirm = z.output<typeof zPasswordResetConfirm>;

export const zPasswordResetRequested = z.object({ message: z.string() });

export const zSession = z.object({ user: zUser, csrfToken: z.string() });

export const zAuditEntry = z.object({
  id: z.string(),
  actorId: zId.nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  createdAt: zTimestamp,
});

export const zAuditQuery = z.strictObject({
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  actorId: zId.optional(),
  /** Entries recorded at or after this instant. */
  from: zTimestamp.optional(),
  /** Entries recorded before this instant. */
  to: zTimestamp.optional(),
  ...zPageQuery,
});
