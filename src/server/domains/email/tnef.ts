import { decompressRTF } from "@kenjiuno/decompressrtf";
import iconv from "iconv-lite";
import { deEncapsulateSync } from "rtf-stream-parser";

/**
 * Outlook's winmail.dat (TNEF, application/ms-tnef): the attachments and the body it wraps. The container is
 * decoded here: the npm TNEF parser (`node-tnef`) logs through bunyan, whose optional dtrace-provider runs a
 * native install script, and it assigns the plain body to the HTML one. The compressed RTF body is decompressed
 * by `@kenjiuno/decompressrtf` and its encapsulated HTML or text taken out by `rtf-stream-parser`.
 *
 * Format: MS-OXTNEF. A signature, a key, then attributes: level (1 message, 2 attachment), id (low 16 bits the
 * attribute, high 16 its type), length, data, checksum. Message and attachment properties come as MAPI property
 * lists (attMsgProps, attAttachment).
 */

export interface TnefFile {
  filename: string;
  contentType: string | null;
  content: Buffer;
}

export interface TnefContent {
  files: TnefFile[];
  html: string | null;
  text: string | null;
}

export const TNEF_SIGNATURE = 0x223e9f78;

const ATT_BODY = 0x800c;
const ATT_ATTACH_DATA = 0x800f;
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_REND_DATA = 0x9002;
const ATT_MSG_PROPS = 0x9003;
const ATT_ATTACHMENT = 0x9005;
const ATT_OEM_CODEPAGE = 0x9007;

const PR_BODY = 0x1000;
const PR_RTF_COMPRESSED = 0x1009;
const PR_BODY_HTML = 0x1013;
const PR_ATTACH_DATA = 0x3701;
const PR_ATTACH_FILENAME = 0x3704;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_MIME_TAG = 0x370e;

const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const MV_FLAG = 0x1000;
const FIXED_SIZES: Record<number, number> = {
  1: 4, // PT_NULL
  2: 4, // PT_SHORT, padded
  3: 4, // PT_LONG
  4: 4, // PT_FLOAT
  5: 8, // PT_DOUBLE
  6: 8, // PT_CURRENCY
  7: 8, // PT_APPTIME
  10: 4, // PT_ERROR
  11: 4, // PT_BOOLEAN, padded
  20: 8, // PT_I8
  64: 8, // PT_SYSTIME
  72: 16, // PT_CLSID
};

const MAX_FILES = 100;

export class TnefError extends Error {
  override readonly name = "TnefError";
}

/** A bounds-checked little-endian reader. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    public at = 0,
  ) {}

  get left(): number {
    return this.buf.length - this.at;
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }

  bytes(length: number): Buffer {
    this.need(length);
    const v = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return v;
  }

  skip(length: number): void {
    this.bytes(length);
  }

  private need(length: number): void {
    if (length < 0 || length > this.left) throw new TnefError("truncated TNEF data");
  }
}

type PropValue = Buffer | string;

/** A MAPI property list: property id (named properties skipped) → its first value. */
const readProps = (data: Buffer, codepage: string): Map<number, { type: number; value: PropValue }> => {
  const r = new Reader(data);
  const props = new Map<number, { type: number; value: PropValue }>();
  const count = r.u32();
  for (let n = 0; n < count && r.left > 0; n++) {
    const type = r.u16();
    const id = r.u16();
    if (id >= 0x8000) {
      r.skip(16);
      if (r.u32() === 0) r.skip(4);
      else r.skip(padded(r.u32()));
    }
    const base = type & ~MV_FLAG;
    const fixed = FIXED_SIZES[base];
    const values = type & MV_FLAG || fixed === undefined ? r.u32() : 1;
    let first: PropValue | null = null;
    for (let v = 0; v < values; v++) {
      let value: PropValue;
      if (fixed !== undefined) value = r.bytes(fixed);
      else if (base === PT_STRING8 || base === PT_UNICODE || base === PT_BINARY || base === PT_OBJECT) {
        const length = r.u32();
        const raw = r.bytes(length);
        r.skip(padded(length) - length);
        value =
          base === PT_UNICODE
            ? raw.toString("utf16le").replace(/\0+$/, "")
            : base === PT_STRING8
              ? iconv.decode(raw, codepage).replace(/\0+$/, "")
              : raw;
      } else throw new TnefError(`unknown MAPI property type 0x${type.toString(16)}`);
      first ??= value;
    }
    if (first !== null && id < 0x8000) props.set(id, { type: base, value: first });
  }
  return props;
};

const padded = (length: number): number => Math.ceil(length / 4) * 4;

/** The text of an 8-bit string attribute (NUL-terminated). */
const string8 = (data: Buffer, codepage: string): string => iconv.decode(data, codepage).replace(/\0[\s\S]*$/, "");

/** Windows code page → an iconv-lite encoding (cp1252 when unknown). */
const encodingOf = (codepage: number): string => {
  const name = codepage === 65001 ? "utf8" : `cp${codepage}`;
  return iconv.encodingExists(name) ? name : "cp1252";
};

/** The RTF of a PR_RTF_COMPRESSED value (compressed or stored), or null when it does not decompress. */
const rtfOf = (compressed: Buffer): Buffer | null => {
  try {
    return Buffer.from(decompressRTF([...compressed]));
  } catch {
    return null;
  }
};

/** The HTML or text an RTF body encapsulates, or null for RTF authored as RTF (Outlook's rich text). */
const fromRtf = (rtf: Buffer): { html: string | null; text: string | null } | null => {
  try {
    const result = deEncapsulateSync(rtf, {
      decode: (buf, enc) => iconv.decode(buf, iconv.encodingExists(enc) ? enc : "cp1252"),
      mode: "either",
      warn: () => {},
    });
    const content = result.text.toString();
    return result.mode === "html" ? { html: content, text: null } : { html: null, text: content };
  } catch {
    return null;
  }
};

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A string property, or a binary one (PR_BODY_HTML): UTF-8 when it is valid UTF-8, else the message's code page. */
const textOf = (value: PropValue | undefined, codepage: string): string | null => {
  if (value === undefined || typeof value === "string") return value ?? null;
  try {
    return strictUtf8.decode(value).replace(/\0+$/, "");
  } catch {
    return iconv.decode(value, codepage).replace(/\0+$/, "");
  }
};

/**
 * Decodes a winmail.dat. Throws TnefError when the data is not TNEF or is cut short. An RTF body that encapsulates
 * no HTML or text (rich text written in Outlook) is returned as a file `message.rtf`.
 */
export const decodeTnef = (data: Buffer): TnefContent => {
  const r = new Reader(data);
  if (r.u32() !== TNEF_SIGNATURE) throw new TnefError("not TNEF data (signature)");
  r.u16();
  let codepage = "cp1252";
  let body: string | null = null;
  let messageProps = new Map<number, { type: number; value: PropValue }>();
  type Pending = { title: string | null; data: Buffer | null; props: Map<number, { type: number; value: PropValue }> };
  const attachments: Pending[] = [];
  while (r.left > 0) {
    const level = r.bytes(1)[0];
    const id = r.u32() & 0xffff;
    const value = r.bytes(r.u32());
    r.u16();
    const current = attachments.at(-1);
    if (level === 1) {
      if (id === ATT_OEM_CODEPAGE && value.length >= 4) codepage = encodingOf(value.readUInt32LE(0));
      else if (id === ATT_BODY) body = string8(value, codepage);
      else if (id === ATT_MSG_PROPS) messageProps = readProps(value, codepage);
    } else if (id === ATT_ATTACH_REND_DATA) {
      if (attachments.length >= MAX_FILES) break;
      attachments.push({ title: null, data: null, props: new Map() });
    } else if (current && id === ATT_ATTACH_TITLE) current.title = string8(value, codepage);
    else if (current && id === ATT_ATTACH_DATA) current.data = value;
    else if (current && id === ATT_ATTACHMENT) current.props = readProps(value, codepage);
  }
  const files: TnefFile[] = attachments.flatMap((a) => {
    const fromProps = a.props.get(PR_ATTACH_DATA)?.value;
    const content = a.data ?? (Buffer.isBuffer(fromProps) ? fromProps : null);
    if (!content) return [];
    const name = [PR_ATTACH_LONG_FILENAME, PR_ATTACH_FILENAME].map((p) => a.props.get(p)?.value).find((v) => v);
    const mime = a.props.get(PR_ATTACH_MIME_TAG)?.value;
    return [
      {
        filename: (typeof name === "string" ? name : null) ?? a.title ?? "attachment",
        contentType: typeof mime === "string" && mime.length > 0 ? mime : null,
        content,
      },
    ];
  });
  let html = textOf(messageProps.get(PR_BODY_HTML)?.value, codepage);
  let text = textOf(messageProps.get(PR_BODY)?.value, codepage) ?? body;
  const compressed = messageProps.get(PR_RTF_COMPRESSED)?.value;
  const rtf = !html && !text && Buffer.isBuffer(compressed) ? rtfOf(compressed) : null;
  if (rtf) {
    const unwrapped = fromRtf(rtf);
    if (unwrapped) ({ html, text } = unwrapped);
    else files.push({ filename: "message.rtf", contentType: "application/rtf", content: rtf });
  }
  return { files, html, text };
};
