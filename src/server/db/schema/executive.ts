import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { commitments } from "./commitments";
import { users } from "./people";

/**
 * A case a customer addressed to an executive: the executive line. The case itself stays an ordinary case;
 * this row carries what makes it the executive's: the receipt, the delegation, the owner's written report and
 * the executive's verification call.
 */
export const executiveCases = pgTable(
  "executive_cases",
  {
    caseId: uuid("case_id")
      .primaryKey()
      .references(() => cases.id),
    executiveId: uuid("executive_id")
      .notNull()
      .references(() => users.id),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    loggedById: uuid("logged_by_id").references(() => users.id),
    firstOpenedAt: timestamp("first_opened_at", { withTimezone: true }),
    delegatedToId: uuid("delegated_to_id").references(() => users.id),
    delegatedAt: timestamp("delegated_at", { withTimezone: true }),
    delegationNote: text("delegation_note"),
    reportCustomerSaid: text("report_customer_said"),
    reportActionsTaken: text("report_actions_taken"),
    reportRemedyGiven: text("report_remedy_given"),
    reportCustomerSatisfied: boolean("report_customer_satisfied"),
    reportFiledById: uuid("report_filed_by_id").references(() => users.id),
    reportFiledAt: timestamp("report_filed_at", { withTimezone: true }),
    verificationStatus: text("verification_status", {
      enum: ["none", "pending", "satisfied", "not_satisfied", "unreachable"],
    })
      .notNull()
      .default("none"),
    verificationRound: integer("verification_round").notNull().default(0),
    verificationRequestedAt: timestamp("verification_requested_at", { withTimezone: true }),
    verificationDueAt: timestamp("verification_due_at", { withTimezone: true }),
    verificationCompletedAt: timestamp("verification_completed_at", { withTimezone: true }),
    /** The promise (commitments domain) that the executive makes the current round's call. */
    verificationCommitmentId: uuid("verification_commitment_id").references(() => commitments.id),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("executive_cases_executive_idx").on(t.executiveId, t.receivedAt),
    index("executive_cases_pending_idx").on(t.verificationDueAt).where(sql`${t.verificationStatus} = 'pending'`),
    check(
      "executive_cases_report_complete",
      sql`${t.reportFiledAt} IS NULL OR (${t.reportCustomerSaid} IS NOT NULL AND ${t.reportActionsTaken} IS NOT NULL AND ${t.reportRemedyGiven} IS NOT NULL AND ${t.reportCustomerSatisfied} IS NOT NULL)`,
    ),
  ],
);

/** Each call the executive made to verify a solved executive case; `round` counts the solves. */
export const executiveVerificationCalls = pgTable(
  "executive_verification_calls",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => executiveCases.caseId),
    round: integer("round").notNull(),
    outcome: text("outcome", { enum: ["no_answer", "satisfied", "not_satisfied", "unreachable"] }).notNull(),
    notes: text("notes").notNull().default(""),
    calledById: uuid("called_by_id").references(() => users.id),
    calledAt: timestamp("called_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("executive_verification_calls_case_idx").on(t.caseId, t.calledAt)],
);

/**
 * "Write to the chief executive" on the customer pages (portal and web form): off until an admin turns it on
 * with an executive and the executive's own words to the customer. One row for the installation.
 */
export const executiveLetterSettings = pgTable(
  "executive_letter_settings",
  {
    singleton: boolean("singleton").primaryKey().default(true),
    enabled: boolean("enabled").notNull().default(false),
    executiveId: uuid("executive_id").references(() => users.id),
    message: text("message").notNull().default(""),
    version: integer("version").notNull().default(1),
    updatedById: uuid("updated_by_id").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("executive_letter_settings_singleton", sql`${t.singleton}`),
    check(
      "executive_letter_settings_enabled_complete",
      sql`NOT ${t.enabled} OR (${t.executiveId} IS NOT NULL AND length(${t.message}) > 0)`,
    ),
  ],
);
