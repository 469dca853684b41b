import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { teams, users } from "./people";

/** Every accepted or refused web form submission: the per-IP and per-email rate limits count these rows. */
export const webformSubmissions = pgTable(
  "webform_submissions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ip: text("ip").notNull(),
    email: text("email").notNull(),
    caseId: uuid("case_id").references(() => cases.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webform_submissions_ip_idx").on(t.ip, t.createdAt),
    index("webform_submissions_email_idx").on(t.email, t.createdAt),
  ],
);

/** Which team receives web form cases and which case custom fields the form asks for: one row. */
export const webformSettings = pgTable(
  "webform_settings",
  {
    singleton: boolean("singleton").primaryKey().default(true),
    teamId: uuid("team_id").references(() => teams.id),
    customFieldKeys: text("custom_field_keys").array().notNull().default(sql`'{}'::text[]`),
    version: integer("version").notNull().default(1),
    updatedById: uuid("updated_by_id").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("webform_settings_singleton", sql`${t.singleton}`)],
);
