import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { cases } from "./cases";
import { users } from "./people";
import { blobs } from "./platform";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** A help-center section; `slug` is its public address under /help/categories/. */
export const kbCategories = pgTable(
  "kb_categories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    position: integer("position").notNull().default(0),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("kb_categories_slug_key").on(t.slug),
    check("kb_categories_slug", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
  ],
);

/**
 * An article: the draft agents edit and the published version customers read, side by side. Publishing copies
 * the draft over the published fields and keeps the version in kb_article_versions.
 */
export const kbArticles = pgTable(
  "kb_articles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => kbCategories.id),
    slug: text("slug").notNull(),
    draftTitle: text("draft_title").notNull(),
    draftSummary: text("draft_summary").notNull().default(""),
    draftBodyHtml: text("draft_body_html").notNull().default(""),
    publishedTitle: text("published_title"),
    publishedSummary: text("published_summary"),
    publishedBodyHtml: text("published_body_html"),
    publishedText: text("published_text"),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    publishedVersion: integer("published_version").notNull().default(0),
    version: integer("version").notNull().default(1),
    sourceCaseId: uuid("source_case_id").references(() => cases.id),
    createdById: uuid("created_by_id").references(() => users.id),
    updatedById: uuid("updated_by_id").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    searchTsv: tsvector("search_tsv").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(published_title, '')), 'A') || setweight(to_tsvector('english', coalesce(published_summary, '')), 'B') || setweight(to_tsvector('english', left(coalesce(published_text, ''), 200000)), 'C')`,
    ),
  },
  (t) => [
    uniqueIndex("kb_articles_slug_key").on(t.slug),
    index("kb_articles_category_idx").on(t.categoryId, t.publishedAt),
    index("kb_articles_search_idx").using("gin", t.searchTsv),
    check("kb_articles_slug", sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
  ],
);

export const kbArticleVersions = pgTable(
  "kb_article_versions",
  {
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    bodyHtml: text("body_html").notNull(),
    publishedById: uuid("published_by_id").references(() => users.id),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("kb_article_versions_key").on(t.articleId, t.version)],
);

/** One browser's visit to the help center (a first-party cookie): what it searched, read, and whether it went on to ask. */
export const kbVisits = pgTable(
  "kb_visits",
  {
    id: uuid("id").primaryKey(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    searchedAt: timestamp("searched_at", { withTimezone: true }),
    readAt: timestamp("read_at", { withTimezone: true }),
    contactedAt: timestamp("contacted_at", { withTimezone: true }),
  },
  (t) => [index("kb_visits_started_idx").on(t.startedAt)],
);

export const kbArticleViews = pgTable(
  "kb_article_views",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    visitId: uuid("visit_id").references(() => kbVisits.id, { onDelete: "cascade" }),
    viewedAt: timestamp("viewed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("kb_article_views_article_idx").on(t.articleId, t.viewedAt)],
);

export const kbSearches = pgTable(
  "kb_searches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    visitId: uuid("visit_id").references(() => kbVisits.id, { onDelete: "cascade" }),
    query: text("query").notNull(),
    resultCount: integer("result_count").notNull(),
    searchedAt: timestamp("searched_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("kb_searches_at_idx").on(t.searchedAt)],
);

/** "Did this help?": one answer per visit and article (answering again changes it). */
export const kbFeedback = pgTable(
  "kb_feedback",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    visitId: uuid("visit_id")
      .notNull()
      .references(() => kbVisits.id, { onDelete: "cascade" }),
    helpful: boolean("helpful").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("kb_feedback_visit_key").on(t.articleId, t.visitId)],
);

/** An image placed in an article: served publicly under /help/images/:id once uploaded. */
export const kbImages = pgTable("kb_images", {
  id: uuid("id").primaryKey().defaultRandom(),
  blobId: uuid("blob_id")
    .notNull()
    .references(() => blobs.id),
  contentType: text("content_type").notNull(),
  size: integer("size").notNull(),
  uploadedById: uuid("uploaded_by_id").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
