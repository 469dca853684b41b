import { describe, expect, it } from "vitest";
import { formatMoney, formatTotals, fractionDigits, parseMoney, toDecimalInput, totalsByCurrency } from "./money";

describe("money", () => {
  it("knows each currency's minor units", () => {
    expect(fractionDigits("EUR")).toBe(2);
    expect(fractionDigits("JPY")).toBe(0);
    expect(fractionDigits("BHD")).toBe(3);
  });

  it("formats minor units as money in the currency", () => {
    expect(formatMoney(123_456, "EUR", "en-US")).toBe("€1,234.56");
    expect(formatMoney(5000, "USD", "en-US")).toBe("$50.00");
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500");
    expect(formatMoney(0, "EUR", "en-US")).toBe("€0.00");
    expect(formatMoney(123_456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
  });

  it("joins totals in several currencies", () => {
    expect(formatTotals([], "en-US")).toBe("—");
    expect(
      formatTotals(
        [
          { currency: "EUR", amountMinor: 1200 },
          { currency: "USD", amountMinor: 500 },
        ],
        "en-US",
      ),
    ).toBe("€12.00 + $5.00");
  });

  it("reads what people type, with either decimal separator", () => {
    expect(parseMoney("12", "EUR")).toBe(1200);
    expect(parseMoney("12.5", "EUR")).toBe(1250);
    expect(parseMoney("12,50", "EUR")).toBe(1250);
    expect(parseMoney("1,234.56", "EUR")).toBe(123_456);
    expect(parseMoney("1.234,56", "EUR")).toBe(123_456);
    expect(parseMoney("1,000", "EUR")).toBe(100_000);
    expect(parseMoney("1.000.000", "EUR")).toBe(100_000_000);
    expect(parseMoney("12.345", "EUR")).toBe(1_234_500);
    expect(parseMoney(" € 40 ", "EUR")).toBe(4000);
    expect(parseMoney("40 €", "EUR")).toBe(4000);
    expect(parseMoney(".5", "EUR")).toBe(50);
    expect(parseMoney("1 500", "JPY")).toBe(1500);
    expect(parseMoney("1,500", "JPY")).toBe(1500);
    expect(parseMoney("1.250", "BHD")).toBe(1250);
  });

  it("refuses what is not an amount", () => {
    expect(parseMoney("", "EUR")).toBeNull();
    expect(parseMoney("abc", "EUR")).toBeNull();
    expect(parseMoney("-5", "EUR")).toBeNull();
    expect(parseMoney("12.3456", "EUR")).toBeNull();
    expect(parseMoney("1.2.3,4,5", "EUR")).toBeNull();
    expect(parseMoney("12.5", "JPY")).toBeNull();
  });

  it("round-trips through an editable value", () => {
    expect(toDecimalInput(123_456, "EUR")).toBe("1234.56");
    expect(parseMoney(toDecimalInput(123_456, "EUR"), "EUR")).toBe(123_456);
    expect(toDecimalInput(1500, "JPY")).toBe("1500");
  });

  it("adds ledger rows up per currency without converting", () => {
    expect(
      totalsByCurrency([
        { currency: "EUR", totalMinor: 1000, remedies: 2, aboveLimit: 1 },
        { currency: "USD", totalMinor: 500, remedies: 1, aboveLimit: 0 },
        { currency: "EUR", totalMinor: 250, remedies: 1, aboveLimit: 0 },
      ]),
    ).toEqual([
      { currency: "EUR", totalMinor: 1250, remedies: 3, aboveLimit: 1 },
      { currency: "USD", totalMinor: 500, remedies: 1, aboveLimit: 0 },
    ]);
  });
});
