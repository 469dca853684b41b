import { z } from "zod";
import { zId, zTimestamp } from "./common";

export const zSlug = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "lower-case letters, digits and single hyphens, e.g. reset-your-password");

export const zKbCategory = z.object({
  id: zId,
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  position: z.number().int(),
  publishedArticles: z.number().int(),
  url: z.string(),
  /** Grows on every change; edits send it as If-Match. */
  version: z.number().int(),
});
export type TKbCategory = z.output<typeof zKbCategory>;

export const zCreateKbCategoryInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: zSlug.optional(),
  description: z.string().max(1000).default(""),
  position: z.number().int().min(0).max(10_000).default(0),
});
export type TCreateKbCategoryInput = z.output<typeof zCreateKbCategoryInput>;

export const zUpdateKbCategoryInput = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  slug: zSlug.optional(),
  description: z.string().max(1000).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type TUpdateKbCategoryInput = z.output<typeof zUpdateKbCategoryInput>;

export const KB_ARTICLE_STATES = ["draft", "published", "changed"] as const;

export const zKbArticleSummary = z.object({
  id: zId,
  slug: z.string(),
  categoryId: zId,
  title: z.string(),
  /** draft: never published; published: live and unchanged; changed: live, with unpublished edits. */
  state: z.enum(KB_ARTICLE_STATES),
  publishedAt: zTimestamp.nullable(),
  updatedAt: zTimestamp,
  views: z.number().int(),
  helpful: z.number().int(),
  notHelpful: z.number().int(),
  /** Public address, null until published. */
  url: z.string().nullable(),
});
export type TKbArticleSummary = z.output<typeof zKbArticleSummary>;

export const zKbArticle = zKbArticleSummary.extend({
  draft: z.object({ title: z.string(), summary: z.string(), bodyHtml: z.string() }),
  published: z
    .object({ title: z.string(), summary: z.string(), bodyHtml: z.string(), version: z.number().int() })
    .nullable(),
  sourceCaseId: zId.nullable(),
  abilities: z.object({ edit: z.boolean(), publish: z.boolean() }),
  /** Grows on every change of the article (edit, publish, unpublish); edits send it as If-Match. */
  version: z.number().int(),
});
export type TKbArticle = z.output<typeof zKbArticle>;

export const zKbArticleListQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  categoryId: zId.optional(),
  publishedOnly: z.enum(["true", "false"]).optional(),
});
export type TKbArticleListQuery = z.output<typeof zKbArticleListQuery>;

const zTitle = z.string().trim().min(1).max(300);
const zSummary = z.string().trim().max(500);
const zBodyHtml = z.string().max(500_000);

export const zCreateKbArticleInput = z.strictObject({
  categoryId: zId,
  title: zTitle,
  slug: zSlug.optional(),
  summary: zSummary.default(""),
  bodyHtml: zBodyHtml.default(""),
});
export type TCreateKbArticleInput = z.output<typeof zCreateKbArticleInput>;

export const zUpdateKbArticleInput = z.strictObject({
  categoryId: zId.optional(),
  title: zTitle.optional(),
  slug: zSlug.optional(),
  summary: zSummary.optional(),
  bodyHtml: zBodyHtml.optional(),
});
export type TUpdateKbArticleInput = z.output<typeof zUpdateKbArticleInput>;

export const zArticleFromCaseInput = z.strictObject({ categoryId: zId });
export type TArticleFromCaseInput = z.output<typeof zArticleFromCaseInput>;

export const zKbImage = z.object({ id: zId, url: z.string() });

export const zKbStatsQuery = z.strictObject({
  from: zTimestamp.optional(),
  to: zTimestamp.optional(),
});
export type TKbStatsQuery = z.output<typeof zKbStatsQuery>;

export const zKbStats = z.object({
  visits: z.number().int(),
  searches: z.number().int(),
  searchesWithoutResults: z.number().int(),
  articleViews: z.number().int(),
  /** Visits that searched, read an article and did not go on to contact support within the window. */
  deflections: z.number().int(),
  /** Visits that searched and read, then asked anyway. */
  contactedAfterReading: z.number().int(),
  windowHours: z.number().int(),
  topArticles: z.array(z.object({ id: zId, title: z.string(), views: z.number().int() })),
  topSearchesWithoutResults: z.array(z.object({ query: z.string(), count: z.number().int() })),
});
export type TKbStats = z.output<typeof zKbStats>;

export const zHelpSearchQuery = z.strictObject({ q: z.string().max(200).default("") });

export const zHelpSearchResult = z.object({
  items: z.array(z.object({ title: z.string(), summary: z.string(), url: z.string(), snippet: z.string() })),
});
export type THelpSearchResult = z.output<typeof zHelpSearchResult>;

export const zArticleFeedbackInput = z.strictObject({
  helpful: z.boolean(),
  comment: z.string().max(2000).default(""),
});
