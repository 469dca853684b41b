import { z } from "zod";
import { zId, zTimestamp } from "./common";
import { zNpsSummary } from "./surveys";

const zText = z.string().trim().min(1).max(5000);

export const zServiceFailure = z.object({
  id: zId,
  caseId: zId,
  whatWentWrong: z.string(),
  occurredAt: zTimestamp,
  markedBy: z.object({ id: zId, name: z.string() }).nullable(),
  markedAt: zTimestamp,
  apology: z.string().nullable(),
  apologizedAt: zTimestamp.nullable(),
  fix: z.string().nullable(),
  fixedAt: zTimestamp.nullable(),
  remedy: z
    .object({ id: zId, kind: z.string(), amountMinor: z.number().int(), currency: z.string(), description: z.string() })
    .nullable(),
  followUp: z.string().nullable(),
  followedUpAt: zTimestamp.nullable(),
});
export type TServiceFailure = z.output<typeof zServiceFailure>;

export const zCaseServiceFailure = z.object({
  failure: zServiceFailure.nullable(),
  abilities: z.object({ record: z.boolean() }),
});
export type TCaseServiceFailure = z.output<typeof zCaseServiceFailure>;

/**
 * Marks the case as a service failure (what went wrong, when) or records the recovery on it. Each recovery step's
 * time is kept from the first time it is written; null clears it.
 */
export const zRecordServiceFailureInput = z.strictObject({
  whatWentWrong: zText,
  occurredAt: zTimestamp,
  apology: zText.nullable().optional(),
  fix: zText.nullable().optional(),
  remedyId: zId.nullable().optional(),
  followUp: zText.nullable().optional(),
});
export type TRecordServiceFailureInput = z.output<typeof zRecordServiceFailureInput>;

const zCsatSummary = z.object({
  responses: z.number().int(),
  good: z.number().int(),
  /** Share of good answers, 0–100; null without answers. */
  score: z.number().nullable(),
});

export const zRecoveryReport = z.object({
  failures: z.number().int(),
  recovered: z.object({
    apologized: z.number().int(),
    fixed: z.number().int(),
    remedied: z.number().int(),
    followedUp: z.number().int(),
  }),
  /** Customers who suffered a failure: their answers given after it. */
  afterFailure: z.object({ customers: z.number().int(), csat: zCsatSummary, nps: zNpsSummary }),
  /** Customers who never had one. */
  neverFailed: z.object({ customers: z.number().int(), csat: zCsatSummary, nps: zNpsSummary }),
  /** Customers whose detractor answer was followed, later, by a promoter answer. */
  detractorsWonBack: z.number().int(),
  detractors: z.number().int(),
});
export type TRecoveryReport = z.output<typeof zRecoveryReport>;
