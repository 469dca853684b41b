import { z } from "zod";
import { CASE_STATUSES, CASE_TYPES, DEPARTMENT_KINDS } from "../domain";
import { zCsvList, zId, zName, zTimestamp } from "./common";

export const ROOT_CAUSE_ORIGINS = ["department", "customer"] as const;
export type RootCauseOrigin = (typeof ROOT_CAUSE_ORIGINS)[number];

export const CORRECTIVE_ACTION_STATUSES = ["open", "in_progress", "done", "cancelled"] as const;
export type CorrectiveActionStatus = (typeof CORRECTIVE_ACTION_STATUSES)[number];

/** Case types that cannot be solved without a root cause. */
export const ROOT_CAUSE_REQUIRED_TYPES = ["complaint", "incident"] as const;

const zRef = z.object({ id: zId, name: z.string() });
const zMonth = z.string().regex(/^\d{4}-\d{2}$/, "YYYY-MM");

export const zRootCauseCategory = z.object({
  id: zId,
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  position: z.number().int(),
  /** Grows on every change; edits send it as If-Match. */
  version: z.number().int(),
});
export type TRootCauseCategory = z.output<typeof zRootCauseCategory>;

export const zCreateRootCauseCategoryInput = z.strictObject({
  name: zName,
  description: z.string().trim().max(2000).default(""),
  position: z.number().int().min(0).max(10_000).default(0),
});
export type TCreateRootCauseCategoryInput = z.output<typeof zCreateRootCauseCategoryInput>;

export const zUpdateRootCauseCategoryInput = z.strictObject({
  name: zName.optional(),
  description: z.string().trim().max(2000).optional(),
  active: z.boolean().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type TUpdateRootCauseCategoryInput = z.output<typeof zUpdateRootCauseCategoryInput>;

/** `origin: customer` is "customer / no fault"; otherwise the originating department is named. */
export const zRootCauseInput = z.strictObject({
  origin: z.enum(ROOT_CAUSE_ORIGINS),
  departmentId: zId.optional(),
  categoryId: zId,
  description: z.string().trim().min(1).max(2000),
});
export type TRootCauseInput = z.output<typeof zRootCauseInput>;

export const zCostTotal = z.object({
  currency: z.string(),
  remediesMinor: z.number().int(),
  handlingMinor: z.number().int(),
  handlingMinutes: z.number().int(),
  totalMinor: z.number().int(),
});
export type TCostTotal = z.output<typeof zCostTotal>;

export const zCaseCost = z.object({
  measuredMinutes: z.number().int(),
  correctionMinutes: z.number().int(),
  correctionDepartment: zRef.nullable(),
  correctionReason: z.string().nullable(),
  totals: z.array(zCostTotal),
  computedAt: zTimestamp.nullable(),
});
export type TCaseCost = z.output<typeof zCaseCost>;

export const zRootCause = z.object({
  caseId: zId,
  origin: z.enum(ROOT_CAUSE_ORIGINS),
  department: zRef.nullable(),
  category: zRef,
  description: z.string(),
  recordedBy: zRef.nullable(),
  recordedAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type TRootCause = z.output<typeof zRootCause>;

export const zCaseAccountability = z.object({
  caseId: zId,
  /** Whether solving this case needs a root cause (complaints and incidents). */
  required: z.boolean(),
  rootCause: zRootCause.nullable(),
  cost: zCaseCost.nullable(),
  abilities: z.object({ record: z.boolean(), correctCost: z.boolean() }),
});
export type TCaseAccountability = z.output<typeof zCaseAccountability>;

export const zCostCorrectionInput = z.strictObject({
  minutes: z.number().int().min(-100_000).max(100_000),
  departmentId: zId.nullable().optional(),
  reason: z.string().trim().min(1).max(1000),
});
export type TCostCorrectionInput = z.output<typeof zCostCorrectionInput>;

export const zCorrectiveAction = z.object({
  id: zId,
  department: zRef,
  category: zRef.nullable(),
  title: z.string(),
  description: z.string(),
  owner: zRef,
  dueAt: zTimestamp,
  status: z.enum(CORRECTIVE_ACTION_STATUSES),
  overdue: z.boolean(),
  caseIds: z.array(zId),
  completedAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  version: z.number().int(),
  abilities: z.object({ update: z.boolean() }),
});
export type TCorrectiveAction = z.output<typeof zCorrectiveAction>;

export const zCreateCorrectiveActionInput = z.strictObject({
  departmentId: zId,
  categoryId: zId.nullable().optional(),
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().max(10_000).default(""),
  ownerId: zId,
  dueAt: zTimestamp,
  caseIds: z.array(zId).max(500).default([]),
});
export type TCreateCorrectiveActionInput = z.output<typeof zCreateCorrectiveActionInput>;

export const zUpdateCorrectiveActionInput = z.strictObject({
  categoryId: zId.nullable().optional(),
  title: z.string().trim().min(1).max(300).optional(),
  description: z.string().trim().max(10_000).optional(),
  ownerId: zId.optional(),
  dueAt: zTimestamp.optional(),
  status: z.enum(CORRECTIVE_ACTION_STATUSES).optional(),
  caseIds: z.array(zId).max(500).optional(),
});
export type TUpdateCorrectiveActionInput = z.output<typeof zUpdateCorrectiveActionInput>;

export const zCorrectiveActionQuery = z.strictObject({
  departmentId: zId.optional(),
  status: zCsvList(z.enum(CORRECTIVE_ACTION_STATUSES)).optional(),
  overdue: z.enum(["true", "false"]).optional(),
});
export type TCorrectiveActionQuery = z.output<typeof zCorrectiveActionQuery>;

export const zUpstreamQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  repeatThreshold: z.coerce.number().int().min(2).max(1000).optional(),
  repeatWindowDays: z.coerce.number().int().min(1).max(3660).optional(),
});
export type TUpstreamQuery = z.output<typeof zUpstreamQuery>;

export const zRepeatFailure = z.object({
  category: zRef,
  count: z.number().int(),
  caseIds: z.array(zId),
  firstAt: zTimestamp,
  lastAt: zTimestamp,
});
export type TRepeatFailure = z.output<typeof zRepeatFailure>;

export const zUpstreamCase = z.object({
  caseId: zId,
  number: z.number().int(),
  subject: z.string(),
  type: z.enum(CASE_TYPES),
  status: z.enum(CASE_STATUSES),
  category: zRef,
  description: z.string(),
  createdAt: zTimestamp,
  recordedAt: zTimestamp,
  costs: z.array(z.object({ currency: z.string(), totalMinor: z.number().int() })),
});

export const zUpstreamView = z.object({
  department: z.object({ id: zId, name: z.string(), kind: z.enum(DEPARTMENT_KINDS) }),
  from: z.string(),
  to: z.string(),
  cases: z.array(zUpstreamCase),
  costByMonth: z.array(
    z.object({
      month: zMonth,
      currency: z.string(),
      cases: z.number().int(),
      remediesMinor: z.number().int(),
      handlingMinor: z.number().int(),
      totalMinor: z.number().int(),
    }),
  ),
  costByCategory: z.array(
    z.object({ category: zRef, currency: z.string(), cases: z.number().int(), totalMinor: z.number().int() }),
  ),
  repeatFailures: z.object({
    threshold: z.number().int(),
    windowDays: z.number().int(),
    items: z.array(zRepeatFailure),
  }),
  correctiveActions: z.array(zCorrectiveAction),
  /** Whether the caller may create corrective actions for this department (its director, supervisors, admins). */
  abilities: z.object({ manageActions: z.boolean() }),
});
export type TUpstreamView = z.output<typeof zUpstreamView>;

/** What a monthly upstream report says; stored as JSON, so timestamps are ISO strings. */
export const zUpstreamReportContent = z.object({
  month: zMonth,
  department: z.object({ id: zId, name: z.string() }),
  director: zRef.nullable(),
  cases: z.number().int(),
  costs: z.array(zCostTotal.omit({ handlingMinutes: true })),
  byCategory: z.array(z.object({ category: zRef, cases: z.number().int() })),
  repeatFailures: z.array(z.object({ category: zRef, count: z.number().int() })),
  correctiveActions: z.object({
    open: z.number().int(),
    overdue: z.number().int(),
    completedInMonth: z.number().int(),
  }),
  topCases: z.array(
    z.object({
      caseId: zId,
      number: z.number().int(),
      subject: z.string(),
      currency: z.string(),
      totalMinor: z.number().int(),
    }),
  ),
});
export type TUpstreamReportContent = z.output<typeof zUpstreamReportContent>;

export const zUpstreamReport = z.object({
  id: zId,
  department: zRef,
  director: zRef.nullable(),
  month: zMonth,
  subject: z.string(),
  bodyText: z.string(),
  content: zUpstreamReportContent,
  createdAt: zTimestamp,
  sentAt: zTimestamp.nullable(),
});
export type TUpstreamReport = z.output<typeof zUpstreamReport>;

export const zUpstreamReportQuery = z.strictObject({
  departmentId: zId.optional(),
  month: zMonth.optional(),
});
