import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zName } from "./common";

const FORBIDDEN = [
  "\r",
  "\n",
  "\t",
  "\u000b",
  "\u001b",
  "\u0085",
  "\u061c",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
];

describe("names", () => {
  it("refuse any line break, control or bidi formatting character, wherever it sits", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...FORBIDDEN), fc.string(), (before, bad, after) => {
        expect(zName.safeParse(`Ada${before}${bad}${after}Lovelace`).success).toBe(false);
      }),
    );
  });

  it("accept names in any script, with accents, apostrophes and spaces", () => {
    const letters = fc.constantFrom(..."aéßøĳЖжשלוםمرحبا中文한국어 '-.·ñ");
    fc.assert(
      fc.property(fc.array(letters, { minLength: 1, maxLength: 60 }), (chars) => {
        const name = `N${chars.join("")}`;
        expect(zName.parse(name)).toBe(name.trim());
      }),
    );
  });
});
