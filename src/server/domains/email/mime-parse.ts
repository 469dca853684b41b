import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { type AddressObject, type Attachment, type ParsedMail, simpleParser } from "mailparser";
import { lookup as mimeTypeOf } from "mime-types";
import { repairCharsets } from "./charset-repair";
import { htmlToText } from "./mail-html";
import { decodeTnef, type TnefContent, TnefError } from "./tnef";
import { extractUuencoded } from "./uudecode";

export type MailAddress = {
  address: string;
  name: string;
};

export type InboundAttachment = {
  filename: string;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
  content: Buffer;
};

/**
 * A parsed inbound message. Plain data only (strings, arrays, Date, Buffer), so it can be posted
 * from a worker thread. `html` is the sender's markup, NOT sanitized: pass it through
 * sanitizeEmailHtml before it reaches a browser. `text` is the text/plain content, or the HTML
 * rendered as text when the message has none. `headers` are the top-level header fields, names
 * lower-cased, values unfolded but not decoded, in the shape shouldAutoReply takes.
 */
/** A delivery status notification (RFC 3464): what happened to each recipient, and the returned mail's Message-IDs. */
export type DeliveryReport = {
  reportingMta: string | null;
  recipients: { recipient: string; action: string; status: string | null; diagnostic: string | null }[];
};

export type ParsedInbound = {
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  date: Date | null;
  text: string;
  html: string | null;
  attachments: InboundAttachment[];
  headers: Record<string, string[]>;
  /** The delivery-status part of a bounce (multipart/report), when there is one. */
  report: DeliveryReport | null;
  /** Message-IDs named in a returned message or its headers (message/rfc822, text/rfc822-headers) and in the text. */
  returnedMessageIds: string[];
  problems: string[];
};

export type MailParseErrorCode = "invalid-input" | "timeout" | "unparseable";

export class MailParseError extends Error {
  override readonly name = "MailParseError";
  readonly code: MailParseErrorCode;

  constructor(code: MailParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const CHUNK_BYTES = 64 * 1024;
const MAX_REFERENCES = 100;
const MAX_FILENAME_LENGTH = 200;
const MAX_EXTENSION_LENGTH = 20;
const MESSAGE_ID = /<[^<>\s]{1,998}>/g;
const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const MIME_TYPE = /^[a-z0-9!#$&^_.+-]{1,127}\/[a-z0-9!#$&^_.+-]{1,127}$/;
const FILENAME_INVISIBLE = /[\p{Cc}\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
const HEADER_NAME = /^[!-9;-~]{1,200}$/;
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$/i;

const PARSER_OPTIONS = {
  keepCidLinks: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  checksumAlgo: false,
  keepDeliveryStatus: true,
} as const;

function stringOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function trimWhere(value: string, strip: (char: string) => boolean): string {
  let start = 0;
  let end = value.length;
  while (start < end && strip(value.charAt(start))) start += 1;
  while (end > start && strip(value.charAt(end - 1))) end -= 1;
  return value.slice(start, end);
}

const isDotOrSpace = (char: string) => char === "." || char === " ";

/**
 * A file name that is safe to store, list and offer for download: the last path component only,
 * without control, bidi-override and zero-width characters, without characters Windows forbids,
 * leading or trailing dots and spaces, or a reserved device name; at most 200 characters (code
 * points) with the extension kept. Anything left empty becomes `attachment-<index>`.
 */
export function safeAttachmentFilename(name: string | undefined, index: number): string {
  const fallback = `attachment-${index}`;
  if (!name) return fallback;
  const visible = name
    .normalize("NFC")
    .replace(/[\t\n\v\f\r]+/g, " ")
    .replace(FILENAME_INVISIBLE, "");
  const base = visible.slice(Math.max(visible.lastIndexOf("/"), visible.lastIndexOf("\\")) + 1);
  let cleaned = trimWhere(base.replace(/[<>:"|?*]/g, "_").replace(/\s+/g, " "), isDotOrSpace);
  if (WINDOWS_RESERVED.test(cleaned)) cleaned = `_${cleaned}`;
  const chars = Array.from(cleaned);
  if (chars.length > MAX_FILENAME_LENGTH) {
    const dot = cleaned.lastIndexOf(".");
    const extension = dot > 0 ? Array.from(cleaned.slice(dot)) : [];
    const kept = extension.length <= MAX_EXTENSION_LENGTH ? extension : [];
    const stem = trimWhere(chars.slice(0, MAX_FILENAME_LENGTH - kept.length).join(""), isDotOrSpace);
    cleaned = stem.length > 0 ? stem + kept.join("") : "";
  }
  return cleaned.length > 0 ? cleaned : fallback;
}

class Normalizer {
  readonly problems: string[] = [];
  private nulRemoved = false;

  note(problem: string): void {
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  clean(value: string): string {
    if (!value.includes("\u0000")) return value;
    this.nulRemoved = true;
    return value.replaceAll("\u0000", "");
  }

  line(value: string): string {
    return this.clean(value)
      .replace(/\p{Cc}+/gu, " ")
      .trim();
  }

  finish(): string[] {
    if (this.nulRemoved) this.note("nul-bytes-removed");
    return this.problems;
  }
}

function headerRecord(mail: ParsedMail, normalizer: Normalizer): Record<string, string[]> {
  const record: Record<string, string[]> = Object.create(null);
  for (const { key, line } of mail.headerLines ?? []) {
    const unfolded = Buffer.from(line, "latin1")
      .toString("utf8")
      .replace(/\r?\n(?=[ \t])/g, "");
    const colon = unfolded.indexOf(":");
    const name = key.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      normalizer.note("invalid-header-name");
      continue;
    }
    const value = normalizer.clean(colon < 0 ? "" : unfolded.slice(colon + 1).trim());
    const values = record[name];
    if (values) values.push(value);
    else record[name] = [value];
  }
  return record;
}

function addresses(
  field: AddressObject | AddressObject[] | undefined,
  label: string,
  normalizer: Normalizer,
): MailAddress[] {
  const seen = new Map<string, MailAddress>();
  const visit = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.group) {
        visit(entry.group);
        continue;
      }
      const address = normalizer.line(stringOf(entry.address)).toLowerCase();
      if (!ADDRESS.test(address)) {
        normalizer.note(`invalid-address:${label}`);
        continue;
      }
      if (!seen.has(address)) seen.set(address, { address, name: normalizer.line(stringOf(entry.name)) });
    }
  };
  for (const object of Array.isArray(field) ? field : field ? [field] : []) visit(object.value ?? []);
  return [...seen.values()];
}

function messageIds(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).flatMap((value) => value.match(MESSAGE_ID) ?? []))];
}

function messageIdOf(values: readonly string[] | undefined): string | null {
  const bracketed = messageIds(values)[0];
  if (bracketed) return bracketed;
  const bare = values?.[0]?.trim() ?? "";
  return bare.length > 0 && bare.length <= 996 && !/[\s<>]/.test(bare) ? `<${bare}>` : null;
}

function attachmentOf(attachment: Attachment, index: number, normalizer: Normalizer): InboundAttachment {
  const original = normalizer.clean(stringOf(attachment.filename));
  const filename = safeAttachmentFilename(original, index);
  if (original.length > 0 && filename !== original.normalize("NFC")) normalizer.note(`unsafe-filename:${index}`);
  const contentType = stringOf(attachment.contentType).toLowerCase();
  const contentId = normalizer.line(stringOf(attachment.cid) || stringOf(attachment.contentId)).replace(/^<|>$/g, "");
  const content = Buffer.isBuffer(attachment.content) ? attachment.content : Buffer.alloc(0);
  return {
    filename,
    contentType: MIME_TYPE.test(contentType) ? contentType : "application/octet-stream",
    size: content.length,
    contentId: contentId.length > 0 ? contentId : null,
    inline: stringOf(attachment.contentDisposition).toLowerCase() === "inline" || attachment.related === true,
    content,
  };
}

/** A file the message carried inside another part (a uuencoded block, a winmail.dat), as an attachment of its own. */
function extractedAttachment(
  name: string,
  content: Buffer,
  index: number,
  normalizer: Normalizer,
  contentType?: string,
): InboundAttachment {
  const filename = safeAttachmentFilename(normalizer.clean(name), index);
  const declared = contentType?.toLowerCase() ?? "";
  const type = MIME_TYPE.test(declared) ? declared : mimeTypeOf(filename) || "application/octet-stream";
  return { filename, contentType: type, size: content.length, contentId: null, inline: false, content };
}

const isTnef = (a: Attachment): boolean =>
  stringOf(a.contentType).toLowerCase() === "application/ms-tnef" || /^winmail\.dat$/i.test(stringOf(a.filename));

/** What the message's winmail.dat parts hold (files, and a body when one has one); unreadable ones are noted. */
function tnefContents(mail: ParsedMail, normalizer: Normalizer): TnefContent {
  const all: TnefContent = { files: [], html: null, text: null };
  for (const part of mail.attachments.filter((a) => isTnef(a) && Buffer.isBuffer(a.content))) {
    try {
      const content = decodeTnef(part.content);
      all.files.push(...content.files);
      if (all.html === null && all.text === null) Object.assign(all, { html: content.html, text: content.text });
    } catch (error) {
      if (!(error instanceof TnefError)) throw error;
      normalizer.note("tnef-unreadable");
    }
  }
  if (all.files.length > 0 || all.html !== null || all.text !== null) normalizer.note("tnef-opened");
  return all;
}

const MAX_REPORT_RECIPIENTS = 100;

/** The fields of a delivery-status part: per-message fields, then one block per recipient. */
export function parseDeliveryStatus(text: string): DeliveryReport {
  const blocks = text
    .replace(/\r\n?/g, "\n")
    .replace(/\n[ \t]+/g, " ")
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    });
  const typed = (value: string | undefined) => (value ? value.replace(/^[^;]*;\s*/, "").trim() : null);
  const recipients = blocks
    .filter((fields) => fields.has("final-recipient") || fields.has("original-recipient"))
    .slice(0, MAX_REPORT_RECIPIENTS)
    .map((fields) => ({
      recipient: (typed(fields.get("final-recipient") ?? fields.get("original-recipient")) ?? "").toLowerCase(),
      action: (fields.get("action") ?? "").toLowerCase(),
      status: fields.get("status") ?? null,
      diagnostic: typed(fields.get("diagnostic-code"))?.slice(0, 1000) ?? null,
    }));
  return { reportingMta: typed(blocks[0]?.get("reporting-mta")), recipients };
}

const RETURNED_TYPES = new Set(["message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers"]);

function returnedMessageIds(mail: ParsedMail, text: string): string[] {
  const ids: string[] = [];
  for (const attachment of mail.attachments) {
    if (!RETURNED_TYPES.has(stringOf(attachment.contentType).toLowerCase())) continue;
    const head = attachment.content.subarray(0, 64 * 1024).toString("latin1");
    const end = head.search(/\r?\n\r?\n/);
    const headers = (end < 0 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
    for (const match of headers.matchAll(/^(?:message-id|references|in-reply-to)\s*:(.*)$/gim)) {
      ids.push(...messageIds([match[1] ?? ""]));
    }
  }
  ids.push(...messageIds([text.slice(0, 256 * 1024)]));
  return [...new Set(ids)].slice(0, MAX_REFERENCES);
}

/** The text of a part in the charset its Content-Type declares (UTF-8 when it declares none or one we do not know). */
function decodedText(part: Attachment): string {
  const contentType = part.headers?.get("content-type") as { params?: Record<string, string> } | undefined;
  const charset = contentType?.params?.charset?.trim().toLowerCase() ?? "utf-8";
  return iconv.encodingExists(charset) ? iconv.decode(part.content, charset) : part.content.toString("utf8");
}

type Body = { html: string | null; text: string };

/** A text part a sender marked as an attachment while the message has no body (the HTML then is the message). */
function bodyFromAttachment(mail: ParsedMail): Body | null {
  const part = mail.attachments.find((a) => {
    const type = stringOf(a.contentType).toLowerCase();
    return (type === "text/html" || type === "text/plain") && Buffer.isBuffer(a.content) && a.content.length > 0;
  });
  if (!part) return null;
  const content = decodedText(part);
  return stringOf(part.contentType).toLowerCase() === "text/html"
    ? { html: content, text: "" }
    : { html: null, text: content };
}

const ENCLOSED_TYPES = new Set(["message/rfc822", "message/global"]);
const MAX_ENCLOSED_DEPTH = 3;

const isEmpty = (body: Body): boolean => body.text.trim().length === 0 && (body.html ?? "").trim().length === 0;

/**
 * The body of a message that has none of its own: a text part marked as an attachment, else the body of the first
 * enclosed message (a gateway or a client that wraps the mail in message/rfc822), looked into at most three deep.
 */
async function bodyOfEmptyMessage(mail: ParsedMail, depth = 0): Promise<Body | null> {
  const promoted = bodyFromAttachment(mail);
  if (promoted || depth >= MAX_ENCLOSED_DEPTH) return promoted;
  const enclosed = mail.attachments.find(
    (a) => ENCLOSED_TYPES.has(stringOf(a.contentType).toLowerCase()) && Buffer.isBuffer(a.content),
  );
  if (!enclosed) return null;
  const inner = await simpleParser(enclosed.content, PARSER_OPTIONS);
  const own = { html: typeof inner.html === "string" ? inner.html : null, text: stringOf(inner.text) };
  return isEmpty(own) ? await bodyOfEmptyMessage(inner, depth + 1) : own;
}

function normalize(mail: ParsedMail, substitute: Body | null): ParsedInbound {
  const normalizer = new Normalizer();
  const headers = headerRecord(mail, normalizer);

  const from = addresses(mail.from, "from", normalizer)[0] ?? null;
  if (!from) normalizer.note("missing-from");

  const messageId = messageIdOf(headers["message-id"]);
  if (!messageId) normalizer.note("missing-message-id");

  const allReferences = messageIds(headers.references);
  if (allReferences.length > MAX_REFERENCES) normalizer.note("references-truncated");

  let date: Date | null = null;
  const rawDate = headers.date?.[0];
  if (rawDate !== undefined) {
    const parsed = new Date(rawDate);
    if (Number.isNaN(parsed.getTime())) normalizer.note("invalid-date");
    else date = parsed;
  }

  let html = typeof mail.html === "string" ? normalizer.clean(mail.html) : null;
  const uuencoded = extractUuencoded(normalizer.clean(stringOf(mail.text)));
  if (uuencoded.files.length > 0) normalizer.note(`uudecoded:${uuencoded.files.length}`);
  let plain = uuencoded.text;
  const tnef = tnefContents(mail, normalizer);
  const tnefBody = tnef.html !== null || tnef.text !== null ? { html: tnef.html, text: tnef.text ?? "" } : null;
  const replacement = substitute ?? tnefBody;
  if (isEmpty({ html, text: plain }) && replacement) {
    normalizer.note(replacement === tnefBody ? "body-from-tnef" : "body-from-attachment");
    html = replacement.html === null ? null : normalizer.clean(replacement.html);
    plain = normalizer.clean(replacement.text);
  }
  const text = plain.trim().length > 0 || html === null ? plain : htmlToText(html);
  if (text.includes("\ufffd") || html?.includes("\ufffd")) normalizer.note("undecodable-characters");
  const statusPart = mail.attachments.find(
    (a) => stringOf(a.contentType).toLowerCase() === "message/delivery-status" && Buffer.isBuffer(a.content),
  );
  const report = statusPart
    ? parseDeliveryStatus(normalizer.clean(statusPart.content.subarray(0, 256 * 1024).toString("utf8")))
    : null;
  const attachments = mail.attachments
    .filter((attachment) => attachment !== statusPart)
    .map((attachment, index) => attachmentOf(attachment, index + 1, normalizer));
  for (const file of uuencoded.files) {
    attachments.push(extractedAttachment(file.filename, file.content, attachments.length + 1, normalizer));
  }
  for (const file of tnef.files) {
    attachments.push(
      extractedAttachment(
        file.filename,
        file.content,
        attachments.length + 1,
        normalizer,
        file.contentType ?? undefined,
      ),
    );
  }
  if (text.trim().length === 0 && (html ?? "").trim().length === 0 && attachments.length === 0) {
    normalizer.note("empty-body");
  }

  return {
    from,
    to: addresses(mail.to, "to", normalizer),
    cc: addresses(mail.cc, "cc", normalizer),
    replyTo: addresses(mail.replyTo, "reply-to", normalizer),
    subject: normalizer.line(stringOf(mail.subject)),
    messageId,
    inReplyTo: messageIds(headers["in-reply-to"])[0] ?? null,
    references: allReferences.slice(-MAX_REFERENCES),
    date,
    text,
    html,
    attachments,
    headers,
    report,
    returnedMessageIds: returnedMessageIds(mail, text).map((id) => normalizer.clean(id)),
    problems: normalizer.finish(),
  };
}

function* chunksOf(raw: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < raw.length; offset += CHUNK_BYTES) yield raw.subarray(offset, offset + CHUNK_BYTES);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses a raw RFC 5322 message. Rejects only with MailParseError: "invalid-input", "timeout"
 * when parsing takes longer than `limits.maxMs`, or "unparseable" for anything mailparser gives
 * up on. The input is fed in 64 KiB chunks so the timer can fire between them; a single
 * synchronous step cannot be interrupted in-process, which is why the caller runs this in a
 * worker it can terminate. Pure input/output and no module state, so it can run in a worker.
 */
export async function parseInboundMessage(raw: Buffer, limits: { maxMs: number }): Promise<ParsedInbound> {
  if (!Buffer.isBuffer(raw)) throw new MailParseError("invalid-input", "raw message must be a Buffer");
  if (!Number.isFinite(limits.maxMs) || limits.maxMs <= 0) {
    throw new MailParseError("invalid-input", "limits.maxMs must be a positive number");
  }
  let timer: NodeJS.Timeout | undefined;
  let source: Readable | null = null;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new MailParseError("timeout", `parsing took longer than ${limits.maxMs} ms`);
      source?.destroy(error);
      reject(error);
    }, limits.maxMs);
  });
  try {
    const { raw: readable, repaired } = await Promise.race([
      repairCharsets(raw).catch(() => ({ raw, repaired: ["charset-repair-failed"] })),
      deadline,
    ]);
    source = Readable.from(chunksOf(readable));
    const mail = await Promise.race([simpleParser(source, PARSER_OPTIONS), deadline]);
    const own = { html: typeof mail.html === "string" ? mail.html : null, text: stringOf(mail.text) };
    const substitute = isEmpty(own) ? await Promise.race([bodyOfEmptyMessage(mail), deadline]) : null;
    const parsed = normalize(mail, substitute);
    return repaired.length > 0 ? { ...parsed, problems: [...parsed.problems, ...repaired] } : parsed;
  } catch (error) {
    if (error instanceof MailParseError) throw error;
    throw new MailParseError("unparseable", messageOf(error), { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
