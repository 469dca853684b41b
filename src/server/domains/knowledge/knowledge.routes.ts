import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import {
  zArticleFromCaseInput,
  zCreateKbArticleInput,
  zCreateKbCategoryInput,
  zHelpSearchQuery,
  zHelpSearchResult,
  zKbArticle,
  zKbArticleListQuery,
  zKbArticleSummary,
  zKbCategory,
  zKbImage,
  zKbStats,
  zKbStatsQuery,
  zSlug,
  zUpdateKbArticleInput,
  zUpdateKbCategoryInput,
} from "../../../shared/contracts/knowledge";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { AppError } from "../../platform/errors";
import { requireActor } from "../../platform/http";
import {
  articlePage,
  categoryPage,
  homePage,
  notFoundPage,
  type PageContext,
  searchPage,
  sitemapXml,
} from "./knowledge.pages";
import {
  articlePath,
  createKbArticle,
  createKbArticleFromCase,
  createKbCategory,
  getKbArticle,
  kbStats,
  listKbArticles,
  listKbCategories,
  newVisitId,
  publicArticle,
  publicCategories,
  publicCategory,
  publicImage,
  publicSearch,
  publishKbArticle,
  recordArticleFeedback,
  recordHelpContact,
  sitemapEntries,
  unpublishKbArticle,
  updateKbArticle,
  updateKbCategory,
  uploadKbImage,
} from "./knowledge.service";
import { acceptForms, brandFor, PUBLIC_PAGE_HEADERS } from "./public-page";

/** First-party cookie tying one browser's searches, reads and contact together, for deflection. */
const VISIT_COOKIE = "extramile_help";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VISIT_SECONDS = 24 * 3600;
/** Where "Contact support" leads: the hosted web form. */
const CONTACT_PATH = "/form";

const zSlugParams = z.strictObject({ slug: zSlug });
const zFeedbackForm = z.object({ helpful: z.enum(["yes", "no"]), comment: z.string().max(2000).default("") });

/** Publishing acts on the draft as it is; an editor sends If-Match to publish only the version it saw. */
const optionalVersion = (header: string | undefined): number | undefined =>
  header === undefined ? undefined : versionFromIfMatch(header, "article");

export const knowledgeRoutes = async (app: FastifyInstance): Promise<void> => {
  acceptForms(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["help center"];

  const visitOf = (req: FastifyRequest, reply: FastifyReply): string => {
    const existing = req.cookies[VISIT_COOKIE];
    if (existing && UUID.test(existing)) return existing;
    const id = newVisitId();
    reply.setCookie(VISIT_COOKIE, id, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: app.ctx.config.secureCookies,
      maxAge: VISIT_SECONDS,
    });
    return id;
  };
  const pageContext = async (): Promise<PageContext> => ({
    brand: await brandFor(app.ctx),
    baseUrl: app.ctx.config.publicUrl,
  });
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .status(status)
      .headers({ ...PUBLIC_PAGE_HEADERS, "cache-control": "no-cache" })
      .send(body);

  r.get(
    "/api/v1/kb/categories",
    { config: { access: "user" }, schema: { tags, response: { 200: z.object({ items: z.array(zKbCategory) }) } } },
    async (req) => ({ items: await listKbCategories(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/kb/categories",
    { config: { access: "user" }, schema: { tags, body: zCreateKbCategoryInput, response: { 201: zKbCategory } } },
    async (req, reply) => reply.status(201).send(await createKbCategory(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/kb/categories/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: ifMatchDescription("category"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateKbCategoryInput,
        response: { 200: zKbCategory },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "category");
      const updated = await updateKbCategory(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.get(
    "/api/v1/kb/articles",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Articles, drafts included; `q` matches titles and addresses (the composer's article picker).",
        querystring: zKbArticleListQuery,
        response: { 200: z.object({ items: z.array(zKbArticleSummary) }) },
      },
    },
    async (req) => ({ items: await listKbArticles(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/kb/articles",
    { config: { access: "user" }, schema: { tags, body: zCreateKbArticleInput, response: { 201: zKbArticle } } },
    async (req, reply) => {
      const created = await createKbArticle(app.ctx, requireActor(req), req.body);
      return reply.status(201).header("etag", etagOf(created.version)).send(created);
    },
  );
  r.get(
    "/api/v1/kb/articles/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zKbArticle } } },
    async (req, reply) => {
      const found = await getKbArticle(app.ctx, requireActor(req), req.params.id);
      return reply.header("etag", etagOf(found.version)).send(found);
    },
  );
  r.patch(
    "/api/v1/kb/articles/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: `Edits the draft; customers keep reading the published version until it is published again. ${ifMatchDescription("article")}`,
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateKbArticleInput,
        response: { 200: zKbArticle },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "article");
      const updated = await updateKbArticle(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.post(
    "/api/v1/kb/articles/:id/publish",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: `Publishes the draft as it is now; with \`If-Match\`, only the version the editor saw (else 409).`,
        params: zIdParams,
        headers: zIfMatchHeaders,
        response: { 200: zKbArticle },
      },
    },
    async (req, reply) => {
      const version = optionalVersion(req.headers["if-match"]);
      const published = await publishKbArticle(app.ctx, requireActor(req), req.params.id, version);
      return reply.header("etag", etagOf(published.version)).send(published);
    },
  );
  r.post(
    "/api/v1/kb/articles/:id/unpublish",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Takes the article off the help center; with `If-Match`, only the version the editor saw (else 409).",
        params: zIdParams,
        headers: zIfMatchHeaders,
        response: { 200: zKbArticle },
      },
    },
    async (req, reply) => {
      const version = optionalVersion(req.headers["if-match"]);
      const unpublished = await unpublishKbArticle(app.ctx, requireActor(req), req.params.id, version);
      return reply.header("etag", etagOf(unpublished.version)).send(unpublished);
    },
  );
  r.post(
    "/api/v1/cases/:id/kb-article",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "A draft article from a solved case: its subject, the question and the last public answer.",
        params: zIdParams,
        body: zArticleFromCaseInput,
        response: { 201: zKbArticle },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await createKbArticleFromCase(app.ctx, requireActor(req), req.params.id, req.body)),
  );
  r.post(
    "/api/v1/kb/images",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "multipart/form-data with one `file` part (PNG, JPEG, GIF or WebP); returns its public address.",
        consumes: ["multipart/form-data"],
        response: { 201: zKbImage },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      if (!req.isMultipart()) throw new AppError("VALIDATION_FAILED", "Send multipart/form-data with a file", "file");
      const part = await req.file();
      if (!part) throw new AppError("VALIDATION_FAILED", "No file in the upload", "file");
      const image = await uploadKbImage(app.ctx, actor, { contentType: part.mimetype, data: await part.toBuffer() });
      return reply.status(201).send(image);
    },
  );
  r.get(
    "/api/v1/kb/stats",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Help-center visits, searches, article views and deflection (searched, read, did not contact us).",
        querystring: zKbStatsQuery,
        response: { 200: zKbStats },
      },
    },
    async (req) => await kbStats(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/help/search",
    {
      config: { access: "public" },
      schema: {
        tags,
        description: "Full-text search of published articles, best match first.",
        security: [],
        querystring: zHelpSearchQuery,
        response: { 200: zHelpSearchResult },
      },
    },
    async (req, reply) => {
      const hits = await publicSearch(app.ctx, req.query.q, visitOf(req, reply));
      return {
        items: hits.map((h) => ({
          title: h.title,
          summary: h.summary,
          url: articlePath(h.slug),
          snippet: h.snippet.replace(/[⟦⟧]/g, ""),
        })),
      };
    },
  );

  r.get("/help", { config: { access: "public" }, schema: { hide: true } }, async (_req, reply) =>
    html(reply, 200, homePage(await pageContext(), await publicCategories(app.ctx))),
  );
  r.get(
    "/help/search",
    {
      config: { access: "public" },
      schema: { hide: true, querystring: z.object({ q: z.string().max(200).default("") }) },
    },
    async (req, reply) => {
      const hits = await publicSearch(app.ctx, req.query.q, visitOf(req, reply));
      return html(reply, 200, searchPage(await pageContext(), req.query.q.trim(), hits));
    },
  );
  r.get(
    "/help/categories/:slug",
    { config: { access: "public" }, schema: { hide: true, params: zSlugParams } },
    async (req, reply) => {
      const found = await publicCategory(app.ctx, req.params.slug);
      if (!found) return html(reply, 404, notFoundPage(await pageContext()));
      return html(reply, 200, categoryPage(await pageContext(), found.category, found.articles));
    },
  );
  r.get(
    "/help/articles/:slug",
    {
      config: { access: "public" },
      schema: { hide: true, params: zSlugParams, querystring: z.object({ feedback: z.string().optional() }) },
    },
    async (req, reply) => {
      const found = await publicArticle(app.ctx, req.params.slug, visitOf(req, reply));
      if (!found) return html(reply, 404, notFoundPage(await pageContext()));
      const thanked = req.query.feedback === "thanks";
      return html(reply, 200, articlePage(await pageContext(), found.article, found.category, thanked));
    },
  );
  r.post(
    "/help/articles/:slug/feedback",
    { config: { access: "public" }, schema: { hide: true, params: zSlugParams, body: zFeedbackForm } },
    async (req, reply) => {
      const recorded = await recordArticleFeedback(app.ctx, req.params.slug, visitOf(req, reply), {
        helpful: req.body.helpful === "yes",
        comment: req.body.comment,
      });
      if (!recorded) return html(reply, 404, notFoundPage(await pageContext()));
      return reply.redirect(`${articlePath(req.params.slug)}?feedback=thanks`, 303);
    },
  );
  r.get("/help/contact", { config: { access: "public" }, schema: { hide: true } }, async (req, reply) => {
    await recordHelpContact(app.ctx, visitOf(req, reply));
    return reply.redirect(CONTACT_PATH, 303);
  });
  r.get("/help/sitemap.xml", { config: { access: "public" }, schema: { hide: true } }, async (_req, reply) => {
    const entries = await sitemapEntries(app.ctx);
    const xml = sitemapXml(await pageContext(), [
      { path: "/help" },
      ...entries.categories.map((path) => ({ path })),
      ...entries.articles,
    ]);
    return reply.type("application/xml; charset=utf-8").header("cache-control", "no-cache").send(xml);
  });
  r.get(
    "/help/images/:id",
    { config: { access: "public" }, schema: { hide: true, params: zIdParams } },
    async (req, reply) => {
      const image = await publicImage(app.ctx, req.params.id);
      if (!image) return reply.status(404).type("text/plain").send("Not found");
      return reply
        .type(image.contentType)
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(image.data);
    },
  );
};
