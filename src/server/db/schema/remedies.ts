import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { organizations } from "./customers";
import { departments, users } from "./people";

/**
 * What the customer was given to put things right. A row is never deleted or reversed: a review outcome
 * (approve / discuss) is about the decision, not about the customer's remedy.
 */
export const remedies = pgTable(
  "remedies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    kind: text("kind", {
      enum: ["refund", "credit", "replacement", "repair", "fee_waiver", "goodwill_gift", "other"],
    }).notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    description: text("description").notNull(),
    grantedById: uuid("granted_by_id")
      .notNull()
      .references(() => users.id),
    departmentId: uuid("department_id").references(() => departments.id),
    organizationId: uuid("organization_id").references(() => organizations.id),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
    aboveLimit: text("above_limit", { enum: ["no", "per_remedy", "per_30_days", "both"] }).notNull(),
    justification: text("justification"),
    limitPerRemedyMinor: bigint("limit_per_remedy_minor", { mode: "number" }).notNull(),
    limitPer30DaysMinor: bigint("limit_per_30_days_minor", { mode: "number" }).notNull(),
    usedBeforeMinor: bigint("used_before_minor", { mode: "number" }).notNull(),
    reviewStatus: text("review_status", { enum: ["not_required", "pending", "approved", "discuss"] }).notNull(),
    reviewedById: uuid("reviewed_by_id").references(() => users.id),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    reviewNote: text("review_note"),
  },
  (t) => [
    index("remedies_case_idx").on(t.caseId, t.grantedAt),
    index("remedies_granter_idx").on(t.grantedById, t.currency, t.grantedAt),
    index("remedies_granted_idx").on(t.grantedAt),
    index("remedies_review_idx").on(t.grantedAt).where(sql`${t.reviewStatus} = 'pending'`),
    check("remedies_amount_nonnegative", sql`${t.amountMinor} >= 0`),
    check("remedies_currency_iso", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("remedies_justified", sql`${t.aboveLimit} = 'no' OR length(${t.justification}) > 0`),
  ],
);

/** How much an employee may grant without anyone's approval: per role or per person, per currency. */
export const authorityLimits = pgTable(
  "authority_limits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    role: text("role", { enum: ["admin", "supervisor", "agent", "employee", "executive"] }),
    userId: uuid("user_id").references(() => users.id),
    currency: text("currency").notNull(),
    perRemedyMinor: bigint("per_remedy_minor", { mode: "number" }).notNull(),
    per30DaysMinor: bigint("per_30_days_minor", { mode: "number" }).notNull(),
    version: integer("version").notNull().default(1),
    updatedById: uuid("updated_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("authority_limits_role_key").on(t.role, t.currency).where(sql`${t.role} IS NOT NULL`),
    uniqueIndex("authority_limits_user_key").on(t.userId, t.currency).where(sql`${t.userId} IS NOT NULL`),
    check("authority_limits_one_subject", sql`(${t.role} IS NULL) <> (${t.userId} IS NULL)`),
    check("authority_limits_amounts", sql`${t.perRemedyMinor} >= 0 AND ${t.per30DaysMinor} >= 0`),
  ],
);
