import { describe, expect, it } from "vitest";
import { assessRemedy, grantableWithoutReview, usedPercent } from "./authority";

const authority = { perRemedyMinor: 25_000, per30DaysMinor: 150_000, usedLast30DaysMinor: 140_000 };

describe("remaining authority", () => {
  it("judges an amount the way the server does", () => {
    expect(assessRemedy(authority, 5000)).toEqual({
      aboveLimit: "no",
      remainingAfterMinor: 5000,
      overPerRemedyMinor: 0,
    });
    expect(assessRemedy(authority, 10_000).aboveLimit).toBe("no");
    expect(assessRemedy(authority, 10_001).aboveLimit).toBe("per_30_days");
    expect(assessRemedy({ ...authority, usedLast30DaysMinor: 0 }, 25_001)).toEqual({
      aboveLimit: "per_remedy",
      remainingAfterMinor: 124_999,
      overPerRemedyMinor: 1,
    });
    expect(assessRemedy(authority, 30_000)).toEqual({
      aboveLimit: "both",
      remainingAfterMinor: 0,
      overPerRemedyMinor: 5000,
    });
  });

  it("says how much can still be given without review", () => {
    expect(grantableWithoutReview(authority)).toBe(10_000);
    expect(grantableWithoutReview({ ...authority, usedLast30DaysMinor: 0 })).toBe(25_000);
    expect(grantableWithoutReview({ ...authority, usedLast30DaysMinor: 200_000 })).toBe(0);
  });

  it("shows the share of the month used", () => {
    expect(usedPercent(authority)).toBe(93);
    expect(usedPercent({ per30DaysMinor: 100, usedLast30DaysMinor: 250 })).toBe(100);
    expect(usedPercent({ per30DaysMinor: 0, usedLast30DaysMinor: 0 })).toBe(100);
  });
});
