import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { TUpstreamReportContent } from "../../../shared/contracts/root-causes";
import { cases } from "./cases";
import { departments, users } from "./people";

/** The admin-managed list root causes are filed under ("Packaging", "Late carrier pick-up"...). */
export const rootCauseCategories = pgTable(
  "root_cause_categories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    active: boolean("active").notNull().default(true),
    position: integer("position").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("root_cause_categories_name_key").on(sql`lower(${t.name})`)],
);

/** Where a case's failure originated: a department (operations or service) or the customer (no fault). */
export const caseRootCauses = pgTable(
  "case_root_causes",
  {
    caseId: uuid("case_id")
      .primaryKey()
      .references(() => cases.id),
    origin: text("origin", { enum: ["department", "customer"] }).notNull(),
    departmentId: uuid("department_id").references(() => departments.id),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => rootCauseCategories.id),
    description: text("description").notNull(),
    recordedById: uuid("recorded_by_id").references(() => users.id),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("case_root_causes_department_idx").on(t.departmentId, t.recordedAt),
    index("case_root_causes_category_idx").on(t.categoryId, t.recordedAt),
    check("case_root_causes_origin", sql`(${t.origin} = 'department') = (${t.departmentId} IS NOT NULL)`),
  ],
);

/** The handling time behind a case's cost of failure: measured from activity, plus a manual correction. */
export const caseCosts = pgTable("case_costs", {
  caseId: uuid("case_id")
    .primaryKey()
    .references(() => cases.id),
  measuredMinutes: integer("measured_minutes").notNull().default(0),
  correctionMinutes: integer("correction_minutes").notNull().default(0),
  correctionDepartmentId: uuid("correction_department_id").references(() => departments.id),
  correctionReason: text("correction_reason"),
  correctedById: uuid("corrected_by_id").references(() => users.id),
  correctedAt: timestamp("corrected_at", { withTimezone: true }),
  departmentIds: uuid("department_ids").array().notNull().default(sql`'{}'::uuid[]`),
  computedAt: timestamp("computed_at", { withTimezone: true }),
});

/** A case's cost of failure per currency (money is never converted): remedies + handling time × hourly rates. */
export const caseCostTotals = pgTable(
  "case_cost_totals",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    currency: text("currency").notNull(),
    remediesMinor: bigint("remedies_minor", { mode: "number" }).notNull(),
    handlingMinor: bigint("handling_minor", { mode: "number" }).notNull(),
    handlingMinutes: integer("handling_minutes").notNull(),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.currency] })],
);

/** What a department commits to do so a failure does not repeat. */
export const correctiveActions = pgTable(
  "corrective_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    departmentId: uuid("department_id")
      .notNull()
      .references(() => departments.id),
    categoryId: uuid("category_id").references(() => rootCauseCategories.id),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    status: text("status", { enum: ["open", "in_progress", "done", "cancelled"] })
      .notNull()
      .default("open"),
    createdById: uuid("created_by_id").references(() => users.id),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("corrective_actions_department_idx").on(t.departmentId, t.status, t.dueAt),
    index("corrective_actions_open_due_idx").on(t.dueAt).where(sql`${t.status} IN ('open', 'in_progress')`),
  ],
);

export const correctiveActionCases = pgTable(
  "corrective_action_cases",
  {
    actionId: uuid("action_id")
      .notNull()
      .references(() => correctiveActions.id, { onDelete: "cascade" }),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.caseId] }), index("corrective_action_cases_case_idx").on(t.caseId)],
);

/** The monthly upstream report for one department's director; `sent_at` stays null until email delivers it. */
export const upstreamReports = pgTable(
  "upstream_reports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    departmentId: uuid("department_id")
      .notNull()
      .references(() => departments.id),
    directorId: uuid("director_id").references(() => users.id),
    month: text("month").notNull(),
    subject: text("subject").notNull(),
    bodyText: text("body_text").notNull(),
    content: jsonb("content").$type<TUpstreamReportContent>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("upstream_reports_department_month_key").on(t.departmentId, t.month),
    check("upstream_reports_month", sql`${t.month} ~ '^[0-9]{4}-[0-9]{2}$'`),
  ],
);
