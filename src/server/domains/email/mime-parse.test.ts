import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BIG_ATTACHMENT_BYTES,
  BIG_ATTACHMENT_SEED,
  CHARSET_SAMPLES,
  EVIL_FILENAMES,
  INLINE_IMAGE,
  JAPANESE_ISO_2022_JP,
  JAPANESE_SAMPLE,
  LINK_COUNT,
  type MailFixture,
  mailFixtures,
  mutationSeeds,
  pseudoRandomBytes,
  RECIPIENT_COUNT,
} from "../../../../test/fixtures/mail/generate";
import { shouldAutoReply } from "./loop-guard";
import { htmlToText, sanitizeEmailHtml, splitQuotedHistory } from "./mail-html";
import { MailParseError, type ParsedInbound, parseInboundMessage, safeAttachmentFilename } from "./mime-parse";

const fixtures = mailFixtures();
const byName = new Map(fixtures.map((fixture) => [fixture.name, fixture]));
const results = new Map<string, ParsedInbound | MailParseError>();
const FIXTURE_LIMIT_MS = 20_000;

async function outcome(name: string): Promise<ParsedInbound | MailParseError> {
  const cached = results.get(name);
  if (cached) return cached;
  const fixture = byName.get(name);
  if (!fixture) throw new Error(`no fixture ${name}`);
  const result = await parseInboundMessage(fixture.raw, { maxMs: FIXTURE_LIMIT_MS }).catch((error: unknown) => {
    if (error instanceof MailParseError) return error;
    throw error;
  });
  results.set(name, result);
  return result;
}

async function parsed(name: string): Promise<ParsedInbound> {
  const result = await outcome(name);
  if (result instanceof MailParseError) throw new Error(`${name} did not parse: ${result.message}`);
  return result;
}

const UNSAFE_FILENAME = /[/\\\p{Cc}\u200b-\u200d\u202a-\u202e\u2066-\u2069\ufeff<>:"|?*]/u;

function strings(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string") found.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, found);
  else if (value && typeof value === "object" && !Buffer.isBuffer(value) && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      found.push(key);
      strings(item, found);
    }
  }
  return found;
}

function expectSensible(result: ParsedInbound): void {
  for (const text of strings(result)) expect(text.includes("\u0000")).toBe(false);
  for (const address of [result.from, ...result.to, ...result.cc, ...result.replyTo]) {
    if (!address) continue;
    expect(address.address).toBe(address.address.toLowerCase());
    expect(address.address).toMatch(/^[^\s@]+@[^\s@]+$/);
  }
  for (const attachment of result.attachments) {
    expect(attachment.filename.length).toBeGreaterThan(0);
    expect(Array.from(attachment.filename).length).toBeLessThanOrEqual(200);
    expect(attachment.filename).not.toMatch(UNSAFE_FILENAME);
    expect(attachment.filename).not.toMatch(/^[. ]|[. ]$/);
    expect(attachment.size).toBe(attachment.content.length);
    expect(attachment.contentType).toMatch(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/);
    expect(attachment.contentId ?? "").not.toMatch(/^<|>$/);
  }
  if (result.messageId) expect(result.messageId).toMatch(/^<[^<>\s]+>$/);
  for (const id of result.references) expect(id).toMatch(/^<[^<>\s]+>$/);
  expect(result.date === null || !Number.isNaN(result.date.getTime())).toBe(true);
  if (result.html !== null) {
    const cidMap = Object.fromEntries(
      result.attachments.flatMap((attachment, index) =>
        attachment.contentId ? [[attachment.contentId, `/api/v1/attachments/${index}/download`]] : [],
      ),
    );
    const safe = sanitizeEmailHtml(result.html, { cidMap }).html;
    expect(safe).not.toMatch(/<(?:script|style|iframe|object|embed|form|input|button|meta|link|base|svg|math)\b/i);
    expect(safe).not.toMatch(/\son[a-z]+\s*=/i);
    expect(safe).not.toMatch(/(?:href|src)="\s*(?:javascript|vbscript|data:text)/i);
    expect(safe).not.toMatch(/\ssrc="https?:/i);
    htmlToText(result.html);
  }
  splitQuotedHistory(result.text);
}

function describeFixture(fixture: MailFixture): string {
  return `${fixture.name} (${fixture.raw.length} bytes, ${fixture.expect})`;
}

describe("parseInboundMessage over the fixture corpus", () => {
  it.each(fixtures.map((fixture) => [describeFixture(fixture), fixture] as const))(
    "%s ends parsed or quarantined, never crashed",
    async (_label, fixture) => {
      const result = await outcome(fixture.name);
      if (result instanceof MailParseError) {
        expect(fixture.expect).toBe("quarantine-or-parse");
        expect(result.code).toBe("unparseable");
        return;
      }
      expectSensible(result);
    },
    60_000,
  );

  it("decodes ISO-2022-JP subject and body", async () => {
    const result = await parsed("iso-2022-jp");
    expect(new TextDecoder("iso-2022-jp").decode(JAPANESE_ISO_2022_JP)).toBe(JAPANESE_SAMPLE);
    expect(result.subject).toBe(JAPANESE_SAMPLE);
    expect(result.text.trim()).toBe(JAPANESE_SAMPLE);
    expect(result.problems).toEqual([]);
  });

  it.each(Object.entries(CHARSET_SAMPLES))("decodes %s subject and body", async (charset, sample) => {
    const result = await parsed(`charset-${charset}`);
    expect(result.subject).toBe(sample);
    expect(result.text.trim()).toBe(sample);
  });

  it("decodes quoted-printable Windows-1252", async () => {
    expect((await parsed("windows-1252-quoted-printable")).text.trim()).toBe(CHARSET_SAMPLES["windows-1252"]);
  });

  it("reads a body without a charset declaration as UTF-8", async () => {
    const result = await parsed("missing-charset-utf8");
    expect(result.text.trim()).toBe("Überweisung fällig: 5 €");
    expect(result.problems).toEqual([]);
    expect((await parsed("no-mime-headers")).text.trim()).toBe("Plain body without MIME, ünïcödé");
  });

  it("detects the charset of legacy 8-bit text instead of showing replacement characters", async () => {
    const latin1 = await parsed("missing-charset-latin1");
    expect(latin1.text.trim()).toBe("Grüße");
    expect(latin1.problems).toContain("body-charset-repaired");
    const wrong = await parsed("wrong-charset-declared");
    expect(wrong.text).toContain("Declared ASCII, sent UTF-8: Grüße");
    expect(wrong.text).toContain("Declared UTF-8, sent Latin-1: Grüße");
    expect(wrong.text).not.toContain("\ufffd");
    expect(wrong.problems).not.toContain("undecodable-characters");
  });

  it("decodes UTF-7 and leaves the markup in it to the sanitizer", async () => {
    const result = await parsed("utf7-refused");
    expect(result.html).toContain("<script>alert(1)</script>");
    expect(sanitizeEmailHtml(result.html ?? "").html).not.toMatch(/script|alert/);
    const plain = await parseInboundMessage(
      Buffer.from(
        "From: a@x.example\r\nSubject: seven\r\nContent-Type: text/plain; charset=UTF-7\r\n\r\nGr+APw-+AN8-e, 5 +IKw-\r\n",
      ),
      { maxMs: 5_000 },
    );
    expect(plain.text.trim()).toBe("Grüße, 5 €");
  });

  it("reads raw Latin-1 headers and raw 8-bit bytes inside encoded words", async () => {
    const latin1 = (text: string) => Buffer.from(text, "latin1");
    const raw = await parseInboundMessage(
      latin1(
        "From: J\xf6rg M\xfcller <j@x.example>\r\nSubject: Gr\xfc\xdfe aus K\xf6ln\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nK\xf6ln\r\n",
      ),
      { maxMs: 5_000 },
    );
    expect(raw.subject).toBe("Grüße aus Köln");
    expect(raw.from).toEqual({ address: "j@x.example", name: "Jörg Müller" });
    expect(raw.text.trim()).toBe("Köln");
    const undeclared = await parseInboundMessage(
      latin1("From: j@x.example\r\nSubject: Caf\xe9 cr\xe8me\r\n\r\nx\r\n"),
      { maxMs: 5_000 },
    );
    expect(undeclared.subject).toBe("Café crème");
    const inWord = await parseInboundMessage(
      latin1("From: j@x.example\r\nSubject: =?iso-8859-1?Q?Gr\xfc\xdfe_aus_K=F6ln?=\r\n\r\nx\r\n"),
      { maxMs: 5_000 },
    );
    expect(inWord.subject).toBe("Grüße aus Köln");
    const smtpUtf8 = await parsed("raw-utf8-headers");
    expect(smtpUtf8.subject).toBe("Größe prüfen ✓");
    expect(smtpUtf8.problems).not.toContain("header-charset-repaired");
  });

  it("makes an HTML body sent as an attachment the message, when the message has no other body", async () => {
    const result = await parseInboundMessage(
      Buffer.from(
        'From: a@x.example\r\nSubject: h\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8; name="message.html"\r\nContent-Disposition: attachment; filename="message.html"\r\n\r\n<p>Hello <b>there</b></p>\r\n--b--\r\n',
      ),
      { maxMs: 5_000 },
    );
    expect(result.html).toContain("<p>Hello <b>there</b></p>");
    expect(result.text).toBe("Hello there");
    expect(result.problems).toContain("body-from-attachment");
    expect(result.problems).not.toContain("empty-body");
  });

  it("turns a uuencoded block in the text into an attachment and keeps the text around it", async () => {
    const result = await parsed("uuencoded-attachment");
    expect(result.text).toContain("Here is the log from last night.");
    expect(result.text).toContain("Thanks");
    expect(result.text).not.toContain("begin 644");
    expect(result.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ["server.log", "text/plain", "03:12 disk full\n03:13 restart\n"],
    ]);
    expect(result.problems).toContain("uudecoded:1");
  });

  it("opens a winmail.dat into its files and body and keeps the winmail.dat", async () => {
    const result = await parsed("winmail-dat");
    expect(result.html).toBe("<p>Please find the signed contract attached.</p>");
    expect(result.text).toBe("Please find the signed contract attached.");
    expect(result.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ["winmail.dat", "application/ms-tnef", expect.any(Number)],
      ["Contract 2026 signed.pdf", "application/pdf", 3000],
      ["Überblick.txt", "text/plain", Buffer.byteLength("Punkte 1–3\n")],
    ]);
    expect(result.attachments[1]?.content.equals(pseudoRandomBytes(3000, 11))).toBe(true);
    expect(result.problems).toEqual(expect.arrayContaining(["tnef-opened", "body-from-tnef"]));
  });

  it("reads a delivery status notification and the Message-ID it returns", async () => {
    const result = await parsed("dsn-bounce");
    expect(result.report).toEqual({
      reportingMta: "mx.customer.example",
      recipients: [{ recipient: "gone@customer.example", action: "failed", status: "5.1.1", diagnostic: null }],
    });
    expect(result.returnedMessageIds).toContain("<em-abc.1@desk.example>");
    expect(result.attachments.map((a) => a.contentType)).toEqual(["message/rfc822"]);
  });

  it("falls back to UTF-8 for an unknown charset", async () => {
    const result = await parsed("unknown-charset");
    expect(result.text.trim()).toBe("tlhIngan Hol");
    expect(result.subject).toBe("Hello");
  });

  it("reads the addresses, ids, references and date of a normal message", async () => {
    const result = await parsed("plain-utf8");
    expect(result).toMatchObject({
      from: { address: "ada.customer@example.com", name: "Ada Customer" },
      to: [{ address: "support@desk.example", name: "Support" }],
      cc: [{ address: "bob@example.com", name: "Bob" }],
      replyTo: [{ address: "ada@home.example", name: "Ada Private" }],
      subject: "Grüße aus Köln",
      messageId: "<plain@mail.example>",
      inReplyTo: "<em-abc.1@desk.example>",
      references: ["<first@mail.example>", "<em-abc.1@desk.example>"],
      date: new Date("2026-11-24T10:00:00Z"),
      text: "Hello, my printer is on fire. Grüße!\n",
      html: null,
      attachments: [],
      problems: [],
    });
    expect(result.headers["content-type"]).toEqual(["text/plain; charset=utf-8"]);
    expect(result.headers.references).toEqual(["<first@mail.example> <em-abc.1@desk.example>"]);
  });

  it("keeps raw UTF-8 headers readable", async () => {
    const result = await parsed("raw-utf8-headers");
    expect(result.subject).toBe("Größe prüfen ✓");
    expect(result.from).toEqual({ address: "jörg@münchen.example", name: "Jörg Müller" });
    expect(result.headers.subject).toEqual(["Größe prüfen ✓"]);
  });

  it("renders text from HTML when a message has no plain part", async () => {
    const result = await parsed("html-only");
    expect(result.text).toBe("Only HTML here\n\n> old");
  });

  it("prefers the plain part of multipart/alternative and keeps the raw HTML", async () => {
    const result = await parsed("alternative-html");
    expect(result.text.trim()).toBe("Plain version");
    expect(result.html?.trim()).toBe("<p>HTML <b>version</b></p>");
  });

  it("makes every hostile attachment name safe", async () => {
    const result = await parsed("evil-filenames");
    const names = result.attachments.map((attachment) => attachment.filename);
    expect(names).toEqual([
      "passwd",
      "hosts",
      "evil.exe",
      "report.pdf.exe",
      "invoice.pdf",
      "invoicefdp.exe",
      "safe.txt",
      "attachment-8",
      "_CON.txt",
      "attachment-10",
      `${"a".repeat(196)}.pdf`,
      "rawnul.txt",
      "x.pdf",
    ]);
    expect(result.problems).toContain("unsafe-filename:1");
    expect(result.problems).toContain("nul-bytes-removed");
    expect(names).toHaveLength(EVIL_FILENAMES.length + 2);
  });

  it("removes NUL bytes everywhere and says so", async () => {
    const result = await parsed("nul-bytes");
    expect(result.subject).toBe("HelloWorld");
    expect(result.headers["x-custom"]).toEqual(["beforeafter"]);
    expect(result.text).toContain("Text with  a NUL byte.");
    expect(result.problems).toContain("nul-bytes-removed");
  });

  it("sanitizes the hostile HTML fixture", async () => {
    const result = await parsed("html-xss");
    const safe = sanitizeEmailHtml(result.html ?? "");
    expect(safe.blockedRemoteImages).toBe(2);
    expect(safe.html).toContain("Please pay the invoice.");
    expect(safe.html).toContain(
      '<a href="https://shop.example/pay" rel="noopener noreferrer nofollow" target="_blank">pay here</a>',
    );
    expect(safe.html).toContain('data-remote-src="https://tracker.example/open.gif?u=42"');
    expect(safe.html).not.toMatch(/bg\.png|bg\.gif|\/p\.png|2x\.png|evil\.example|document\.cookie|alert|steal/);
    expect(result.text).not.toMatch(/document\.cookie|alert\(/);
  });

  it("keeps inline images with their content id and rewrites cid: links", async () => {
    const result = await parsed("inline-cid-image");
    expect(result.attachments).toEqual([
      {
        filename: "logo.png",
        contentType: "image/png",
        size: INLINE_IMAGE.length,
        contentId: "logo.png@01D9ABCD",
        inline: true,
        content: INLINE_IMAGE,
      },
    ]);
    const safe = sanitizeEmailHtml(result.html ?? "", { cidMap: { "logo.png@01D9ABCD": "/api/v1/attachments/7" } });
    expect(safe.html).toBe('<p>Our logo:</p><img alt="logo" src="/api/v1/attachments/7" /><img />');
  });

  it("keeps a 25 MB attachment byte for byte", async () => {
    const result = await parsed("attachment-25mb");
    const [attachment] = result.attachments;
    expect(attachment?.size).toBe(BIG_ATTACHMENT_BYTES);
    const digest = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
    expect(digest(attachment?.content ?? Buffer.alloc(0))).toBe(
      digest(pseudoRandomBytes(BIG_ATTACHMENT_BYTES, BIG_ATTACHMENT_SEED)),
    );
  });

  it("lists 1,000 recipients and skips what is not an address", async () => {
    const result = await parsed("many-recipients");
    expect(result.to).toHaveLength(RECIPIENT_COUNT);
    expect(result.to[999]).toEqual({ address: "person999@customer.example", name: "Person 999" });
    expect(result.cc.map((entry) => entry.address)).toEqual(["support@desk.example", "a@g.example", "b@g.example"]);
    expect(result.problems).toContain("invalid-address:cc");
  });

  it("keeps 5,000 links, each hardened", async () => {
    const result = await parsed("many-links");
    const safe = sanitizeEmailHtml(result.html ?? "").html;
    expect(
      safe.match(/<a href="https:\/\/links\.example\/\d+" rel="noopener noreferrer nofollow" target="_blank">/g),
    ).toHaveLength(LINK_COUNT);
    expect(result.text.split("\n")).toHaveLength(LINK_COUNT);
  });

  it("keeps over-long lines and caps References", async () => {
    const result = await parsed("long-lines");
    expect(result.text.split("\n")[0]).toHaveLength(200_000);
    expect(result.subject.startsWith("Long subject subject")).toBe(true);
    expect(result.references).toHaveLength(100);
    expect(result.references.at(-1)).toBe("<ref499@mail.example>");
    expect(result.problems).toContain("references-truncated");
  });

  it("quarantines 1,000-deep multipart nesting and parses 100-deep", async () => {
    const deep = await outcome("nesting-1000");
    if (deep instanceof MailParseError) expect(deep.code).toBe("unparseable");
    expect((await parsed("nesting-100")).text.trim()).toBe("The bottom of the well.");
  });

  it("salvages what it can from broken structure and encodings", async () => {
    expect((await parsed("missing-closing-boundary")).text.trim()).toBe("first");
    expect((await parsed("truncated-base64")).attachments[0]?.filename).toBe("a.pdf");
    expect((await parsed("broken-quoted-printable")).text).toContain("café");
    expect((await parsed("invalid-base64")).text).toContain("Hello");
    expect((await parsed("bare-lf")).text.trim()).toBe("unix line endings");
    expect((await parsed("boundary-mismatch")).problems).toContain("empty-body");
    expect((await parsed("headers-only")).problems).toEqual(["missing-message-id", "empty-body"]);
  });

  it("takes the first of duplicated single headers and rejects a bad date", async () => {
    const result = await parsed("duplicate-headers");
    expect(result.from?.address).toBe("first@example.com");
    expect(result.subject).toBe("one");
    expect(result.messageId).toBe("<dup1@example.com>");
    expect(result.date).toBeNull();
    expect(result.problems).toContain("invalid-date");
  });

  it("does not take an address hidden in an encoded word", async () => {
    const result = await parsed("broken-encoded-words");
    expect(result.from).toBeNull();
    expect(result.problems).toContain("missing-from");
  });

  it("names and types an attachment part that declares neither", async () => {
    const [attachment] = (await parsed("part-without-type")).attachments;
    expect(attachment).toMatchObject({ filename: "attachment-1", contentType: "application/octet-stream", size: 3 });
  });

  it("keeps a forwarded message as an attachment", async () => {
    const result = await parsed("forwarded-rfc822");
    expect(result.attachments.map((attachment) => attachment.contentType)).toEqual(["message/rfc822"]);
  });

  it("gives the loop guard what it needs", async () => {
    const ourAddresses = ["support@desk.example"];
    const reason = async (name: string) => shouldAutoReply((await parsed(name)).headers, { ourAddresses }).reason;
    expect(await reason("plain-utf8")).toBe("ok");
    expect(await reason("auto-reply")).toBe("auto-submitted");
    expect(await reason("dsn-bounce")).toBe("null-return-path");
    expect(await reason("mailing-list")).toBe("precedence");
    const dsn = await parsed("dsn-bounce");
    const { "return-path": _returnPath, ...withoutReturnPath } = dsn.headers;
    expect(shouldAutoReply(withoutReturnPath, { ourAddresses }).reason).toBe("bounce");
  });

  it("collapses the quoted history of an Outlook reply", async () => {
    const split = splitQuotedHistory((await parsed("outlook-reply")).text);
    expect(split.visible).toBe("Thanks, that fixed it.");
    expect(split.quoted).toContain("Please restart the printer.");
  });
});

describe("parseInboundMessage contract", () => {
  const small = mutationSeeds()[0] ?? Buffer.alloc(0);

  it("rejects input that is not a Buffer and a bad limit", async () => {
    await expect(parseInboundMessage("From: x" as unknown as Buffer, { maxMs: 1000 })).rejects.toMatchObject({
      name: "MailParseError",
      code: "invalid-input",
    });
    await expect(parseInboundMessage(small, { maxMs: 0 })).rejects.toBeInstanceOf(MailParseError);
    await expect(parseInboundMessage(small, { maxMs: Number.NaN })).rejects.toBeInstanceOf(MailParseError);
  });

  it("rejects with a timeout MailParseError when the limit is exceeded", async () => {
    const big = byName.get("attachment-25mb")?.raw ?? Buffer.alloc(0);
    const started = performance.now();
    const error = await parseInboundMessage(big, { maxMs: 50 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailParseError);
    expect((error as MailParseError).code).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("returns plain data that survives structured cloning (worker threads)", async () => {
    const result = await parsed("inline-cid-image");
    const clone = structuredClone(result);
    expect(clone.subject).toBe(result.subject);
    expect(
      Buffer.from(clone.attachments[0]?.content ?? []).equals(result.attachments[0]?.content ?? Buffer.alloc(0)),
    ).toBe(true);
    expect(JSON.parse(JSON.stringify(result.headers))).toEqual({ ...result.headers });
  });

  it("keeps header names like __proto__ as data", async () => {
    const raw = Buffer.from("From: a@example.com\r\n__proto__: polluted\r\nConstructor: x\r\n\r\nbody\r\n");
    const result = await parseInboundMessage(raw, { maxMs: 5000 });
    expect(Object.getOwnPropertyDescriptor(result.headers, "__proto__")?.value).toEqual(["polluted"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("parses the same bytes to the same result", async () => {
    const seed = mutationSeeds()[1] ?? Buffer.alloc(0);
    const [first, second] = await Promise.all([
      parseInboundMessage(seed, { maxMs: 5000 }),
      parseInboundMessage(Buffer.from(seed), { maxMs: 5000 }),
    ]);
    expect(second).toEqual(first);
  });

  it("never throws anything but MailParseError on mutated messages, and never hangs (property)", async () => {
    const seeds = mutationSeeds();
    const snippet = fc.constantFrom(
      "\r\n",
      "\r\n\r\n",
      "--",
      "\r\n--s\r\n",
      "\r\n--rel--\r\n",
      "=?",
      "?=",
      "=?utf-8?B?",
      "boundary=",
      'Content-Type: multipart/mixed; boundary="s"\r\n',
      "Content-Transfer-Encoding: base64\r\n",
      "Content-Transfer-Encoding: quoted-printable\r\n",
      "charset=iso-2022-jp",
      "\u0000",
      "=\r\n",
      "\u001b$B",
      "<",
      ">",
      '"',
    );
    const operation = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: snippet }),
      fc.record({ kind: fc.constant("random" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 32 }) }),
      fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
    );
    type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;
    const apply = (raw: Buffer, op: Operation): Buffer => {
      const at = raw.length === 0 ? 0 : op.at % raw.length;
      switch (op.kind) {
        case "flip": {
          const copy = Buffer.from(raw);
          if (copy.length > 0) copy[at] = op.byte;
          return copy;
        }
        case "truncate":
          return raw.subarray(0, at);
        case "delete":
          return Buffer.concat([raw.subarray(0, at), raw.subarray(at + op.length)]);
        case "insert":
          return Buffer.concat([raw.subarray(0, at), Buffer.from(op.text, "latin1"), raw.subarray(at)]);
        case "random":
          return Buffer.concat([raw.subarray(0, at), Buffer.from(op.bytes), raw.subarray(at)]);
        case "repeat":
          return Buffer.concat([raw.subarray(0, at + op.length), raw.subarray(at)]);
      }
    };
    const maxMs = 2000;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(operation, { minLength: 1, maxLength: 6 }),
        async (seedIndex, operations) => {
          const raw = operations.reduce(apply, seeds[seedIndex] ?? Buffer.alloc(0));
          const started = performance.now();
          try {
            const result = await parseInboundMessage(raw, { maxMs });
            expectSensible(result);
          } catch (error) {
            expect(error).toBeInstanceOf(MailParseError);
          }
          expect(performance.now() - started).toBeLessThan(maxMs + 1000);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);
});

describe("safeAttachmentFilename", () => {
  it.each([
    ["report.pdf", "report.pdf"],
    ["../../etc/passwd", "passwd"],
    ["..\\..\\boot.ini", "boot.ini"],
    ["dir/sub/", "attachment-3"],
    ["a\u0000b\u0007c.txt", "abc.txt"],
    ["in\u200bvo\u200cice\u200d\ufeff.pdf", "invoice.pdf"],
    ["photo\u202egnp.exe", "photognp.exe"],
    ["\u2067x\u2069.txt", "x.txt"],
    ["  .hidden  ", "hidden"],
    ["name...", "name"],
    ['what?*:<>|".txt', "what_______.txt"],
    ["nul", "_nul"],
    ["LPT1.log", "_LPT1.log"],
    ["résumé.pdf", "résumé.pdf"],
    ["e\u0301t\u00e9.txt", "\u00e9t\u00e9.txt"],
    ["multiple   spaces\tand\nlines.txt", "multiple spaces and lines.txt"],
    ["", "attachment-3"],
    [undefined, "attachment-3"],
  ])("safeAttachmentFilename(%j) = %j", (name, expected) => {
    expect(safeAttachmentFilename(name, 3)).toBe(expected);
  });

  it("caps the length at 200 characters and keeps the extension", () => {
    expect(safeAttachmentFilename(`${"b".repeat(300)}.docx`, 1)).toBe(`${"b".repeat(195)}.docx`);
    expect(safeAttachmentFilename(`${"😀".repeat(300)}.png`, 1)).toBe(`${"😀".repeat(196)}.png`);
    expect(safeAttachmentFilename(`x.${"e".repeat(300)}`, 1)).toHaveLength(200);
  });

  it("always returns a safe, non-empty name (property)", () => {
    const piece = fc.oneof(
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom(
        "/",
        "\\",
        "..",
        ".",
        " ",
        "\u0000",
        "\u200b",
        "\u202e",
        "\u2066",
        "\ufeff",
        "CON",
        ":",
        "e\u0301",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.integer({ min: 1, max: 99 }), (pieces, index) => {
        const name = safeAttachmentFilename(pieces.join(""), index);
        expect(name.length).toBeGreaterThan(0);
        expect(Array.from(name).length).toBeLessThanOrEqual(200);
        expect(name).not.toMatch(UNSAFE_FILENAME);
        expect(name).not.toMatch(/^[. ]|[. ]$/);
        expect(name).not.toMatch(/^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$/i);
        expect(safeAttachmentFilename(name, index)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });
});
