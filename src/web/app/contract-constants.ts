import type { CaseSort } from "../../shared/contracts/cases";
import type { VIEW_DUE_FILTERS } from "../../shared/contracts/views";

/**
 * Runtime lists from the contracts, restated here because importing the contract modules at
 * runtime would pull zod into the bundle. The types below fail to compile if a list drifts;
 * contract-constants.test.ts compares them with the contracts' own values.
 */
export const CASE_SORT_VALUES = [
  "next_step_due_at",
  "-next_step_due_at",
  "created_at",
  "-created_at",
  "updated_at",
  "-updated_at",
  "number",
  "-number",
  "priority",
  "-priority",
] as const satisfies readonly CaseSort[];

export type DueFilter = (typeof VIEW_DUE_FILTERS)[number];

export const DUE_FILTER_VALUES = ["overdue", "today", "next_24h", "this_week"] as const satisfies readonly DueFilter[];

type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
export const listsCoverContracts: [
  Covers<CaseSort, (typeof CASE_SORT_VALUES)[number]>,
  Covers<DueFilter, (typeof DUE_FILTER_VALUES)[number]>,
] = [true, true];
