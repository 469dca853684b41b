import { createHmac, timingSafeEqual } from "node:crypto";

export type ReplyTokenPayload = {
  caseId: string;
  messageId?: string;
};

const VERSION = 1;
const HAS_MESSAGE = 0x01;
const MAC_BYTES = 10;
const UUID_BYTES = 16;
const MIN_SECRET_BYTES = 16;
const MAX_LOCAL_PART = 64;
const DOMAIN_SEPARATOR = Buffer.from("extramile/reply-token\u0000", "utf8");
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_CHARS = /^[a-z2-7]+$/;

function base32Length(bytes: number): number {
  return Math.ceil((bytes * 8) / 5);
}

const CASE_TOKEN_LENGTH = base32Length(1 + UUID_BYTES + MAC_BYTES);
const MESSAGE_TOKEN_LENGTH = base32Length(1 + 2 * UUID_BYTES + MAC_BYTES);

function encodeBase32(bytes: Uint8Array): string {
  let output = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) output += ALPHABET[(buffer << (5 - bits)) & 31];
  return output;
}

function decodeBase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return null;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return buffer === 0 ? Buffer.from(bytes) : null;
}

function uuidBytes(value: string, field: string): Buffer {
  if (!UUID.test(value)) throw new TypeError(`${field} must be a UUID`);
  return Buffer.from(value.replace(/-/g, ""), "hex");
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function secretKey(secret: string | Buffer): Buffer {
  const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
  if (key.length < MIN_SECRET_BYTES)
    throw new RangeError(`reply token secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return key;
}

function mac(key: Buffer, body: Buffer): Buffer {
  return createHmac("sha256", key).update(DOMAIN_SEPARATOR).update(body).digest().subarray(0, MAC_BYTES);
}

/**
 * A reply token: version/flags byte, case UUID, optional message UUID, then the first 80 bits of
 * HMAC-SHA256 over them, written in lower-case RFC 4648 base32 without padding (safe in a local
 * part, a Message-ID and a URL; 44 characters for a case, 69 with a message). Forging one takes
 * about 2^80 tries, each of which is an e-mail we receive. Keep the case-only form for addresses:
 * `replyAddress` must stay within the 64-octet local part limit.
 */
export function createReplyToken(secret: string | Buffer, payload: ReplyTokenPayload): string {
  const key = secretKey(secret);
  const parts = [
    Buffer.of((VERSION << 4) | (payload.messageId ? HAS_MESSAGE : 0)),
    uuidBytes(payload.caseId, "caseId"),
  ];
  if (payload.messageId) parts.push(uuidBytes(payload.messageId, "messageId"));
  const body = Buffer.concat(parts);
  return encodeBase32(Buffer.concat([body, mac(key, body)]));
}

/**
 * Verifies a token in constant time. Tokens are matched case-insensitively, because some mail
 * systems change the case of local parts; any other change, including one in the unused trailing
 * bits of the last character, makes the token invalid.
 */
export function verifyReplyToken(secret: string | Buffer, token: string): ReplyTokenPayload | null {
  const key = secretKey(secret);
  const text = token.toLowerCase();
  if (text.length !== CASE_TOKEN_LENGTH && text.length !== MESSAGE_TOKEN_LENGTH) return null;
  if (!TOKEN_CHARS.test(text)) return null;
  const bytes = decodeBase32(text);
  if (!bytes) return null;
  const header = bytes[0] ?? 0;
  const hasMessage = (header & HAS_MESSAGE) !== 0;
  if (header >> 4 !== VERSION || (header & 0x0f & ~HAS_MESSAGE) !== 0) return null;
  const bodyLength = 1 + UUID_BYTES * (hasMessage ? 2 : 1);
  if (bytes.length !== bodyLength + MAC_BYTES) return null;
  const body = bytes.subarray(0, bodyLength);
  if (!timingSafeEqual(mac(key, body), bytes.subarray(bodyLength))) return null;
  const caseId = formatUuid(body.subarray(1, 1 + UUID_BYTES));
  return hasMessage ? { caseId, messageId: formatUuid(body.subarray(1 + UUID_BYTES)) } : { caseId };
}

function splitAddress(address: string): { local: string; domain: string } {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) throw new TypeError(`not an e-mail address: ${address}`);
  return { local: trimmed.slice(0, at), domain: trimmed.slice(at + 1) };
}

/** `support@example.com` + token -> `support+em-<token>@example.com` (plus addressing). */
export function replyAddress(supportAddress: string, token: string): string {
  const { local, domain } = splitAddress(supportAddress);
  const tagged = `${local}+em-${token}`;
  if (tagged.length > MAX_LOCAL_PART) {
    throw new RangeError(
      `reply address local part would be ${tagged.length} characters, the limit is ${MAX_LOCAL_PART}`,
    );
  }
  return `${tagged}@${domain}`;
}

/**
 * The envelope sender of one outbound mail (VERP): `bounces@example.com` + token -> `bounces+bounce-<token>@example.com`,
 * so a bounce to it names the mail it returns even when it quotes nothing of it. Null when the local part would pass
 * the 64-octet limit (the Message-ID in the bounce is then what matches it).
 */
export function bounceAddress(envelopeSender: string, token: string): string | null {
  const { local, domain } = splitAddress(envelopeSender);
  const tagged = `${local}+bounce-${token}`;
  return tagged.length > MAX_LOCAL_PART ? null : `${tagged}@${domain}`;
}

const BOUNCE_TOKEN = /\+bounce-([a-z2-7]+)@/gi;

/** Candidate VERP tokens in these addresses (envelope recipients, Delivered-To, To), unverified. */
export function extractBounceTokens(addresses: readonly string[]): string[] {
  const found = new Set<string>();
  collect(addresses, BOUNCE_TOKEN, found);
  return [...found];
}

/** Message-ID of a message we send: `<em-<token>.<unique>@<domain>>`. */
export function ourMessageId(domain: string, token: string, unique: string): string {
  if (!TOKEN_CHARS.test(token)) throw new TypeError("token must be lower-case base32");
  if (!/^[a-z0-9-]{1,64}$/i.test(unique)) throw new TypeError("unique must be 1-64 letters, digits or hyphens");
  if (!/^[a-z0-9.-]{1,253}$/i.test(domain)) throw new TypeError(`not a domain: ${domain}`);
  return `<em-${token}.${unique}@${domain}>`;
}

const ADDRESS_TOKEN = /\+em-([a-z2-7]+)@/gi;
const MESSAGE_ID_TOKEN = /<em-([a-z2-7]+)(?:\.[a-z0-9-]*)?@/gi;

function collect(values: readonly string[], pattern: RegExp, into: Set<string>): void {
  for (const value of values) {
    for (const match of value.matchAll(pattern)) {
      const token = (match[1] ?? "").toLowerCase();
      if (token.length === CASE_TOKEN_LENGTH || token.length === MESSAGE_TOKEN_LENGTH) into.add(token);
    }
  }
}

/**
 * Candidate tokens, unverified and de-duplicated: first from plus-addresses (To, Cc, Delivered-To,
 * envelope recipients, in the order given), then from Message-ID style values (In-Reply-To,
 * References). The caller verifies them in this order and uses the first valid one.
 */
export function extractTokens(addresses: readonly string[], headerValues: readonly string[]): string[] {
  const found = new Set<string>();
  collect(addresses, ADDRESS_TOKEN, found);
  collect(headerValues, MESSAGE_ID_TOKEN, found);
  return [...found];
}

const SUBJECT_TAG = /\[#(\d{1,15})\]/;
const SUBJECT_TAGS = /\s*\[#\d{1,15}\]\s*/g;
const REPLY_PREFIXES =
  /^(?:(?:re|fwd?|aw|wg|sv|vs|vb|antw|doorst|tr|rif|i|res|enc|odp|pd|ynt|ilt|atb|r|回复|回覆|转发|轉寄|答复)\s*(?:\[\d{1,5}\]|\(\d{1,5}\))?\s*[:：]\s*)+/i;

/** The case number of the first `[#1234]` tag in a subject, or null. */
export function subjectCaseNumber(subject: string): number | null {
  const match = SUBJECT_TAG.exec(subject);
  if (!match?.[1]) return null;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Puts `[#number]` after any reply/forward prefixes (Re:, Fwd:, AW:, WG:, SV:, VS:, TR:, RIF:, ...)
 * and removes every other case tag, so the result carries exactly one tag and tagging twice
 * changes nothing.
 */
export function tagSubject(subject: string, number: number): string {
  if (!Number.isSafeInteger(number) || number < 0) throw new RangeError("case number must be a non-negative integer");
  const untagged = subject.replace(SUBJECT_TAGS, " ").trim();
  const prefix = REPLY_PREFIXES.exec(untagged)?.[0] ?? "";
  const rest = untagged.slice(prefix.length).trim();
  const tag = `[#${number}]`;
  return [prefix.trim(), tag, rest].filter((part) => part.length > 0).join(" ");
}
