import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Joiner, Rewriter, Splitter } from "@zone-eu/mailsplit";
import chardet from "chardet";
import iconv from "iconv-lite";

/**
 * Mail as real clients write it, made decodable before mailparser reads it:
 * - a text part in UTF-7 is decoded (iconv-lite) and passed on as UTF-8; mailparser refuses UTF-7 because it can
 *   smuggle markup past filters, which does not apply here: every HTML body is sanitized after parsing;
 * - a text part without a charset, or declared UTF-8/ASCII, whose bytes are not UTF-8 is decoded in the charset
 *   chardet detects (windows-1252 when it is not confident), instead of showing replacement characters;
 * - raw 8-bit bytes in the top-level header: inside a Q-encoded word they become =XX escapes of that word's own
 *   charset; elsewhere, when they are not UTF-8 (SMTPUTF8 mail is), the header is decoded in the charset the
 *   message declares for its text, else the detected one, else windows-1252.
 * Messages with none of this (almost all) are returned as they are, without a second pass.
 */
export const repairCharsets = async (raw: Buffer): Promise<{ raw: Buffer; repaired: string[] }> => {
  const latin = raw.toString("latin1");
  const hasEightBit = HIGH_BYTE.test(latin);
  const hasUtf7 = UTF7_DECLARED.test(latin);
  const hasQuotedHigh = /=[89a-f][0-9a-f]/i.test(latin);
  if (!hasEightBit && !hasUtf7 && !hasQuotedHigh) return { raw, repaired: [] };
  const repaired: string[] = [];
  let message = raw;
  if (hasEightBit) {
    const headers = repairHeaders(raw);
    if (headers) {
      message = headers;
      repaired.push("header-charset-repaired");
    }
  }
  const bodies = await repairBodies(message);
  if (bodies.changed) {
    message = bodies.raw;
    repaired.push("body-charset-repaired");
  }
  return { raw: message, repaired };
};

const HIGH_BYTE = /[\u0080-\u00ff]/;
const UTF7_DECLARED = /charset\s*=\s*"?(?:utf-?7|unicode-1-1-utf-7|csunicode11utf7)\b/i;
const CONFIDENT = 50;

const isUtf7 = (charset: string | false | undefined): boolean =>
  !!charset && /^(?:(?:cs)?unicode11)?utf7$/.test(charset.toLowerCase().replace(/[^a-z0-9]/g, ""));
const isUtf8Like = (charset: string | false | undefined): boolean =>
  !charset || /^(?:utf8|usascii|ascii|7bit)$/.test(charset.toLowerCase().replace(/[^a-z0-9]/g, ""));

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const isValidUtf8 = (bytes: Uint8Array): boolean => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const MIN_SAMPLE = 16;

/**
 * The charset these (not UTF-8) bytes were most likely written in: the one the message declares elsewhere, else
 * chardet's when it is confident and has at least 16 8-bit bytes to go on (a word or two of Latin-1 looks like
 * anything), else windows-1252, the superset of Latin-1 most legacy Western mail is written in.
 */
export const guessCharset = (bytes: Buffer, preferred: string | null = null): string => {
  if (preferred && iconv.encodingExists(preferred) && !isUtf8Like(preferred)) return preferred;
  if (bytes.filter((b) => b >= 0x80).length < MIN_SAMPLE) return "windows-1252";
  const best = chardet
    .analyse(bytes)
    .find((c) => c.confidence >= CONFIDENT && !/^UTF-/i.test(c.name) && iconv.encodingExists(c.name));
  return best?.name ?? "windows-1252";
};

const headerEnd = (raw: Buffer): number => {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  if (crlf < 0) return lf;
  if (lf < 0) return crlf;
  return Math.min(crlf, lf);
};

const ENCODED_WORD = /=\?([^?\s]+)\?([qQ])\?([^?]*)\?=/g;

const repairHeaders = (raw: Buffer): Buffer | null => {
  const end = headerEnd(raw);
  if (end < 0) return null;
  const head = raw.subarray(0, end).toString("latin1");
  if (!HIGH_BYTE.test(head)) return null;
  // raw bytes inside Q-encoded words: escape them, so the word decodes in its own charset
  let fixed = head.replace(ENCODED_WORD, (_word, charset: string, q: string, text: string) => {
    const escaped = text.replace(
      /[\u0080-\u00ff]/g,
      (char) => `=${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
    );
    return `=?${charset}?${q}?${escaped}?=`;
  });
  let bytes = Buffer.from(fixed, "latin1");
  if (HIGH_BYTE.test(fixed) && !isValidUtf8(bytes)) {
    const declared = /charset\s*=\s*"?([\w.:-]+)/i.exec(raw.toString("latin1"))?.[1] ?? null;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: keeps only the 8-bit bytes for detection
    const high = Buffer.from(fixed.replace(/[\u0000-\u007f]+/g, " "), "latin1");
    fixed = iconv.decode(bytes, guessCharset(high, declared));
    bytes = Buffer.from(fixed, "utf8");
  }
  if (bytes.equals(raw.subarray(0, end))) return null;
  return Buffer.concat([bytes, raw.subarray(end)]);
};

/** Re-encodes the text parts that need it (UTF-7, or undeclared / mis-declared bytes) as UTF-8. */
const repairBodies = async (raw: Buffer): Promise<{ raw: Buffer; changed: boolean }> => {
  let changed = false;
  const splitter = new Splitter();
  const joiner = new Joiner();
  const rewriter = new Rewriter(
    (node) =>
      !node.multipart &&
      /^text\/(?:plain|html)$/.test(String(node.contentType || "text/plain")) &&
      (isUtf7(node.charset) || isUtf8Like(node.charset)),
  );
  rewriter.on("node", ({ node, decoder, encoder }) => {
    const chunks: Buffer[] = [];
    decoder.on("data", (chunk: Buffer) => chunks.push(chunk));
    decoder.on("end", () => {
      const bytes = Buffer.concat(chunks);
      let text: string | null = null;
      if (isUtf7(node.charset)) text = iconv.decode(bytes, "utf7");
      else if (!isValidUtf8(bytes)) text = iconv.decode(bytes, guessCharset(bytes));
      if (text === null) {
        encoder.end(bytes);
        return;
      }
      changed = true;
      node.setCharset("utf-8");
      encoder.end(Buffer.from(text, "utf8"));
    });
  });
  const out: Buffer[] = [];
  const sink = new PassThrough();
  sink.on("data", (chunk: Buffer) => out.push(chunk));
  await pipeline(Readable.from([raw]), splitter, rewriter, joiner, sink);
  return changed ? { raw: Buffer.concat(out), changed } : { raw, changed: false };
};
