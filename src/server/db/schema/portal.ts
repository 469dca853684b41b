import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { contacts } from "./customers";

/** A single-use sign-in link emailed to a contact; only the SHA-256 of the token is kept. */
export const portalMagicLinks = pgTable(
  "portal_magic_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** The case the link leads to after sign-in, when it was sent about one. */
    caseId: uuid("case_id").references(() => cases.id),
    ip: text("ip").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("portal_magic_links_token_key").on(t.tokenHash),
    index("portal_magic_links_contact_idx").on(t.contactId, t.createdAt),
    index("portal_magic_links_ip_idx").on(t.ip, t.createdAt),
  ],
);

/** A customer's signed-in browser: kept apart from employee sessions (own table, own cookie, own CSRF token). */
export const portalSessions = pgTable(
  "portal_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("portal_sessions_contact_idx").on(t.contactId), index("portal_sessions_expires_idx").on(t.expiresAt)],
);
