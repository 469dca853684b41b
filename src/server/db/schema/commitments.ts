import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { users } from "./people";

/** A promise made to a customer on a case ("I'll call you back by 3pm"), with its owner and due time. */
export const commitments = pgTable(
  "commitments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: ["callback", "email", "visit", "shipment", "other"] }).notNull(),
    description: text("description").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    state: text("state", { enum: ["open", "kept", "broken", "cancelled"] })
      .notNull()
      .default("open"),
    note: text("note"),
    createdById: uuid("created_by_id").references(() => users.id),
    settledById: uuid("settled_by_id").references(() => users.id),
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
    settledAt: timestamp("settled_at", { withTimezone: true }),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("commitments_case_idx").on(t.caseId, t.createdAt),
    index("commitments_owner_idx").on(t.ownerId, t.state, t.dueAt),
    index("commitments_open_due_idx").on(t.dueAt).where(sql`${t.state} = 'open'`),
    index("commitments_broken_idx").on(t.settledAt).where(sql`${t.state} = 'broken'`),
  ],
);
