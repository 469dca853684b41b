import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { contacts, organizations } from "./customers";
import { departments, teams, users } from "./people";

/** The one-question satisfaction survey of a solved case: one per case, answered once. */
export const csatSurveys = pgTable(
  "csat_surveys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    organizationId: uuid("organization_id").references(() => organizations.id),
    ownerId: uuid("owner_id").references(() => users.id),
    teamId: uuid("team_id").references(() => teams.id),
    departmentId: uuid("department_id").references(() => departments.id),
    status: text("status", { enum: ["scheduled", "sent", "answered", "cancelled"] }).notNull(),
    sendAt: timestamp("send_at", { withTimezone: true }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    rating: text("rating", { enum: ["good", "bad"] }),
    comment: text("comment").notNull().default(""),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    recoveryCaseId: uuid("recovery_case_id").references(() => cases.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("csat_surveys_case_key").on(t.caseId),
    index("csat_surveys_due_idx").on(t.sendAt).where(sql`${t.status} = 'scheduled'`),
    index("csat_surveys_contact_idx").on(t.contactId, t.answeredAt),
    check("csat_surveys_answer", sql`(${t.rating} IS NULL) = (${t.answeredAt} IS NULL)`),
  ],
);

/** The periodic relationship survey of a contact: 0 to 10 and a comment. */
export const npsSurveys = pgTable(
  "nps_surveys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    organizationId: uuid("organization_id").references(() => organizations.id),
    status: text("status", { enum: ["sent", "answered"] }).notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    score: integer("score"),
    comment: text("comment").notNull().default(""),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    recoveryCaseId: uuid("recovery_case_id").references(() => cases.id),
  },
  (t) => [
    index("nps_surveys_contact_idx").on(t.contactId, t.sentAt),
    index("nps_surveys_answered_idx").on(t.answeredAt),
    check("nps_surveys_score", sql`${t.score} IS NULL OR (${t.score} BETWEEN 0 AND 10)`),
    check("nps_surveys_answer", sql`(${t.score} IS NULL) = (${t.answeredAt} IS NULL)`),
  ],
);

/** The case that wins a dissatisfied customer back, one open at a time per contact. */
export const recoveryCases = pgTable(
  "recovery_cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    trigger: text("trigger", { enum: ["csat", "nps"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("recovery_cases_contact_idx").on(t.contactId, t.createdAt),
    index("recovery_cases_case_idx").on(t.caseId),
  ],
);
