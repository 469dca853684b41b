import { z } from "zod";
import { invalid } from "./errors";

/**
 * A list's position: the sort value of the last item shown and its id, as base64url JSON. Every list
 * decodes its cursor with `decodeCursor` and a schema of the values it will put into SQL, so a cursor
 * that was not made by `encodeCursor` for that list is a 400 naming `cursor`, never a failed query.
 */
export interface Cursor<V = string | number | null, I = string> {
  v: V;
  id: I;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString("base64url");

/** The schema of one list's cursor: its sort value and its id (a uuid unless the list says otherwise). */
export const cursorSchema = <V extends z.ZodType, I extends z.ZodType = typeof cursorValues.uuid>(value: V, id?: I) =>
  z.strictObject({ v: value, id: id ?? cursorValues.uuid });

/** Sort values and ids as lists write them into cursors. */
export const cursorValues = {
  uuid: z.uuid(),
  /** Lists ordered by id alone. */
  none: z.null(),
  /** An instant as `toISOString()` writes it (years 1 to 9999, which PostgreSQL takes), decoded to a Date. */
  timestamp: z.iso
    .datetime()
    .transform((s) => new Date(s))
    .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999),
  /** Lower-cased names (organizations, contacts). */
  name: z.string().max(400),
  /** A positive bigint row id as text (the audit log). */
  serial: z.string().regex(/^[1-9][0-9]{0,17}$/),
  int: z.number().int().min(-2_147_483_648).max(2_147_483_647),
  bigint: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
} as const;

const base64url = /^[A-Za-z0-9_-]*$/;

/** Decodes a list's cursor against its schema; anything else is a 400 naming `cursor`. */
export const decodeCursor = <S extends z.ZodType>(raw: string, schema: S): z.output<S> => {
  const fail = () => invalid("cursor", "Invalid cursor: pass nextCursor from the previous page unchanged");
  if (!base64url.test(raw)) throw fail();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw fail();
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fail();
  return parsed.data;
};
