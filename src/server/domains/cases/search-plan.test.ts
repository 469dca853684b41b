import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walksRecency } from "./cases.repository";

describe("how search finds the newest hits", () => {
  it("walks the recency index once hits² reach 2,000 × messages, at any scale", () => {
    expect(walksRecency({ hits: 99_000, messages: 5_000_000 })).toBe(false);
    expect(walksRecency({ hits: 100_000, messages: 5_000_000 })).toBe(true);
    expect(walksRecency({ hits: 42_662, messages: 107_298 })).toBe(true);
    expect(walksRecency({ hits: 14_000, messages: 107_298 })).toBe(false);
    expect(walksRecency({ hits: 0, messages: 0 })).toBe(false);
  });

  it("never walks for fewer hits than a word that does not walk, nor for a word in no message", () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), fc.nat(10_000_000), (messages, a, b) => {
        const [fewer, more] = a <= b ? [a, b] : [b, a];
        if (walksRecency({ hits: fewer, messages })) expect(walksRecency({ hits: more, messages })).toBe(true);
        expect(walksRecency({ hits: 0, messages })).toBe(false);
      }),
    );
  });
});
