import { z } from "zod";
import { zId, zTimestamp } from "./common";

export const NOTIFICATION_KINDS = [
  "sla_warning",
  "sla_breach",
  "commitment_reminder",
  "commitment_broken",
  "cracks_digest",
  "mail_not_delivered",
  "executive_letter",
  "executive_line_changed",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const zNotification = z.object({
  id: zId,
  kind: z.enum(NOTIFICATION_KINDS),
  caseId: zId.nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: zTimestamp,
  readAt: zTimestamp.nullable(),
});
export type TNotification = z.output<typeof zNotification>;

export const zNotificationListQuery = z.strictObject({
  unread: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
