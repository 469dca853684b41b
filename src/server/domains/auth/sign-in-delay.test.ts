import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signInDelayMs } from "./auth.service";

describe("the wait after failed sign-ins", () => {
  it("is none for the free tries, then never shrinks with more failures and never exceeds a minute", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 1000 }), (failures, free) => {
        const wait = signInDelayMs(failures, free);
        expect(wait === 0).toBe(failures < free);
        expect(wait).toBeLessThanOrEqual(60_000);
        expect(signInDelayMs(failures + 1, free)).toBeGreaterThanOrEqual(wait);
      }),
    );
  });
});
