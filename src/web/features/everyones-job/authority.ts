import type { AboveLimit, TAuthority } from "../../../shared/contracts/remedies";

export interface RemedyAssessment {
  /** Which limit the amount goes beyond, as the server will judge it. */
  aboveLimit: AboveLimit;
  /** What is left of the rolling 30 days after this remedy (never below zero). */
  remainingAfterMinor: number;
  /** How far the amount goes beyond the per-remedy limit (0 when within). */
  overPerRemedyMinor: number;
}

/** The same judgement the server makes when granting: per remedy, and used + amount against the 30-day limit. */
export const assessRemedy = (
  authority: Pick<TAuthority, "perRemedyMinor" | "per30DaysMinor" | "usedLast30DaysMinor">,
  amountMinor: number,
): RemedyAssessment => {
  const perRemedy = amountMinor > authority.perRemedyMinor;
  const perWindow = authority.usedLast30DaysMinor + amountMinor > authority.per30DaysMinor;
  return {
    aboveLimit: perRemedy && perWindow ? "both" : perRemedy ? "per_remedy" : perWindow ? "per_30_days" : "no",
    remainingAfterMinor: Math.max(0, authority.per30DaysMinor - authority.usedLast30DaysMinor - amountMinor),
    overPerRemedyMinor: Math.max(0, amountMinor - authority.perRemedyMinor),
  };
};

/** Share of the rolling 30-day authority already used, 0–100, for a progress bar. */
export const usedPercent = (authority: Pick<TAuthority, "per30DaysMinor" | "usedLast30DaysMinor">): number =>
  authority.per30DaysMinor <= 0
    ? 100
    : Math.min(100, Math.round((authority.usedLast30DaysMinor / authority.per30DaysMinor) * 100));

/** Largest amount that still needs no justification: the smaller of the per-remedy limit and what is left. */
export const grantableWithoutReview = (
  authority: Pick<TAuthority, "perRemedyMinor" | "per30DaysMinor" | "usedLast30DaysMinor">,
): number => Math.max(0, Math.min(authority.perRemedyMinor, authority.per30DaysMinor - authority.usedLast30DaysMinor));

export const ABOVE_LIMIT_LABEL: Record<AboveLimit, string> = {
  no: "Within your authority",
  per_remedy: "Above your per-remedy limit",
  per_30_days: "Above your 30-day limit",
  both: "Above your per-remedy and 30-day limits",
};
