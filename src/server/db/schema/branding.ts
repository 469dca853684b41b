import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./people";
import { blobs } from "./platform";

/** How customer-facing pages (web form, portal, help center) look: one row for the whole installation. */
export const branding = pgTable(
  "branding",
  {
    singleton: boolean("singleton").primaryKey().default(true),
    companyName: text("company_name").notNull(),
    primaryColor: text("primary_color").notNull(),
    logoBlobId: uuid("logo_blob_id").references(() => blobs.id),
    logoContentType: text("logo_content_type"),
    version: integer("version").notNull().default(1),
    updatedById: uuid("updated_by_id").references(() => users.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("branding_singleton", sql`${t.singleton}`),
    check("branding_primary_color_hex", sql`${t.primaryColor} ~ '^#[0-9a-f]{6}$'`),
  ],
);
