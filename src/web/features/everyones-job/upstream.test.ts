import { describe, expect, it } from "vitest";
import { categorySeries, currenciesOf, monthSeries, totalCost } from "./upstream";

const month = (m: string, currency: string, remediesMinor: number, handlingMinor: number) => ({
  month: m,
  currency,
  cases: 1,
  remediesMinor,
  handlingMinor,
  totalMinor: remediesMinor + handlingMinor,
});

const view = {
  costByMonth: [
    month("2026-09", "EUR", 10_000, 2_550),
    month("2026-10", "EUR", 0, 4_000),
    month("2026-10", "USD", 99_900, 0),
    month("2026-10", "JPY", 5_000, 0),
  ],
  costByCategory: [
    { category: { id: "a", name: "Billing error" }, currency: "EUR", cases: 1, totalMinor: 4_000 },
    { category: { id: "b", name: "Transport damage" }, currency: "EUR", cases: 2, totalMinor: 12_550 },
    { category: { id: "c", name: "Calibration" }, currency: "USD", cases: 1, totalMinor: 99_900 },
  ],
};

describe("upstream charts", () => {
  it("puts the costliest currency first", () => {
    expect(currenciesOf(view)).toEqual(["USD", "EUR", "JPY"]);
    expect(currenciesOf({ costByMonth: [] })).toEqual([]);
  });

  it("splits each month into remedies and handling, in major units of one currency", () => {
    expect(monthSeries(view, "EUR")).toEqual([
      { month: "2026-09", Remedies: 100, Handling: 25.5 },
      { month: "2026-10", Remedies: 0, Handling: 40 },
    ]);
    expect(monthSeries(view, "JPY")).toEqual([{ month: "2026-10", Remedies: 5000, Handling: 0 }]);
  });

  it("orders categories by cost", () => {
    expect(categorySeries(view, "EUR")).toEqual([
      { category: "Transport damage", Cost: 125.5, cases: 2 },
      { category: "Billing error", Cost: 40, cases: 1 },
    ]);
  });

  it("totals one currency", () => {
    expect(totalCost(view, "EUR")).toBe(16_550);
    expect(totalCost(view, "GBP")).toBe(0);
  });
});
