import type { CasePriority, CaseStatus, CaseType } from "../../shared/domain";

export const STATUS_LABEL: Record<CaseStatus, string> = {
  new: "New",
  open: "Open",
  pending: "Pending",
  on_hold: "On hold",
  solved: "Solved",
  closed: "Closed",
};

export const STATUS_COLOR: Record<CaseStatus, string> = {
  new: "yellow",
  open: "red",
  pending: "blue",
  on_hold: "gray",
  solved: "green",
  closed: "dark",
};

export const PRIORITY_LABEL: Record<CasePriority, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

export const PRIORITY_COLOR: Record<CasePriority, string> = {
  low: "gray",
  normal: "blue",
  high: "orange",
  urgent: "red",
};

export const TYPE_LABEL: Record<CaseType, string> = {
  question: "Question",
  incident: "Incident",
  problem: "Problem",
  complaint: "Complaint",
  request: "Request",
  task: "Task",
};

export const options = <K extends string>(labels: Record<K, string>, keys: readonly K[]) =>
  keys.map((value) => ({ value, label: labels[value] }));
