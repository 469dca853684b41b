import { z } from "zod";
import { NAME_FORBIDDEN, zEmail, zId, zTimestamp } from "./common";

export const WEBFORM_LIMITS = {
  name: 200,
  subject: 200,
  description: 20_000,
  files: 5,
  customFieldValue: 1_000,
} as const;

/** The honeypot: a field people never see (hidden, out of the tab order); bots fill it in. */
export const WEBFORM_HONEYPOT = "website";

/**
 * The text fields of a web form submission (multipart/form-data, or urlencoded without files).
 * Custom fields arrive as `cf.<key>` and are checked against the case's custom field definitions.
 */
export const zWebformFields = z.object({
  name: z
    .string()
    .refine((s) => !NAME_FORBIDDEN.test(s), "Write your name on one line, without formatting characters")
    .trim()
    .min(1, "Tell us your name")
    .max(WEBFORM_LIMITS.name),
  email: zEmail,
  subject: z.string().trim().min(1, "Give your request a subject").max(WEBFORM_LIMITS.subject),
  description: z.string().trim().min(1, "Describe your request").max(WEBFORM_LIMITS.description),
  /** "executive": a letter to the chief executive, when the company offers it on its customer pages. */
  addressedTo: z.enum(["team", "executive"]).default("team"),
  [WEBFORM_HONEYPOT]: z.string().max(500).optional(),
  customFields: z.record(z.string().max(100), z.string().max(WEBFORM_LIMITS.customFieldValue)).default({}),
});
export type TWebformFields = z.output<typeof zWebformFields>;

export const zWebformReceipt = z.object({
  caseNumber: z.number().int().nullable(),
  message: z.string(),
});
export type TWebformReceipt = z.output<typeof zWebformReceipt>;

export const zWebformSettings = z.object({
  teamId: zId.nullable(),
  customFieldKeys: z.array(z.string()),
  version: z.number().int(),
  updatedAt: zTimestamp,
});
export type TWebformSettings = z.output<typeof zWebformSettings>;

export const zUpdateWebformSettingsInput = z.strictObject({
  teamId: zId.nullable().optional(),
  customFieldKeys: z.array(z.string().min(1).max(100)).max(20).optional(),
});
export type TUpdateWebformSettingsInput = z.output<typeof zUpdateWebformSettingsInput>;
