import { sql } from "drizzle-orm";
import { check, date, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { TCracksReportJson } from "../../../shared/contracts/accountability";
import { users } from "./people";

/** Out-of-office: the user is away in [starts_at, ends_at). */
export const userLeave = pgTable(
  "user_leave",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    note: text("note").notNull().default(""),
    createdById: uuid("created_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("user_leave_user_idx").on(t.userId, t.startsAt),
    index("user_leave_ends_idx").on(t.endsAt),
    check("user_leave_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * The daily cracks digest built for a supervisor, one per recipient and local date. `sent_at` stays null until
 * the email channel delivers it.
 */
export const cracksDigests = pgTable(
  "cracks_digests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    localDate: date("local_date", { mode: "string" }).notNull(),
    subject: text("subject").notNull(),
    bodyText: text("body_text").notNull(),
    report: jsonb("report").$type<TCracksReportJson>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("cracks_digests_recipient_date_key").on(t.recipientId, t.localDate)],
);
