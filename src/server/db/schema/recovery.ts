import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { contacts } from "./customers";
import { users } from "./people";
import { remedies } from "./remedies";

/** A case marked as a service failure, and how the customer was won back: apology, fix, remedy, follow-up. */
export const serviceFailures = pgTable(
  "service_failures",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id),
    whatWentWrong: text("what_went_wrong").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    markedById: uuid("marked_by_id").references(() => users.id),
    markedAt: timestamp("marked_at", { withTimezone: true }).notNull().defaultNow(),
    apology: text("apology"),
    apologizedAt: timestamp("apologized_at", { withTimezone: true }),
    fix: text("fix"),
    fixedAt: timestamp("fixed_at", { withTimezone: true }),
    remedyId: uuid("remedy_id").references(() => remedies.id),
    followUp: text("follow_up"),
    followedUpAt: timestamp("followed_up_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("service_failures_case_key").on(t.caseId),
    index("service_failures_contact_idx").on(t.contactId, t.occurredAt),
  ],
);
