import { createHmac, timingSafeEqual } from "node:crypto";

/** What a survey link stands for: the CSAT survey of a case, or a contact's NPS survey. */
export type SurveyKind = "csat" | "nps";

export interface SurveyRef {
  kind: SurveyKind;
  id: string;
}

const PREFIX: Record<SurveyKind, string> = { csat: "c", nps: "n" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 18;

const signature = (key: Buffer, body: string): Buffer =>
  createHmac("sha256", key).update(body).digest().subarray(0, SIGNATURE_BYTES);

const idBytes = (id: string): Buffer => Buffer.from(id.replaceAll("-", ""), "hex");

const idOf = (bytes: Buffer): string => {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** `<kind>.<id>.<hmac>` in base64url: the link carries no guessable id and cannot be altered. */
export const signSurveyToken = (key: Buffer, ref: SurveyRef): string => {
  if (!UUID.test(ref.id)) throw new Error("survey id must be a lower-case UUID");
  const body = `${PREFIX[ref.kind]}.${idBytes(ref.id).toString("base64url")}`;
  return `${body}.${signature(key, body).toString("base64url")}`;
};

/** The survey a token stands for, or null for anything not signed with `key` (altered, truncated, foreign). */
export const verifySurveyToken = (key: Buffer, token: string): SurveyRef | null => {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [prefix, id, sig] = parts as [string, string, string];
  const kind = prefix === "c" ? "csat" : prefix === "n" ? "nps" : null;
  if (!kind || !SEGMENT.test(id) || !SEGMENT.test(sig)) return null;
  const bytes = Buffer.from(id, "base64url");
  if (bytes.length !== 16 || bytes.toString("base64url") !== id) return null;
  const given = Buffer.from(sig, "base64url");
  const expected = signature(key, `${prefix}.${id}`);
  if (given.length !== expected.length || given.toString("base64url") !== sig) return null;
  return timingSafeEqual(given, expected) ? { kind, id: idOf(bytes) } : null;
};
