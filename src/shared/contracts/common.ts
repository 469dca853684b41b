import { z } from "zod";

/** ISO-8601 on the wire, Date in code: decoded on input, encoded on output. */
export const zTimestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});

export const zId = z.uuid();

export const zIdParams = z.strictObject({ id: zId });

export const zPageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(500).optional(),
};

export const zPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const zErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    currentVersion: z.number().int().optional(),
  }),
});

export const zEmail = z
  .email()
  .max(320)
  .transform((s) => s.toLowerCase());

/**
 * Line breaks and other control characters (they forge lines in mail headers and logs), and the bidirectional
 * formatting characters that make a name read differently from what it is ("Trojan Source"). NUL has its own check.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
export const NAME_FORBIDDEN = /[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export const zName = z
  .string()
  .refine(
    (s) => !NAME_FORBIDDEN.test(s),
    "must not contain line breaks, control or bidirectional formatting characters",
  )
  .trim()
  .min(1)
  .max(200);

export const zCsvList = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((v) => (typeof v === "string" ? v.split(",").filter((s) => s.length > 0) : v), z.array(item).max(20));

export const zOk = z.object({ ok: z.literal(true) });
