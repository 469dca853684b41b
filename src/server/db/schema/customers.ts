import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./people";

export const organizations = pgTable(
  "organizations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    domains: text("domains").array().notNull().default(sql`'{}'::text[]`),
    accountOwnerId: uuid("account_owner_id").references(() => users.id),
    notes: text("notes").notNull().default(""),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("organizations_name_idx").on(sql`lower(${t.name})`),
    index("organizations_domains_idx").using("gin", t.domains),
  ],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    phones: text("phones").array().notNull().default(sql`'{}'::text[]`),
    organizationId: uuid("organization_id").references(() => organizations.id),
    /** May see every case of their organization in the customer portal. */
    organizationManager: boolean("organization_manager").notNull().default(false),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("contacts_organization_idx").on(t.organizationId),
    index("contacts_name_idx").on(sql`lower(${t.name})`),
  ],
);

export const contactEmails = pgTable(
  "contact_emails",
  {
    email: text("email").primaryKey(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    index("contact_emails_contact_idx").on(t.contactId),
    check("contact_emails_lower", sql`${t.email} = lower(${t.email})`),
    uniqueIndex("contact_emails_position_key").on(t.contactId, t.position),
  ],
);

/**
 * An address an employee put on a contact, waiting for the customer to confirm it from that mailbox. Until then
 * the contact keeps its old addresses (portal sign-in, replies); confirming applies `emails`, the list the
 * employee asked for. A newer request for the contact replaces the older one.
 */
export const contactEmailConfirmations = pgTable(
  "contact_email_confirmations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    /** The contact's addresses once confirmed, in order (the new one included). */
    emails: text("emails").array().notNull(),
    tokenHash: text("token_hash").notNull(),
    requestedById: uuid("requested_by_id").references(() => users.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("contact_email_confirmations_token_key").on(t.tokenHash),
    uniqueIndex("contact_email_confirmations_contact_key").on(t.contactId),
  ],
);
