import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { contacts, organizations } from "./customers";
import { teams, users } from "./people";
import { blobs } from "./platform";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const caseNumberSeq = pgSequence("case_number_seq", { startWith: 1000 });

export const cases = pgTable(
  "cases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    number: bigint("number", { mode: "number" }).notNull().default(sql`nextval('case_number_seq')`),
    subject: text("subject").notNull(),
    status: text("status", { enum: ["new", "open", "pending", "on_hold", "solved", "closed"] }).notNull(),
    priority: text("priority", { enum: ["low", "normal", "high", "urgent"] }).notNull(),
    priorityRank: integer("priority_rank").notNull(),
    type: text("type", { enum: ["question", "incident", "problem", "complaint", "request", "task"] }).notNull(),
    channel: text("channel", {
      enum: ["email", "web_form", "portal", "phone", "letter", "api", "agent", "chat"],
    }).notNull(),
    requesterId: uuid("requester_id")
      .notNull()
      .references(() => contacts.id),
    organizationId: uuid("organization_id").references(() => organizations.id),
    teamId: uuid("team_id").references(() => teams.id),
    ownerId: uuid("owner_id").references(() => users.id),
    nextStep: text("next_step"),
    nextStepDueAt: timestamp("next_step_due_at", { withTimezone: true }),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    customFields: jsonb("custom_fields")
      .$type<Record<string, string | number | boolean | null>>()
      .notNull()
      .default({}),
    mergedIntoId: uuid("merged_into_id"),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    solvedAt: timestamp("solved_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    subjectTsv: tsvector("subject_tsv").generatedAlwaysAs(sql`to_tsvector('english', subject)`),
  },
  (t) => [
    uniqueIndex("cases_number_key").on(t.number),
    check(
      "cases_no_cracks",
      sql`${t.status} = 'closed' OR (${t.ownerId} IS NOT NULL AND ${t.nextStep} IS NOT NULL AND ${t.nextStepDueAt} IS NOT NULL)`,
    ),
    index("cases_owner_status_idx").on(t.ownerId, t.status, t.updatedAt),
    index("cases_status_updated_idx").on(t.status, t.updatedAt, t.id),
    index("cases_updated_idx").on(t.updatedAt, t.id),
    index("cases_created_idx").on(t.createdAt, t.id),
    index("cases_due_idx").on(sql`coalesce(${t.nextStepDueAt}, 'infinity'::timestamptz)`, t.id),
    index("cases_number_id_idx").on(t.number, t.id),
    index("cases_priority_idx").on(t.priorityRank, t.id),
    index("cases_team_idx").on(t.teamId, t.updatedAt),
    index("cases_organization_idx").on(t.organizationId, t.updatedAt),
    index("cases_requester_idx").on(t.requesterId),
    index("cases_merged_into_idx").on(t.mergedIntoId).where(sql`${t.mergedIntoId} IS NOT NULL`),
    index("cases_tags_idx").using("gin", t.tags),
    index("cases_subject_tsv_idx").using("gin", t.subjectTsv),
  ],
);

export const caseFollowers = pgTable(
  "case_followers",
  {
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] }), index("case_followers_user_idx").on(t.userId)],
);

export const caseLinks = pgTable(
  "case_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    otherCaseId: uuid("other_case_id")
      .notNull()
      .references(() => cases.id),
    kind: text("kind", { enum: ["related", "duplicate", "caused_by"] }).notNull(),
    createdById: uuid("created_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("case_links_pair_key").on(t.caseId, t.otherCaseId, t.kind),
    index("case_links_other_idx").on(t.otherCaseId),
    check("case_links_not_self", sql`${t.caseId} <> ${t.otherCaseId}`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    kind: text("kind", { enum: ["reply", "note", "phone", "event"] }).notNull(),
    authorUserId: uuid("author_user_id").references(() => users.id),
    authorContactId: uuid("author_contact_id").references(() => contacts.id),
    bodyText: text("body_text").notNull(),
    bodyHtml: text("body_html"),
    phoneDirection: text("phone_direction", { enum: ["inbound", "outbound"] }),
    phoneNumber: text("phone_number"),
    phoneDurationSeconds: integer("phone_duration_seconds"),
    /** Mail from a sender pending review: on the case for employees, kept from the customer portal until released. */
    heldForReview: boolean("held_for_review").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    bodyTsv: tsvector("body_tsv").generatedAlwaysAs(sql`to_tsvector('english', left(body_text, 200000))`),
  },
  (t) => [
    index("messages_case_created_idx").on(t.caseId, t.createdAt, t.id),
    index("messages_body_tsv_idx").using("gin", t.bodyTsv),
    index("messages_recent_idx").on(t.createdAt, t.id).where(sql`kind <> 'event'`),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    caseId: uuid("case_id")
      .notNull()
      .references(() => cases.id),
    messageId: uuid("message_id").references(() => messages.id),
    blobId: uuid("blob_id")
      .notNull()
      .references(() => blobs.id),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    uploadedById: uuid("uploaded_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId), index("attachments_case_idx").on(t.caseId)],
);

export const customFields = pgTable(
  "custom_fields",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type", { enum: ["text", "number", "date", "select", "checkbox"] }).notNull(),
    options: text("options").array().notNull().default(sql`'{}'::text[]`),
    required: boolean("required").notNull().default(false),
    active: boolean("active").notNull().default(true),
    position: integer("position").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("custom_fields_key_key").on(t.key)],
);

export const views = pgTable(
  "views",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    filters: jsonb("filters").$type<Record<string, unknown>>().notNull().default({}),
    sort: text("sort").notNull().default("-updated_at"),
    shared: boolean("shared").notNull().default(false),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(100),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("views_created_by_idx").on(t.createdById)],
);
