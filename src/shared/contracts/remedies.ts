import { z } from "zod";
import { USER_ROLES } from "../domain";
import { zId, zTimestamp } from "./common";

export const REMEDY_KINDS = [
  "refund",
  "credit",
  "replacement",
  "repair",
  "fee_waiver",
  "goodwill_gift",
  "other",
] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

/** Which authority limit a remedy went beyond; anything but `no` carries a justification and awaits review. */
export const ABOVE_LIMIT = ["no", "per_remedy", "per_30_days", "both"] as const;
export type AboveLimit = (typeof ABOVE_LIMIT)[number];

export const REVIEW_STATUSES = ["not_required", "pending", "approved", "discuss"] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const LEDGER_GROUPS = ["department", "person", "root_cause", "organization", "month"] as const;
export type LedgerGroup = (typeof LEDGER_GROUPS)[number];

export const zCurrency = z.string().regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. EUR");
export const zAmountMinor = z.number().int().min(0).max(1_000_000_000_000);

const zRef = z.object({ id: zId, name: z.string() });

/** The caller's own authority in one currency: what they may grant without anyone's approval. */
export const zAuthority = z.object({
  currency: z.string(),
  perRemedyMinor: z.number().int(),
  per30DaysMinor: z.number().int(),
  usedLast30DaysMinor: z.number().int(),
  remainingLast30DaysMinor: z.number().int(),
  source: z.enum(["user", "role", "default"]),
});
export type TAuthority = z.output<typeof zAuthority>;

export const zRemedy = z.object({
  id: zId,
  caseId: zId,
  caseNumber: z.number().int(),
  kind: z.enum(REMEDY_KINDS),
  amountMinor: z.number().int(),
  currency: z.string(),
  description: z.string(),
  grantedBy: zRef,
  grantedAt: zTimestamp,
  aboveLimit: z.enum(ABOVE_LIMIT),
  justification: z.string().nullable(),
  reviewStatus: z.enum(REVIEW_STATUSES),
  review: z.object({ by: zRef.nullable(), at: zTimestamp, note: z.string().nullable() }).nullable(),
  abilities: z.object({ review: z.boolean() }),
});
export type TRemedy = z.output<typeof zRemedy>;

export const zGrantRemedyInput = z.strictObject({
  kind: z.enum(REMEDY_KINDS),
  amountMinor: zAmountMinor,
  currency: zCurrency.default("EUR"),
  description: z.string().trim().min(1).max(2000),
  /** Required when the remedy goes beyond the granter's authority; it is granted anyway and reviewed afterwards. */
  justification: z.string().trim().min(1).max(5000).optional(),
});
export type TGrantRemedyInput = z.output<typeof zGrantRemedyInput>;

export const zGrantedRemedy = z.object({ remedy: zRemedy, authority: zAuthority });

export const zCaseRemedies = z.object({
  items: z.array(zRemedy),
  totals: z.array(z.object({ currency: z.string(), amountMinor: z.number().int() })),
  authority: zAuthority,
});
export type TCaseRemedies = z.output<typeof zCaseRemedies>;

export const zAuthorityQuery = z.strictObject({ currency: zCurrency.default("EUR") });

export const zReviewQuery = z.strictObject({
  status: z.enum(["pending", "approved", "discuss"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const zReviewInput = z.strictObject({
  outcome: z.enum(["approve", "discuss"]),
  note: z.string().trim().min(1).max(5000).optional(),
});
export type TReviewInput = z.output<typeof zReviewInput>;

const zDay = z.iso.date();

export const zLedgerQuery = z.strictObject({
  groupBy: z.enum(LEDGER_GROUPS).default("month"),
  from: zDay.optional(),
  to: zDay.optional(),
  currency: zCurrency.optional(),
});
export type TLedgerQuery = z.output<typeof zLedgerQuery>;

export const zLedgerExportQuery = zLedgerQuery.omit({ groupBy: true });
export type TLedgerExportQuery = z.output<typeof zLedgerExportQuery>;

export const zLedgerRow = z.object({
  key: z.string().nullable(),
  label: z.string(),
  currency: z.string(),
  remedies: z.number().int(),
  totalMinor: z.number().int(),
  aboveLimit: z.number().int(),
});

export const zLedger = z.object({
  groupBy: z.enum(LEDGER_GROUPS),
  from: z.string(),
  to: z.string(),
  rows: z.array(zLedgerRow),
});
export type TLedger = z.output<typeof zLedger>;

export const zAuthorityLimit = z.object({
  id: zId,
  role: z.enum(USER_ROLES).nullable(),
  user: zRef.nullable(),
  currency: z.string(),
  perRemedyMinor: z.number().int(),
  per30DaysMinor: z.number().int(),
  updatedAt: zTimestamp,
  /** Grows on every change; edits send it as If-Match. */
  version: z.number().int(),
});
export type TAuthorityLimit = z.output<typeof zAuthorityLimit>;

export const zCreateAuthorityLimitInput = z.strictObject({
  role: z.enum(USER_ROLES).optional(),
  userId: zId.optional(),
  currency: zCurrency.default("EUR"),
  perRemedyMinor: zAmountMinor,
  per30DaysMinor: zAmountMinor,
});
export type TCreateAuthorityLimitInput = z.output<typeof zCreateAuthorityLimitInput>;

export const zUpdateAuthorityLimitInput = z.strictObject({
  perRemedyMinor: zAmountMinor.optional(),
  per30DaysMinor: zAmountMinor.optional(),
});
export type TUpdateAuthorityLimitInput = z.output<typeof zUpdateAuthorityLimitInput>;
