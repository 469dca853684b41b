import { z } from "zod";
import { CASE_PRIORITIES, CASE_STATUSES, CASE_TYPES } from "../domain";
import { zCreateCaseInput } from "./cases";
import { zId, zTimestamp } from "./common";

/** Where an executive case stands, derived from the case and its executive record. */
export const EXECUTIVE_STAGES = [
  "awaiting_delegation",
  "awaiting_report",
  "awaiting_solve",
  "awaiting_verification",
  "closed",
] as const;
export type ExecutiveStage = (typeof EXECUTIVE_STAGES)[number];

export const VERIFICATION_STATUSES = ["none", "pending", "satisfied", "not_satisfied", "unreachable"] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** What one verification call found; `no_answer` counts as an attempt and leaves the call pending. */
export const VERIFICATION_OUTCOMES = ["no_answer", "satisfied", "not_satisfied", "unreachable"] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

const zRef = z.object({ id: zId, name: z.string() });

/**
 * "Write to the chief executive": a case addressed to an executive. The owner is always the executive at first
 * (so nobody can route it elsewhere on the way in); the executive delegates from there.
 */
export const zOpenExecutiveCaseInput = zCreateCaseInput.omit({ ownerId: true }).extend({
  executiveId: zId,
  type: z.enum(CASE_TYPES).default("complaint"),
  priority: z.enum(CASE_PRIORITIES).default("high"),
});
export type TOpenExecutiveCaseInput = z.output<typeof zOpenExecutiveCaseInput>;

export const zDelegateInput = z.strictObject({
  ownerId: zId,
  note: z.string().trim().min(1).max(5000),
  nextStepDueAt: zTimestamp.optional(),
});
export type TDelegateInput = z.output<typeof zDelegateInput>;

/** The owner's written feedback report; required before an executive case can be solved. */
export const zFeedbackReportInput = z.strictObject({
  customerSaid: z.string().trim().min(1).max(10_000),
  actionsTaken: z.string().trim().min(1).max(10_000),
  remedyGiven: z.string().trim().min(1).max(5000),
  customerSatisfied: z.boolean(),
});
export type TFeedbackReportInput = z.output<typeof zFeedbackReportInput>;

export const zVerificationCallInput = z.strictObject({
  outcome: z.enum(VERIFICATION_OUTCOMES),
  notes: z.string().trim().max(10_000).default(""),
});
export type TVerificationCallInput = z.output<typeof zVerificationCallInput>;

export const zExecutiveAbilities = z.object({
  delegate: z.boolean(),
  fileReport: z.boolean(),
  verify: z.boolean(),
  readVerificationNotes: z.boolean(),
});
export type TExecutiveAbilities = z.output<typeof zExecutiveAbilities>;

export const zExecutiveCaseSummary = z.object({
  caseId: zId,
  number: z.number().int(),
  subject: z.string(),
  status: z.enum(CASE_STATUSES),
  priority: z.enum(CASE_PRIORITIES),
  type: z.enum(CASE_TYPES),
  requester: zRef,
  owner: zRef.nullable(),
  executive: zRef,
  stage: z.enum(EXECUTIVE_STAGES),
  receivedAt: zTimestamp,
  firstOpenedAt: zTimestamp.nullable(),
  verificationStatus: z.enum(VERIFICATION_STATUSES),
  verificationDueAt: zTimestamp.nullable(),
  /** Hours from the complaint's arrival to now (open) or to closing. */
  ageHours: z.number(),
});
export type TExecutiveCaseSummary = z.output<typeof zExecutiveCaseSummary>;

export const zVerificationCall = z.object({
  id: zId,
  round: z.number().int(),
  outcome: z.enum(VERIFICATION_OUTCOMES),
  /** null when the caller may not read the executive's notes. */
  notes: z.string().nullable(),
  calledBy: zRef.nullable(),
  calledAt: zTimestamp,
});
export type TVerificationCall = z.output<typeof zVerificationCall>;

export const zExecutiveCase = zExecutiveCaseSummary.extend({
  loggedBy: zRef.nullable(),
  delegation: z.object({ to: zRef, at: zTimestamp, note: z.string() }).nullable(),
  report: z
    .object({
      customerSaid: z.string(),
      actionsTaken: z.string(),
      remedyGiven: z.string(),
      customerSatisfied: z.boolean(),
      filedBy: zRef.nullable(),
      filedAt: zTimestamp,
      /** false once the case was solved on it and reopened: the owner files a new report. */
      current: z.boolean(),
    })
    .nullable(),
  verification: z.object({
    status: z.enum(VERIFICATION_STATUSES),
    round: z.number().int(),
    requestedAt: zTimestamp.nullable(),
    dueAt: zTimestamp.nullable(),
    completedAt: zTimestamp.nullable(),
    attemptsThisRound: z.number().int(),
    attemptsBeforeUnreachable: z.number().int(),
    calls: z.array(zVerificationCall),
  }),
  abilities: zExecutiveAbilities,
});
export type TExecutiveCase = z.output<typeof zExecutiveCase>;

export const zExecutiveQueueQuery = z.strictObject({
  executiveId: zId.optional(),
  status: z.enum(["open", "closed", "all"]).default("open"),
});
export type TExecutiveQueueQuery = z.output<typeof zExecutiveQueueQuery>;

export const zExecutiveDashboardQuery = z.strictObject({
  executiveId: zId.optional(),
  sinceDays: z.coerce.number().int().min(1).max(3660).default(90),
});
export type TExecutiveDashboardQuery = z.output<typeof zExecutiveDashboardQuery>;

const zHours = z.object({
  cases: z.number().int(),
  medianHours: z.number().nullable(),
  averageHours: z.number().nullable(),
});

export const zExecutiveDashboard = z.object({
  executive: zRef,
  since: zTimestamp,
  counts: z.object({
    open: z.number().int(),
    unopened: z.number().int(),
    awaitingDelegation: z.number().int(),
    awaitingReport: z.number().int(),
    awaitingSolve: z.number().int(),
    awaitingMyCall: z.number().int(),
    overdueCalls: z.number().int(),
  }),
  openAge: z.object({ oldestHours: z.number().nullable(), medianHours: z.number().nullable() }),
  open: z.array(zExecutiveCaseSummary),
  outcomes: z.object({
    satisfied: z.number().int(),
    notSatisfied: z.number().int(),
    unreachable: z.number().int(),
    noAnswerCalls: z.number().int(),
  }),
  /** From the complaint's arrival to the executive's call confirming the customer is satisfied. */
  complaintToVerifiedSatisfaction: zHours,
});
export type TExecutiveDashboard = z.output<typeof zExecutiveDashboard>;

/** "Write to the chief executive" on the customer pages (portal and web form), as admins set it up. */
export const zExecutiveLetterSettings = z.object({
  enabled: z.boolean(),
  executive: zRef.nullable(),
  /** The executive's own words, shown to the customer above the letter. */
  message: z.string(),
  version: z.number().int(),
  updatedAt: zTimestamp,
});
export type TExecutiveLetterSettings = z.output<typeof zExecutiveLetterSettings>;

export const EXECUTIVE_MESSAGE_MAX = 2000;

export const zUpdateExecutiveLetterSettingsInput = z.strictObject({
  enabled: z.boolean().optional(),
  executiveId: zId.nullable().optional(),
  message: z.string().trim().max(EXECUTIVE_MESSAGE_MAX).optional(),
});
export type TUpdateExecutiveLetterSettingsInput = z.output<typeof zUpdateExecutiveLetterSettingsInput>;

/** What a customer page shows of the option: nothing but `available: false` while it is off. */
export const zPublicExecutiveLetter = z.object({
  available: z.boolean(),
  executiveName: z.string().nullable(),
  message: z.string().nullable(),
});
export type TPublicExecutiveLetter = z.output<typeof zPublicExecutiveLetter>;

/** Moves an executive's line (support addresses, the customer pages option, open executive cases) to another. */
export const zExecutiveHandoverInput = z.strictObject({
  fromExecutiveId: zId,
  toExecutiveId: zId,
});
export type TExecutiveHandoverInput = z.output<typeof zExecutiveHandoverInput>;

export const zExecutiveHandover = z.object({
  from: zRef,
  to: zRef,
  supportAddresses: z.number().int(),
  customerPages: z.boolean(),
  openCases: z.number().int(),
});
export type TExecutiveHandover = z.output<typeof zExecutiveHandover>;
