import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tnef } from "../../../../test/fixtures/mail/generate";
import { decodeTnef, TnefError } from "./tnef";

const file = fc.record({
  name: fc.string({ minLength: 1, maxLength: 40 }).filter((n) => !n.includes("\u0000")),
  content: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
  mimeTag: fc.option(fc.constantFrom("application/pdf", "image/png", "text/plain"), { nil: undefined }),
});
const ascii = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e\n]/g, "x"));

describe("winmail.dat (TNEF)", () => {
  it("gives back every file with its long name, type and exact bytes, and the body (round trip)", () => {
    fc.assert(
      fc.property(fc.array(file, { maxLength: 4 }), fc.option(ascii, { nil: undefined }), (files, text) => {
        const decoded = decodeTnef(tnef({ files, ...(text === undefined ? {} : { text }) }));
        expect(decoded.files).toEqual(
          files.map((f) => ({ filename: f.name, contentType: f.mimeTag ?? null, content: f.content })),
        );
        expect(decoded.text).toBe(text ?? null);
        expect(decoded.html).toBeNull();
      }),
    );
  });

  it("takes the HTML body, or the HTML an RTF body encapsulates", () => {
    expect(decodeTnef(tnef({ html: "<p>Grüße</p>", files: [] })).html).toBe("<p>Grüße</p>");
    const encapsulated =
      "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 {\\*\\htmltag64 <p>}Hello {\\*\\htmltag84 <b>}there{\\*\\htmltag92 </b>}{\\*\\htmltag72 </p>}}";
    expect(decodeTnef(tnef({ rtf: encapsulated, files: [] })).html).toBe("<p>Hello <b>there</b></p>");
  });

  it("keeps rich text written as RTF as message.rtf", () => {
    const rtf = "{\\rtf1\\ansi\\ansicpg1252 Hello \\b there\\b0\\par}";
    const decoded = decodeTnef(tnef({ rtf, files: [] }));
    expect(decoded.html).toBeNull();
    expect(decoded.files).toEqual([
      { filename: "message.rtf", contentType: "application/rtf", content: Buffer.from(rtf, "latin1") },
    ]);
  });

  it("fails only with TnefError on data cut short or changed (property)", () => {
    const valid = tnef({
      text: "Hello",
      rtf: "{\\rtf1 x}",
      files: [{ name: "a.txt", content: Buffer.from("abc"), mimeTag: "text/plain" }],
    });
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length }),
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
        (cut, flips) => {
          const bytes = Buffer.from(valid.subarray(0, cut));
          for (const f of flips) if (bytes.length > 0) bytes[f.at % bytes.length] = f.byte;
          try {
            decodeTnef(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(TnefError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
