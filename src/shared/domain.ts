export const USER_ROLES = ["admin", "supervisor", "agent", "employee", "executive"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const DEPARTMENT_KINDS = ["service", "operations"] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const CASE_STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type CasePriority = (typeof CASE_PRIORITIES)[number];

export const CASE_TYPES = ["question", "incident", "problem", "complaint", "request", "task"] as const;
export type CaseType = (typeof CASE_TYPES)[number];

export const CASE_CHANNELS = ["email", "web_form", "portal", "phone", "letter", "api", "agent", "chat"] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

export const MESSAGE_KINDS = ["reply", "note", "phone", "event"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const CASE_LINK_KINDS = ["related", "duplicate", "caused_by"] as const;
export type CaseLinkKind = (typeof CASE_LINK_KINDS)[number];

export const CUSTOM_FIELD_TYPES = ["text", "number", "date", "select", "checkbox"] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const API_TOKEN_SCOPES = ["read", "write", "admin"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/** Statuses in which the "no cracks" invariant applies: an active owner and a next step with a due time. */
export const isOpenStatus = (status: CaseStatus): boolean => status !== "closed";

/**
 * Allowed status changes. `closed` is terminal and is reached only from `solved`
 * (a customer writing to a closed case gets a follow-up case instead).
 */
export const CASE_STATUS_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ["open", "pending", "on_hold", "solved"],
  open: ["pending", "on_hold", "solved"],
  pending: ["open", "on_hold", "solved"],
  on_hold: ["open", "pending", "solved"],
  solved: ["open", "closed"],
  closed: [],
};

export const canTransition = (from: CaseStatus, to: CaseStatus): boolean =>
  from === to ? from !== "closed" : CASE_STATUS_TRANSITIONS[from].includes(to);
