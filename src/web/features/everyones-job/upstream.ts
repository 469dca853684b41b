import { fractionDigits } from "./money";
import type { UpstreamView } from "./wire";

/** The view's currencies, the one with the largest cost first (the charts show one currency at a time). */
export const currenciesOf = (view: Pick<UpstreamView, "costByMonth">): string[] => {
  const totals = new Map<string, number>();
  for (const m of view.costByMonth) totals.set(m.currency, (totals.get(m.currency) ?? 0) + m.totalMinor);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
};

const major = (minor: number, currency: string): number => minor / 10 ** fractionDigits(currency);

/** Cost of failure per month in major units, split into remedies and handling time, for a stacked bar chart. */
export const monthSeries = (
  view: Pick<UpstreamView, "costByMonth">,
  currency: string,
): { month: string; Remedies: number; Handling: number }[] =>
  view.costByMonth
    .filter((m) => m.currency === currency)
    .map((m) => ({
      month: m.month,
      Remedies: major(m.remediesMinor, currency),
      Handling: major(m.handlingMinor, currency),
    }));

/** Cost of failure per root-cause category in major units, costliest first. */
export const categorySeries = (
  view: Pick<UpstreamView, "costByCategory">,
  currency: string,
): { category: string; Cost: number; cases: number }[] =>
  view.costByCategory
    .filter((c) => c.currency === currency)
    .sort((a, b) => b.totalMinor - a.totalMinor)
    .map((c) => ({ category: c.category.name, Cost: major(c.totalMinor, currency), cases: c.cases }));

/** The total cost of failure in one currency, in minor units. */
export const totalCost = (view: Pick<UpstreamView, "costByMonth">, currency: string): number =>
  view.costByMonth.filter((m) => m.currency === currency).reduce((sum, m) => sum + m.totalMinor, 0);
