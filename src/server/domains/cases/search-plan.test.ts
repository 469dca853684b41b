import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walksRecency } from "./cases.repository";

describe("how search finds the newest hits", () => {
  it("walks the recency index for words once hits² reach 500 × messages, at any scale", () => {
    const words = (hits: number, messages: number) => walksRecency({ hits, ginRows: hits, messages });
    expect(words(49_000, 5_000_000)).toBe(false);
    expect(words(50_000, 5_000_000)).toBe(true);
    expect(words(42_662, 107_298)).toBe(true);
    expect(words(7_000, 107_298)).toBe(false);
    expect(words(0, 0)).toBe(false);
  });

  it("walks for a phrase when the walk reads fewer rows than the GIN index's candidates", () => {
    // Measured: at full scale "conveyor roller" is in 47,640 of 5 M messages, both words in 766,571 (walking to
    // 2,000 hits 159 ms, GIN 994 ms); at quick scale in 946 of 107,298, both words estimated in 16,751.
    expect(walksRecency({ hits: 47_640, ginRows: 787_533, messages: 5_000_000 })).toBe(true);
    expect(walksRecency({ hits: 946, ginRows: 16_751, messages: 107_298 })).toBe(false);
  });

  it("never walks for fewer hits or fewer candidates than a query that does not walk, nor for no hit", () => {
    const count = fc.nat(10_000_000);
    fc.assert(
      fc.property(count, count, count, count, (messages, a, b, ginRows) => {
        const [fewer, more] = a <= b ? [a, b] : [b, a];
        if (walksRecency({ hits: fewer, ginRows, messages })) {
          expect(walksRecency({ hits: more, ginRows, messages })).toBe(true);
          expect(walksRecency({ hits: fewer, ginRows: ginRows + a, messages })).toBe(true);
        }
        expect(walksRecency({ hits: 0, ginRows, messages })).toBe(false);
      }),
    );
  });
});
