import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { uuencode } from "../../../../test/fixtures/mail/generate";
import { extractUuencoded } from "./uudecode";

const filename = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}\.[a-z]{1,4}$/);
/** Lines of ordinary text, none of which opens a block. */
const prose = fc.array(
  fc.string({ maxLength: 60 }).filter((line) => !/[\r\n]/.test(line) && !line.startsWith("begin ")),
  { maxLength: 5 },
);

describe("uuencoded blocks in a text body", () => {
  it("decodes every block to its exact bytes and keeps the text around it (round trip)", () => {
    fc.assert(
      fc.property(
        prose,
        fc.array(fc.record({ name: filename, bytes: fc.uint8Array({ maxLength: 400 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        prose,
        fc.constantFrom<"`" | " ">("`", " "),
        fc.boolean(),
        (before, files, after, zero, trimmed) => {
          const blocks = files.map((f) => {
            const block = uuencode(f.name, Buffer.from(f.bytes), zero);
            // a relay that strips trailing spaces must not lose bytes
            return trimmed ? block.replace(/ +$/gm, "") : block;
          });
          const text = [...before, ...blocks, ...after].join("\n");
          const result = extractUuencoded(text);
          expect(result.files.map((f) => f.filename)).toEqual(files.map((f) => f.name));
          result.files.forEach((f, i) => {
            expect(Buffer.compare(f.content, Buffer.from(files[i]?.bytes ?? []))).toBe(0);
          });
          expect(result.text).toBe([...before, ...after].join("\n"));
        },
      ),
    );
  });

  it("leaves text without a complete, well-formed block exactly as it was", () => {
    fc.assert(
      fc.property(prose, fc.uint8Array({ minLength: 1, maxLength: 200 }), (lines, bytes) => {
        const text = lines.join("\n");
        expect(extractUuencoded(text)).toEqual({ text, files: [] });
        const unterminated = `${text}\n${uuencode("a.bin", Buffer.from(bytes)).replace(/\nend$/, "")}`;
        expect(extractUuencoded(unterminated)).toEqual({ text: unterminated, files: [] });
      }),
    );
  });

  it("decodes the classic example and does not mistake prose for a block", () => {
    const cat = "begin 644 cat.txt\n#0V%T\n`\nend";
    expect(extractUuencoded(`Here it is:\n${cat}\nBye`)).toEqual({
      text: "Here it is:\nBye",
      files: [{ filename: "cat.txt", content: Buffer.from("Cat") }],
    });
    const prose = "begin 644 is a file mode\nthat we use\nend";
    expect(extractUuencoded(prose).files).toEqual([]);
  });
});
