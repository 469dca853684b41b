import { escapeHtml, htmlToPlainText, sanitizeUserHtml } from "../../platform/html";
import type { ArticleRow, CategoryRow, SearchHit } from "./knowledge.repository";
import { articlePath, categoryPath } from "./knowledge.service";
import { type Brand, renderPublicPage } from "./public-page";

export interface PageContext {
  brand: Brand;
  /** The installation's public address, for canonical URLs. */
  baseUrl: string;
}

const abs = (p: PageContext, path: string): string => `${p.baseUrl.replace(/\/$/, "")}${path}`;

const searchForm = (q = "") => `<form class="search" method="get" action="/help/search" role="search">
<label for="q" class="muted" style="flex-basis:100%">Search the help center</label>
<input type="search" id="q" name="q" value="${escapeHtml(q)}" maxlength="200" placeholder="e.g. reset password">
<button type="submit">Search</button>
</form>`;

const contactCard = `<div class="card"><h2>Still need help?</h2><p><a href="/help/contact">Contact support</a> and we will get back to you.</p></div>`;

const describe = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 155 ? `${flat.slice(0, 152).replace(/\s+\S*$/, "")}…` : flat;
};

export const homePage = (
  p: PageContext,
  categories: { name: string; description: string; url: string; publishedArticles: number }[],
) =>
  renderPublicPage({
    brand: p.brand,
    title: "Help center",
    description: `Answers and guides from ${p.brand.companyName}: search the help center or browse by topic.`,
    canonical: abs(p, "/help"),
    body: `<h1>How can we help?</h1>
${searchForm()}
<div class="card"><h2>Browse by topic</h2>${
      categories.length === 0
        ? `<p class="muted">No articles yet.</p>`
        : `<ul class="plain">${categories
            .map(
              (c) =>
                `<li><a href="${escapeHtml(c.url)}">${escapeHtml(c.name)}</a> <span class="muted">(${c.publishedArticles})</span>${
                  c.description ? `<br><span class="muted">${escapeHtml(c.description)}</span>` : ""
                }</li>`,
            )
            .join("")}</ul>`
    }</div>
${contactCard}`,
  });

const highlight = (snippet: string): string => escapeHtml(snippet).replace(/⟦/g, "<mark>").replace(/⟧/g, "</mark>");

export const searchPage = (p: PageContext, q: string, hits: SearchHit[]) =>
  renderPublicPage({
    brand: p.brand,
    title: q ? `Search: ${q}` : "Search",
    canonical: abs(p, "/help/search"),
    description: "Search the help center.",
    body: `<nav class="crumbs" aria-label="Breadcrumb"><a href="/help">Help center</a></nav>
<h1>${q ? `Results for “${escapeHtml(q)}”` : "Search"}</h1>
${searchForm(q)}
${
  q
    ? hits.length === 0
      ? `<div class="card"><p>No articles match your search. Try other words, or contact us below.</p></div>`
      : `<div class="card"><p class="muted">${hits.length} article${hits.length === 1 ? "" : "s"} found</p><ul class="plain">${hits
          .map(
            (h) =>
              `<li><a href="${articlePath(h.slug)}">${escapeHtml(h.title)}</a><br><span class="muted">${
                h.summary ? escapeHtml(h.summary) : highlight(h.snippet)
              }</span></li>`,
          )
          .join("")}</ul></div>`
    : ""
}
${contactCard}`,
  });

export const categoryPage = (p: PageContext, category: CategoryRow, articles: ArticleRow[]) =>
  renderPublicPage({
    brand: p.brand,
    title: category.name,
    description: describe(category.description || `Articles about ${category.name}.`),
    canonical: abs(p, categoryPath(category.slug)),
    body: `<nav class="crumbs" aria-label="Breadcrumb"><a href="/help">Help center</a></nav>
<h1>${escapeHtml(category.name)}</h1>
${category.description ? `<p class="muted">${escapeHtml(category.description)}</p>` : ""}
<div class="card"><ul class="plain">${articles
      .map(
        (a) =>
          `<li><a href="${articlePath(a.slug)}">${escapeHtml(a.publishedTitle ?? "")}</a>${
            a.publishedSummary ? `<br><span class="muted">${escapeHtml(a.publishedSummary)}</span>` : ""
          }</li>`,
      )
      .join("")}</ul></div>
${searchForm()}`,
  });

export const articlePage = (
  p: PageContext,
  article: ArticleRow,
  category: CategoryRow | undefined,
  thanked: boolean,
) => {
  const title = article.publishedTitle ?? "";
  const feedback = thanked
    ? `<p role="status">Thank you for your feedback.</p>`
    : `<form method="post" action="${articlePath(article.slug)}/feedback">
<fieldset><legend>Was this article helpful?</legend>
<div class="choices"><button type="submit" name="helpful" value="yes">Yes</button><button type="submit" name="helpful" value="no" class="secondary">No</button></div></fieldset>
</form>`;
  return renderPublicPage({
    brand: p.brand,
    title,
    description: describe(article.publishedSummary || htmlToPlainText(article.publishedBodyHtml ?? "")),
    canonical: abs(p, articlePath(article.slug)),
    body: `<nav class="crumbs" aria-label="Breadcrumb"><a href="/help">Help center</a>${
      category ? ` › <a href="${categoryPath(category.slug)}">${escapeHtml(category.name)}</a>` : ""
    }</nav>
<article class="card">
<h1>${escapeHtml(title)}</h1>
${article.publishedSummary ? `<p class="muted">${escapeHtml(article.publishedSummary)}</p>` : ""}
<div class="article">${sanitizeUserHtml(article.publishedBodyHtml ?? "")}</div>
<p class="muted"><small>Updated ${article.publishedAt?.toISOString().slice(0, 10) ?? ""}</small></p>
</article>
<div class="card">${feedback}</div>
${contactCard}`,
  });
};

export const notFoundPage = (p: PageContext) =>
  renderPublicPage({
    brand: p.brand,
    title: "Page not found",
    body: `<h1>Page not found</h1><p>This page does not exist or is no longer published.</p>${searchForm()}`,
  });

export const sitemapXml = (p: PageContext, paths: { path: string; updatedAt?: Date | null }[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${paths
  .map(
    (e) =>
      `<url><loc>${escapeHtml(abs(p, e.path))}</loc>${e.updatedAt ? `<lastmod>${e.updatedAt.toISOString()}</lastmod>` : ""}</url>`,
  )
  .join("\n")}
</urlset>
`;
