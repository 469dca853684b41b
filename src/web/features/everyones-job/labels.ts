import type { ExecutiveStage, VerificationOutcome } from "../../../shared/contracts/executive";
import type { AboveLimit, RemedyKind, ReviewStatus } from "../../../shared/contracts/remedies";
import type { CorrectiveActionStatus } from "../../../shared/contracts/root-causes";

export const STAGE_LABEL: Record<ExecutiveStage, string> = {
  awaiting_delegation: "Awaiting delegation",
  awaiting_report: "Awaiting the owner's report",
  awaiting_solve: "Report filed, awaiting solve",
  awaiting_verification: "Awaiting the verification call",
  closed: "Closed after verification",
};

export const STAGE_COLOR: Record<ExecutiveStage, string> = {
  awaiting_delegation: "red",
  awaiting_report: "orange",
  awaiting_solve: "blue",
  awaiting_verification: "grape",
  closed: "green",
};

export const OUTCOME_LABEL: Record<VerificationOutcome, string> = {
  satisfied: "Satisfied",
  not_satisfied: "Not satisfied",
  no_answer: "No answer",
  unreachable: "Unreachable",
};

export const REMEDY_KIND_LABEL: Record<RemedyKind, string> = {
  refund: "Refund",
  credit: "Credit",
  replacement: "Replacement",
  repair: "Repair",
  fee_waiver: "Fee waiver",
  goodwill_gift: "Goodwill gift",
  other: "Other",
};

export const REVIEW_STATUS_LABEL: Record<ReviewStatus, string> = {
  not_required: "Within authority",
  pending: "Awaiting review",
  approved: "Approved",
  discuss: "To discuss",
};

export const REVIEW_STATUS_COLOR: Record<ReviewStatus, string> = {
  not_required: "gray",
  pending: "orange",
  approved: "green",
  discuss: "grape",
};

export const ABOVE_LIMIT_BADGE: Record<AboveLimit, string> = {
  no: "Within authority",
  per_remedy: "Above the per-remedy limit",
  per_30_days: "Above the 30-day limit",
  both: "Above both limits",
};

export const ACTION_STATUS_LABEL: Record<CorrectiveActionStatus, string> = {
  open: "Open",
  in_progress: "In progress",
  done: "Done",
  cancelled: "Cancelled",
};

/** "3 h", "2 d 4 h", "—": a duration in hours as people read it. */
export const formatHours = (hours: number | null): string => {
  if (hours === null) return "—";
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  const days = Math.floor(hours / 24);
  const rest = Math.round(hours - days * 24);
  return rest > 0 ? `${days} d ${rest} h` : `${days} d`;
};
