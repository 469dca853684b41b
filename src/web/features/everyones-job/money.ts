/** Money travels as integer minor units plus an ISO 4217 code; these turn it into words and back. */

/** Currencies offered in pickers; the API accepts any ISO 4217 code. */
export const CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK", "JPY"];

const digitsCache = new Map<string, number>();

/** How many minor-unit digits a currency has (EUR 2, JPY 0, BHD 3). */
export const fractionDigits = (currency: string): number => {
  const cached = digitsCache.get(currency);
  if (cached !== undefined) return cached;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  digitsCache.set(currency, digits);
  return digits;
};

/** `formatMoney(123456, "EUR", "en-US")` → "€1,234.56". Without a locale, the browser's. */
export const formatMoney = (minor: number, currency: string, locale?: string): string => {
  const digits = fractionDigits(currency);
  try {
    return new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
};

/** Sums per currency, formatted and joined: "€12.00 + $5.00"; "—" for none. */
export const formatTotals = (totals: readonly { currency: string; amountMinor: number }[], locale?: string): string =>
  totals.length === 0 ? "—" : totals.map((t) => formatMoney(t.amountMinor, t.currency, locale)).join(" + ");

/**
 * Reads an amount a person typed ("12", "12.50", "12,5", "1,234.56", "1.234,56", "€ 40") as minor units of
 * `currency`. A lone separator followed by more digits than the currency has is a thousands separator
 * ("1,000" is one thousand). null when it is not a non-negative amount the currency can hold.
 */
export const parseMoney = (input: string, currency: string): number | null => {
  const digits = fractionDigits(currency);
  const cleaned = input.replace(/[\s\u00a0\u202f'’]/g, "").replace(/^[^\d.,-]+|[^\d.,]+$/g, "");
  if (!/^\d[\d.,]*$/.test(cleaned) && !/^[.,]\d+$/.test(cleaned)) return null;
  const lastDot = cleaned.lastIndexOf(".");
  const lastComma = cleaned.lastIndexOf(",");
  let decimal: "." | "," | null = null;
  if (lastDot >= 0 && lastComma >= 0) decimal = lastDot > lastComma ? "." : ",";
  else {
    const sep = lastDot >= 0 ? "." : lastComma >= 0 ? "," : null;
    if (sep) {
      const parts = cleaned.split(sep);
      const tail = parts[parts.length - 1] ?? "";
      const looksGrouped = parts.length > 2 || (tail.length === 3 && tail.length > digits);
      decimal = looksGrouped ? null : sep;
    }
  }
  const [whole = "", fraction = ""] = decimal ? cleaned.split(decimal) : [cleaned, ""];
  if (decimal && cleaned.split(decimal).length > 2) return null;
  const group = decimal === "." ? "," : decimal === "," ? "." : /[.,]/;
  const wholeDigits = whole.split(group).join("");
  if (!/^\d*$/.test(wholeDigits) || !/^\d*$/.test(fraction)) return null;
  if (fraction.length > digits) return null;
  const minor = Number(wholeDigits || "0") * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
};

/** The amount as an editable decimal string ("1234.5" → "1234.50"), no grouping, for prefilling an input. */
export const toDecimalInput = (minor: number, currency: string): string => {
  const digits = fractionDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
};

interface Amounts {
  currency: string;
  totalMinor: number;
  remedies: number;
  aboveLimit: number;
}

/** Adds ledger rows up per currency, never converting between currencies; currencies in first-seen order. */
export const totalsByCurrency = (rows: readonly Amounts[]): Amounts[] => {
  const byCurrency = new Map<string, Amounts>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { currency: r.currency, totalMinor: 0, remedies: 0, aboveLimit: 0 };
    byCurrency.set(r.currency, {
      currency: r.currency,
      totalMinor: t.totalMinor + r.totalMinor,
      remedies: t.remedies + r.remedies,
      aboveLimit: t.aboveLimit + r.aboveLimit,
    });
  }
  return [...byCurrency.values()];
};
