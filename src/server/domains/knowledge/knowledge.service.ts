import { randomUUID } from "node:crypto";
import type {
  TArticleFromCaseInput,
  TCreateKbArticleInput,
  TCreateKbCategoryInput,
  TKbArticle,
  TKbArticleListQuery,
  TKbArticleSummary,
  TKbCategory,
  TKbStats,
  TKbStatsQuery,
  TUpdateKbArticleInput,
  TUpdateKbCategoryInput,
} from "../../../shared/contracts/knowledge";
import type { DbOrTx, Tx } from "../../db/connection";
import { type Actor, type AnyActor, actorId } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { type DomainEvent, recordEvents } from "../../platform/events";
import { escapeHtml, htmlToPlainText, sanitizeUserHtml } from "../../platform/html";
import { ensureAllowed } from "../../platform/policy";
import { getCase } from "../cases/cases.service";
import { listMessages } from "../messages/messages.service";
import { knowledgePolicy } from "./knowledge.policy";
import * as repo from "./knowledge.repository";
import { parseSearchQuery, toTsQuery } from "./search-query";

/** Hours after reading an article within which contacting support still counts as "not deflected". */
export const DEFLECTION_WINDOW_HOURS = 24;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export const articlePath = (slug: string): string => `/help/articles/${slug}`;
export const categoryPath = (slug: string): string => `/help/categories/${slug}`;
export const imagePath = (id: string): string => `/help/images/${id}`;

/** A readable address from a title: lower-case ASCII words joined by hyphens. */
export const slugify = (text: string): string =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/g, "") || "article";

const uniqueSlug = async (db: DbOrTx, base: string, exceptId: string | null): Promise<string> => {
  for (let n = 1; n < 1000; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await repo.slugTaken(db, slug, exceptId))) return slug;
  }
  throw invalid("slug", "Choose another address");
};

const presentCategory = (c: repo.CategoryRow, published: number): TKbCategory => ({
  id: c.id,
  slug: c.slug,
  name: c.name,
  description: c.description,
  position: c.position,
  publishedArticles: published,
  url: categoryPath(c.slug),
  version: c.version,
});

const stateOf = (a: repo.ArticleRow): TKbArticleSummary["state"] => {
  if (!a.publishedAt) return "draft";
  const same =
    a.draftTitle === a.publishedTitle &&
    a.draftSummary === a.publishedSummary &&
    a.draftBodyHtml === a.publishedBodyHtml;
  return same ? "published" : "changed";
};

const presentSummary = (v: repo.ArticleView): TKbArticleSummary => ({
  id: v.a.id,
  slug: v.a.slug,
  categoryId: v.a.categoryId,
  title: v.a.draftTitle,
  state: stateOf(v.a),
  publishedAt: v.a.publishedAt,
  updatedAt: v.a.updatedAt,
  views: v.views,
  helpful: v.helpful,
  notHelpful: v.notHelpful,
  url: v.a.publishedAt ? articlePath(v.a.slug) : null,
});

const presentArticle = (actor: AnyActor, v: repo.ArticleView): TKbArticle => ({
  ...presentSummary(v),
  draft: { title: v.a.draftTitle, summary: v.a.draftSummary, bodyHtml: v.a.draftBodyHtml },
  published: v.a.publishedAt
    ? {
        title: v.a.publishedTitle ?? "",
        summary: v.a.publishedSummary ?? "",
        bodyHtml: v.a.publishedBodyHtml ?? "",
        version: v.a.publishedVersion,
      }
    : null,
  sourceCaseId: v.a.sourceCaseId,
  abilities: { edit: knowledgePolicy.can(actor, "write", null), publish: knowledgePolicy.can(actor, "publish", null) },
  version: v.a.version,
});

const articleEvent = (
  type: "kb_article.created" | "kb_article.updated" | "kb_article.published" | "kb_article.unpublished",
  a: repo.ArticleRow,
): DomainEvent => ({
  type,
  aggregateType: "kb_article",
  aggregateId: a.id,
  payload: { slug: a.slug, title: a.draftTitle, categoryId: a.categoryId, version: a.publishedVersion },
});

const categoryEvent = (type: "kb_category.created" | "kb_category.updated", c: repo.CategoryRow): DomainEvent => ({
  type,
  aggregateType: "kb_category",
  aggregateId: c.id,
  payload: { slug: c.slug, name: c.name, position: c.position },
});

export const listKbCategories = async (ctx: ServiceContext, actor: Actor): Promise<TKbCategory[]> => {
  ensureAllowed(knowledgePolicy.can(actor, "read", null), "Not allowed to read the help center");
  return (await repo.listCategories(ctx.db)).map((r) => presentCategory(r.c, r.published));
};

const ensureCategorySlugFree = async (db: DbOrTx, slug: string, exceptId: string | null) => {
  const other = await repo.findCategoryBySlug(db, slug);
  if (other && other.id !== exceptId) throw new AppError("CONFLICT", `The address ${slug} is taken`, "slug");
};

export const createKbCategory = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateKbCategoryInput,
): Promise<TKbCategory> => {
  ensureAllowed(knowledgePolicy.can(actor, "manageCategories", null), "Not allowed to arrange the help center");
  return await inTransaction(ctx, async (tx) => {
    const slug = input.slug ?? slugify(input.name);
    await ensureCategorySlugFree(tx, slug, null);
    const row = await repo.insertCategory(tx, { ...input, slug });
    await recordEvents(tx, actor, [categoryEvent("kb_category.created", row)]);
    return presentCategory(row, 0);
  });
};

export const updateKbCategory = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateKbCategoryInput,
): Promise<TKbCategory> => {
  ensureAllowed(knowledgePolicy.can(actor, "manageCategories", null), "Not allowed to arrange the help center");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockCategory(tx, id);
    if (!before) throw notFound("Category");
    ensureVersion("category", before, expectedVersion);
    if (input.slug) await ensureCategorySlugFree(tx, input.slug, id);
    const row = await repo.updateCategory(tx, id, input);
    if (!row) throw notFound("Category");
    await recordEvents(tx, actor, [categoryEvent("kb_category.updated", row)]);
    const count = (await repo.listCategories(tx)).find((r) => r.c.id === id)?.published ?? 0;
    return presentCategory(row, count);
  });
};

export const listKbArticles = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TKbArticleListQuery,
): Promise<TKbArticleSummary[]> => {
  ensureAllowed(knowledgePolicy.can(actor, "read", null), "Not allowed to read the help center");
  const rows = await repo.listArticles(ctx.db, {
    ...(q.q ? { text: q.q } : {}),
    ...(q.categoryId ? { categoryId: q.categoryId } : {}),
    publishedOnly: q.publishedOnly === "true",
  });
  return rows.map(presentSummary);
};

const viewOrFail = async (db: DbOrTx, id: string): Promise<repo.ArticleView> => {
  const v = await repo.findArticle(db, id);
  if (!v) throw notFound("Article");
  return v;
};

export const getKbArticle = async (ctx: ServiceContext, actor: Actor, id: string): Promise<TKbArticle> => {
  ensureAllowed(knowledgePolicy.can(actor, "read", null), "Not allowed to read the help center");
  return presentArticle(actor, await viewOrFail(ctx.db, id));
};

const ensureCategory = async (db: DbOrTx, id: string) => {
  if (!(await repo.findCategory(db, id))) throw invalid("categoryId", "No such category");
};

const insertDraft = async (
  tx: Tx,
  actor: AnyActor,
  input: TCreateKbArticleInput,
  sourceCaseId: string | null,
): Promise<repo.ArticleRow> => {
  await ensureCategory(tx, input.categoryId);
  let slug = input.slug ?? (await uniqueSlug(tx, slugify(input.title), null));
  if (input.slug && (await repo.slugTaken(tx, input.slug, null))) {
    throw new AppError("CONFLICT", `The address ${input.slug} is taken`, "slug");
  }
  slug = slug.slice(0, 120);
  const row = await repo.insertArticle(tx, {
    categoryId: input.categoryId,
    slug,
    draftTitle: input.title,
    draftSummary: input.summary,
    draftBodyHtml: sanitizeUserHtml(input.bodyHtml),
    sourceCaseId,
    createdById: actorId(actor),
    updatedById: actorId(actor),
  });
  await recordEvents(tx, actor, [articleEvent("kb_article.created", row)]);
  return row;
};

export const createKbArticle = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateKbArticleInput,
): Promise<TKbArticle> => {
  ensureAllowed(knowledgePolicy.can(actor, "write", null), "Not allowed to write articles");
  return await inTransaction(ctx, async (tx) => {
    const row = await insertDraft(tx, actor, input, null);
    return presentArticle(actor, await viewOrFail(tx, row.id));
  });
};

/** Edits change the draft only; customers keep reading the published version until it is published again. */
export const updateKbArticle = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateKbArticleInput,
): Promise<TKbArticle> => {
  ensureAllowed(knowledgePolicy.can(actor, "write", null), "Not allowed to write articles");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockArticle(tx, id);
    if (!before) throw notFound("Article");
    ensureVersion("article", before, expectedVersion);
    if (input.categoryId) await ensureCategory(tx, input.categoryId);
    if (input.slug && (await repo.slugTaken(tx, input.slug, id))) {
      throw new AppError("CONFLICT", `The address ${input.slug} is taken`, "slug");
    }
    // Until it is first published, an article whose address came from its title follows the title ("Untitled
    // article" must not stay its address); once customers may have linked to it, the address stays.
    const newTitle = input.title;
    const followsTitle =
      newTitle !== undefined && before.publishedVersion === 0 && before.slug.startsWith(slugify(before.draftTitle));
    const slug = input.slug ?? (followsTitle ? await uniqueSlug(tx, slugify(newTitle), id) : undefined);
    const row = await repo.updateArticle(tx, id, {
      ...(input.categoryId ? { categoryId: input.categoryId } : {}),
      ...(slug ? { slug: slug.slice(0, 120) } : {}),
      ...(input.title !== undefined ? { draftTitle: input.title } : {}),
      ...(input.summary !== undefined ? { draftSummary: input.summary } : {}),
      ...(input.bodyHtml !== undefined ? { draftBodyHtml: sanitizeUserHtml(input.bodyHtml) } : {}),
      updatedById: actorId(actor),
      updatedAt: new Date(),
    });
    await recordEvents(tx, actor, [articleEvent("kb_article.updated", row)]);
    return presentArticle(actor, await viewOrFail(tx, id));
  });
};

/** The draft becomes what customers read (and search), as a new version. */
export const publishKbArticle = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion?: number,
): Promise<TKbArticle> => {
  ensureAllowed(knowledgePolicy.can(actor, "publish", null), "Not allowed to publish articles");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockArticle(tx, id);
    if (!before) throw notFound("Article");
    if (expectedVersion !== undefined) ensureVersion("article", before, expectedVersion);
    if (!htmlToPlainText(before.draftBodyHtml).trim())
      throw invalid("bodyHtml", "Write the article before publishing it");
    const now = new Date();
    const version = before.publishedVersion + 1;
    const row = await repo.updateArticle(tx, id, {
      publishedTitle: before.draftTitle,
      publishedSummary: before.draftSummary,
      publishedBodyHtml: before.draftBodyHtml,
      publishedText: htmlToPlainText(before.draftBodyHtml),
      publishedAt: now,
      publishedVersion: version,
      updatedAt: now,
    });
    await repo.insertVersion(tx, {
      articleId: id,
      version,
      title: before.draftTitle,
      summary: before.draftSummary,
      bodyHtml: before.draftBodyHtml,
      publishedById: actorId(actor),
      publishedAt: now,
    });
    await recordEvents(tx, actor, [articleEvent("kb_article.published", row)]);
    return presentArticle(actor, await viewOrFail(tx, id));
  });
};

export const unpublishKbArticle = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion?: number,
): Promise<TKbArticle> => {
  ensureAllowed(knowledgePolicy.can(actor, "publish", null), "Not allowed to publish articles");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockArticle(tx, id);
    if (!before) throw notFound("Article");
    if (expectedVersion !== undefined) ensureVersion("article", before, expectedVersion);
    const row = await repo.updateArticle(tx, id, {
      publishedTitle: null,
      publishedSummary: null,
      publishedBodyHtml: null,
      publishedText: null,
      publishedAt: null,
      updatedAt: new Date(),
    });
    await recordEvents(tx, actor, [articleEvent("kb_article.unpublished", row)]);
    return presentArticle(actor, await viewOrFail(tx, id));
  });
};

const bodyOf = (m: { bodyHtml: string | null; bodyText: string }): string =>
  m.bodyHtml ? sanitizeUserHtml(m.bodyHtml) : `<p>${escapeHtml(m.bodyText).replaceAll("\n", "<br>")}</p>`;

/**
 * A draft from a solved case: its subject as the title, the customer's question and the last public answer as the
 * body, for the agent to edit (and strip of anything personal) before publishing.
 */
export const createKbArticleFromCase = async (
  ctx: ServiceContext,
  actor: Actor,
  caseId: string,
  input: TArticleFromCaseInput,
): Promise<TKbArticle> => {
  ensureAllowed(knowledgePolicy.can(actor, "write", null), "Not allowed to write articles");
  const c = await getCase(ctx, actor, caseId);
  if (c.status !== "solved" && c.status !== "closed") {
    throw new AppError("INVALID_TRANSITION", "Articles are made from solved cases", "caseId");
  }
  const thread = (await listMessages(ctx, actor, caseId)).filter((m) => m.kind === "reply");
  const question = thread.find((m) => m.author.type === "contact");
  const answer = thread.filter((m) => m.author.type === "user").at(-1);
  const body = [
    question ? `<h2>Question</h2>${bodyOf(question)}` : "",
    answer ? `<h2>Answer</h2>${bodyOf(answer)}` : "",
  ].join("");
  return await inTransaction(ctx, async (tx) => {
    const row = await insertDraft(
      tx,
      actor,
      { categoryId: input.categoryId, title: c.subject, summary: "", bodyHtml: body || "<p></p>" },
      caseId,
    );
    return presentArticle(actor, await viewOrFail(tx, row.id));
  });
};

export const uploadKbImage = async (
  ctx: ServiceContext,
  actor: AnyActor,
  file: { contentType: string; data: Buffer },
): Promise<{ id: string; url: string }> => {
  ensureAllowed(knowledgePolicy.can(actor, "write", null), "Not allowed to write articles");
  const type = IMAGE_TYPES.find((t) => t === file.contentType.toLowerCase());
  if (!type) throw invalid("file", "Upload a PNG, JPEG, GIF or WebP image");
  if (file.data.length > MAX_IMAGE_BYTES) throw invalid("file", "Images are at most 5 MB");
  return await inTransaction(ctx, async (tx) => {
    const blobId = await ctx.blobs.put(tx, file.data);
    const row = await repo.insertImage(tx, {
      blobId,
      contentType: type,
      size: file.data.length,
      uploadedById: actorId(actor),
    });
    return { id: row.id, url: imagePath(row.id) };
  });
};

export const kbStats = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TKbStatsQuery,
  now = new Date(),
): Promise<TKbStats> => {
  ensureAllowed(knowledgePolicy.can(actor, "readStats", null), "Not allowed to read help-center reports");
  const to = q.to ?? now;
  const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
  const s = await repo.stats(ctx.db, from, to, DEFLECTION_WINDOW_HOURS, now);
  return {
    visits: s.visits,
    searches: s.searches,
    searchesWithoutResults: s.empty,
    articleViews: s.views,
    deflections: s.deflections,
    contactedAfterReading: s.contacted,
    windowHours: DEFLECTION_WINDOW_HOURS,
    topArticles: s.topArticles,
    topSearchesWithoutResults: s.topEmpty,
  };
};

/* The public help center: published articles only, and the visit's own trail. */

export const publicCategories = async (ctx: ServiceContext) =>
  (await repo.listCategories(ctx.db)).filter((r) => r.published > 0).map((r) => presentCategory(r.c, r.published));

export const publicCategory = async (ctx: ServiceContext, slug: string) => {
  const category = await repo.findCategoryBySlug(ctx.db, slug);
  if (!category) return null;
  const articles = await repo.publishedInCategory(ctx.db, category.id);
  if (articles.length === 0) return null;
  return { category, articles };
};

/** A new visit's id, for the first-party cookie that ties its searches, reads and contact together. */
export const newVisitId = (): string => randomUUID();

export const publicSearch = async (ctx: ServiceContext, raw: string, visitId: string | null, limit = 20) => {
  const tsquery = toTsQuery(parseSearchQuery(raw));
  const hits = tsquery ? await repo.searchPublished(ctx.db, tsquery, limit) : [];
  if (visitId && raw.trim()) {
    await inTransaction(ctx, async (tx) => {
      await repo.ensureVisit(tx, visitId);
      await repo.insertSearch(tx, { visitId, query: raw.trim().slice(0, 200), resultCount: hits.length });
      await repo.markVisit(tx, visitId, "searchedAt", new Date());
    });
  }
  return hits;
};

export const publicArticle = async (ctx: ServiceContext, slug: string, visitId: string | null) => {
  const article = await repo.findPublishedBySlug(ctx.db, slug);
  if (!article) return null;
  const category = await repo.findCategory(ctx.db, article.categoryId);
  if (visitId) {
    await inTransaction(ctx, async (tx) => {
      await repo.ensureVisit(tx, visitId);
      await repo.insertView(tx, { articleId: article.id, visitId });
      await repo.markVisit(tx, visitId, "readAt", new Date());
    });
  }
  return { article, category };
};

export const recordArticleFeedback = async (
  ctx: ServiceContext,
  slug: string,
  visitId: string,
  input: { helpful: boolean; comment: string },
): Promise<boolean> => {
  const article = await repo.findPublishedBySlug(ctx.db, slug);
  if (!article) return false;
  await inTransaction(ctx, async (tx) => {
    await repo.ensureVisit(tx, visitId);
    await repo.upsertFeedback(tx, {
      articleId: article.id,
      visitId,
      helpful: input.helpful,
      comment: input.comment.trim(),
    });
  });
  return true;
};

/** The visit went on to contact support: it was not deflected. */
export const recordHelpContact = async (ctx: ServiceContext, visitId: string): Promise<void> => {
  await inTransaction(ctx, async (tx) => {
    await repo.ensureVisit(tx, visitId);
    await repo.markVisit(tx, visitId, "contactedAt", new Date());
  });
};

export const sitemapEntries = async (ctx: ServiceContext) => ({
  categories: (await publicCategories(ctx)).map((c) => c.url),
  articles: (await repo.allPublished(ctx.db)).map((a) => ({ path: articlePath(a.slug), updatedAt: a.updatedAt })),
});

export const publicImage = async (ctx: ServiceContext, id: string) => {
  const image = await repo.findImage(ctx.db, id);
  if (!image) return null;
  const data = await ctx.blobs.get(ctx.db, image.blobId);
  return data ? { contentType: image.contentType, data } : null;
};
