import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSearchQuery, parseSearchQuery, toTsQuery } from "./search-query";

const LEXEME = /^[\p{L}\p{N}]+$/u;
const terms = (q: ReturnType<typeof parseSearchQuery>) => [...q.words, ...q.phrases.flat(), ...q.excluded];

describe("help-center search queries", () => {
  it("keep only letters and digits, so no input can reach the query syntax", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (raw) => {
        const q = parseSearchQuery(raw);
        for (const t of terms(q)) expect(t).toMatch(LEXEME);
        expect(terms(q).length).toBeLessThanOrEqual(12);
        const ts = toTsQuery(q);
        if (ts !== null)
          expect(ts).toMatch(/^(!?'[\p{L}\p{N}]+'(:\*)?|\('[\p{L}\p{N}]+'( <-> '[\p{L}\p{N}]+')+\))( & .+)?$/u);
      }),
    );
  });

  it("read back what they format", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const q = parseSearchQuery(raw);
        expect(parseSearchQuery(formatSearchQuery(q))).toEqual(q);
      }),
    );
  });

  it("understand words, phrases and exclusions", () => {
    expect(parseSearchQuery('Reset "two factor" -SMS password')).toEqual({
      words: ["reset", "password"],
      phrases: [["two", "factor"]],
      excluded: ["sms"],
    });
    expect(toTsQuery(parseSearchQuery("reset pass"))).toBe("'reset' & 'pass':*");
    expect(toTsQuery(parseSearchQuery('"log in" -sso'))).toBe("('log' <-> 'in') & !'sso'");
    expect(toTsQuery(parseSearchQuery("-only -exclusions"))).toBeNull();
    expect(toTsQuery(parseSearchQuery("  '&|!:*()  "))).toBeNull();
  });
});
