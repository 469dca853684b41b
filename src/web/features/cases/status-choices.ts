import { CASE_STATUSES, type CaseStatus, canTransition } from "../../../shared/domain";

/** The statuses the Status field offers: the current one (even closed, which cannot be chosen) and where it may go. */
export const statusChoices = (current: CaseStatus): CaseStatus[] =>
  CASE_STATUSES.filter((s) => s === current || canTransition(current, s));
