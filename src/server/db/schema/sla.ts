import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type {
  TEscalationAction,
  THoliday,
  TSlaBreachRecord,
  TSlaConditions,
  TSlaPauseSpan,
  TSlaTargets,
  TWeeklyInterval,
} from "../../../shared/contracts/sla";
import { cases } from "./cases";

/** Opening hours in an IANA time zone; `version` grows on every change so compiled calendars can be cached per version. */
export const businessCalendars = pgTable(
  "business_calendars",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    weeklyHours: jsonb("weekly_hours").$type<TWeeklyInterval[]>().notNull().default([]),
    holidays: jsonb("holidays").$type<THoliday[]>().notNull().default([]),
    alwaysOpen: boolean("always_open").notNull().default(false),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("business_calendars_name_key").on(sql`lower(${t.name})`)],
);

/** The first active policy (by position) whose conditions match a case sets its targets. */
export const slaPolicies = pgTable(
  "sla_policies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(100),
    active: boolean("active").notNull().default(true),
    conditions: jsonb("conditions").$type<TSlaConditions>().notNull().default({}),
    targets: jsonb("targets").$type<TSlaTargets>().notNull().default({}),
    calendarId: uuid("calendar_id")
      .notNull()
      .references(() => businessCalendars.id),
    pauseStatuses: text("pause_statuses", { enum: ["pending", "on_hold"] })
      .array()
      .notNull()
      .default(sql`'{pending,on_hold}'::text[]`),
    warningPercent: integer("warning_percent"),
    warningActions: jsonb("warning_actions").$type<TEscalationAction[]>().notNull().default([]),
    breachActions: jsonb("breach_actions").$type<TEscalationAction[]>().notNull().default([]),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sla_policies_name_key").on(sql`lower(${t.name})`),
    index("sla_policies_position_idx").on(t.position, t.id),
    index("sla_policies_calendar_idx").on(t.calendarId),
    check("sla_policies_warning_percent", sql`${t.warningPercent} IS NULL OR ${t.warningPercent} BETWEEN 1 AND 99`),
  ],
);

/**
 * One clock per case and metric. `due_at`/`warn_at` are the plan (null while paused); `breached_at`/`warned_at`
 * record that the escalation for that instant ran (or that a clock was met after its due time). A breach, once
 * recorded, stays: a later change of target, priority or policy re-plans `due_at` but never erases it. A clock
 * without a policy keeps time (pauses) with no target.
 */
export const slaClocks = pgTable(
  "sla_clocks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    metric: text("metric", { enum: ["first_response", "next_response", "resolution"] }).notNull(),
    policyId: uuid("policy_id").references(() => slaPolicies.id, { onDelete: "set null" }),
    targetMinutes: integer("target_minutes"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    pauses: jsonb("pauses").$type<TSlaPauseSpan[]>().notNull().default([]),
    state: text("state", { enum: ["running", "paused", "met", "cancelled"] }).notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }),
    warnAt: timestamp("warn_at", { withTimezone: true }),
    metAt: timestamp("met_at", { withTimezone: true }),
    warnedAt: timestamp("warned_at", { withTimezone: true }),
    breachedAt: timestamp("breached_at", { withTimezone: true }),
    /** What the breach escalation found and did (who was notified), kept whatever the clock's target becomes. */
    breach: jsonb("breach").$type<TSlaBreachRecord>(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sla_clocks_case_metric_key").on(t.caseId, t.metric),
    index("sla_clocks_due_idx")
      .on(t.dueAt, t.id)
      .where(sql`${t.state} IN ('running', 'paused') AND ${t.dueAt} IS NOT NULL`),
    index("sla_clocks_warn_idx")
      .on(t.warnAt)
      .where(sql`${t.state} IN ('running', 'paused') AND ${t.warnedAt} IS NULL AND ${t.warnAt} IS NOT NULL`),
    index("sla_clocks_policy_idx").on(t.policyId, t.id).where(sql`${t.state} IN ('running', 'paused')`),
    /** The breaching list's order: when a clock breached, else when it is due. */
    index("sla_clocks_breaching_idx")
      .on(sql`(coalesce(${t.breachedAt}, ${t.dueAt}))`, t.id)
      .where(sql`${t.state} IN ('running', 'paused') AND coalesce(${t.breachedAt}, ${t.dueAt}) IS NOT NULL`),
  ],
);
