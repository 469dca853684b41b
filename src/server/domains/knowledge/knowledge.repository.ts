import { and, asc, desc, eq, gte, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, PLAN_PER_CALL } from "../../db/connection";
import {
  kbArticles,
  kbArticleVersions,
  kbArticleViews,
  kbCategories,
  kbFeedback,
  kbImages,
  kbSearches,
  kbVisits,
} from "../../db/schema/index";
import { nextVersion } from "../../platform/concurrency";

export type CategoryRow = typeof kbCategories.$inferSelect;
export type ArticleRow = typeof kbArticles.$inferSelect;

export const listCategories = async (db: DbOrTx) =>
  await db
    .select({
      c: kbCategories,
      published: sql<number>`(SELECT count(*)::int FROM ${kbArticles} a WHERE a.category_id = kb_categories.id AND a.published_at IS NOT NULL)`,
    })
    .from(kbCategories)
    .orderBy(asc(kbCategories.position), asc(kbCategories.name));

export const findCategory = async (db: DbOrTx, id: string): Promise<CategoryRow | undefined> =>
  (await db.select().from(kbCategories).where(eq(kbCategories.id, id)))[0];

/** The category, its row locked until the transaction ends (edits check its version on it). */
export const lockCategory = async (db: DbOrTx, id: string): Promise<CategoryRow | undefined> =>
  (await db.select().from(kbCategories).where(eq(kbCategories.id, id)).for("update"))[0];

export const findCategoryBySlug = async (db: DbOrTx, slug: string): Promise<CategoryRow | undefined> =>
  (await db.select().from(kbCategories).where(eq(kbCategories.slug, slug)))[0];

export const insertCategory = async (db: DbOrTx, values: typeof kbCategories.$inferInsert): Promise<CategoryRow> => {
  const [row] = await db.insert(kbCategories).values(values).returning();
  if (!row) throw new Error("category insert returned nothing");
  return row;
};

export const updateCategory = async (db: DbOrTx, id: string, values: Partial<typeof kbCategories.$inferInsert>) =>
  (
    await db
      .update(kbCategories)
      .set({ ...values, updatedAt: new Date(), version: nextVersion(kbCategories.version) })
      .where(eq(kbCategories.id, id))
      .returning()
  )[0];

const counts = {
  views: sql<number>`(SELECT count(*)::int FROM ${kbArticleViews} v WHERE v.article_id = kb_articles.id)`,
  helpful: sql<number>`(SELECT count(*)::int FROM ${kbFeedback} f WHERE f.article_id = kb_articles.id AND f.helpful)`,
  notHelpful: sql<number>`(SELECT count(*)::int FROM ${kbFeedback} f WHERE f.article_id = kb_articles.id AND NOT f.helpful)`,
};

export interface ArticleView {
  a: ArticleRow;
  views: number;
  helpful: number;
  notHelpful: number;
}

export const listArticles = async (
  db: DbOrTx,
  f: { text?: string; categoryId?: string; publishedOnly: boolean },
): Promise<ArticleView[]> => {
  const where: SQL[] = [];
  if (f.categoryId) where.push(eq(kbArticles.categoryId, f.categoryId));
  if (f.publishedOnly) where.push(isNotNull(kbArticles.publishedAt));
  if (f.text) {
    const like = `%${f.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      sql`(${kbArticles.draftTitle} ILIKE ${like} OR coalesce(${kbArticles.publishedTitle}, '') ILIKE ${like} OR ${kbArticles.slug} ILIKE ${like})`,
    );
  }
  return await db
    .select({ a: kbArticles, ...counts })
    .from(kbArticles)
    .where(and(...where))
    .orderBy(desc(kbArticles.updatedAt))
    .limit(200);
};

export const findArticle = async (db: DbOrTx, id: string): Promise<ArticleView | undefined> =>
  (
    await db
      .select({ a: kbArticles, ...counts })
      .from(kbArticles)
      .where(eq(kbArticles.id, id))
  )[0];

export const lockArticle = async (db: DbOrTx, id: string): Promise<ArticleRow | undefined> =>
  (await db.select().from(kbArticles).where(eq(kbArticles.id, id)).for("update"))[0];

export const findPublishedBySlug = async (db: DbOrTx, slug: string): Promise<ArticleRow | undefined> =>
  (
    await db
      .select()
      .from(kbArticles)
      .where(and(eq(kbArticles.slug, slug), isNotNull(kbArticles.publishedAt)))
  )[0];

export const slugTaken = async (db: DbOrTx, slug: string, exceptId: string | null): Promise<boolean> =>
  (
    await db
      .select({ id: kbArticles.id })
      .from(kbArticles)
      .where(and(eq(kbArticles.slug, slug), exceptId ? sql`${kbArticles.id} <> ${exceptId}` : undefined))
  ).length > 0;

export const insertArticle = async (db: DbOrTx, values: typeof kbArticles.$inferInsert): Promise<ArticleRow> => {
  const [row] = await db.insert(kbArticles).values(values).returning();
  if (!row) throw new Error("article insert returned nothing");
  return row;
};

export const updateArticle = async (db: DbOrTx, id: string, values: Partial<typeof kbArticles.$inferInsert>) => {
  const [row] = await db
    .update(kbArticles)
    .set({ ...values, version: nextVersion(kbArticles.version) })
    .where(eq(kbArticles.id, id))
    .returning();
  if (!row) throw new Error("article vanished");
  return row;
};

export const insertVersion = async (db: DbOrTx, values: typeof kbArticleVersions.$inferInsert): Promise<void> => {
  await db.insert(kbArticleVersions).values(values);
};

export const publishedInCategory = async (db: DbOrTx, categoryId: string): Promise<ArticleRow[]> =>
  await db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.categoryId, categoryId), isNotNull(kbArticles.publishedAt)))
    .orderBy(asc(kbArticles.publishedTitle));

export const allPublished = async (db: DbOrTx) =>
  await db
    .select({ slug: kbArticles.slug, updatedAt: kbArticles.publishedAt })
    .from(kbArticles)
    .where(isNotNull(kbArticles.publishedAt))
    .orderBy(asc(kbArticles.slug));

export interface SearchHit {
  slug: string;
  title: string;
  summary: string;
  snippet: string;
  rank: number;
}

/** Published articles matching a to_tsquery text, best first (title over summary over body). */
export const searchPublished = async (db: DbOrTx, tsquery: string, limit: number): Promise<SearchHit[]> => {
  const { rows } = await db.execute<{
    slug: string;
    title: string;
    summary: string;
    snippet: string;
    rank: number;
  }>(sql`${sql.raw(PLAN_PER_CALL)}
    SELECT slug, published_title AS title, coalesce(published_summary, '') AS summary,
           ts_headline('english', left(coalesce(published_text, ''), 20000), q,
                       'StartSel=⟦, StopSel=⟧, MaxWords=30, MinWords=12, MaxFragments=1') AS snippet,
           ts_rank_cd(search_tsv, q) AS rank
      FROM ${kbArticles}, to_tsquery('english', ${tsquery}) AS q
     WHERE published_at IS NOT NULL AND search_tsv @@ q
     ORDER BY rank DESC, published_title ASC
     LIMIT ${limit}`);
  return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
};

export const ensureVisit = async (db: DbOrTx, id: string): Promise<void> => {
  await db.insert(kbVisits).values({ id }).onConflictDoNothing({ target: kbVisits.id });
};

export const markVisit = async (db: DbOrTx, id: string, field: "searchedAt" | "readAt" | "contactedAt", at: Date) => {
  const column = { searchedAt: kbVisits.searchedAt, readAt: kbVisits.readAt, contactedAt: kbVisits.contactedAt }[field];
  await db
    .update(kbVisits)
    .set({ [field]: sql`coalesce(${column}, ${at})` })
    .where(eq(kbVisits.id, id));
};

export const insertSearch = async (db: DbOrTx, values: typeof kbSearches.$inferInsert): Promise<void> => {
  await db.insert(kbSearches).values(values);
};

export const insertView = async (db: DbOrTx, values: typeof kbArticleViews.$inferInsert): Promise<void> => {
  await db.insert(kbArticleViews).values(values);
};

export const upsertFeedback = async (db: DbOrTx, values: typeof kbFeedback.$inferInsert): Promise<void> => {
  await db
    .insert(kbFeedback)
    .values(values)
    .onConflictDoUpdate({
      target: [kbFeedback.articleId, kbFeedback.visitId],
      set: { helpful: values.helpful, comment: values.comment ?? "", createdAt: new Date() },
    });
};

export const insertImage = async (db: DbOrTx, values: typeof kbImages.$inferInsert) => {
  const [row] = await db.insert(kbImages).values(values).returning();
  if (!row) throw new Error("image insert returned nothing");
  return row;
};

export const findImage = async (db: DbOrTx, id: string) =>
  (await db.select().from(kbImages).where(eq(kbImages.id, id)))[0];

const within = (
  column: typeof kbVisits.startedAt | typeof kbSearches.searchedAt | typeof kbArticleViews.viewedAt,
  from: Date,
  to: Date,
) => and(gte(column, from), lt(column, to));

/** Help-center use between `from` and `to`; a visit is deflected once `windowEnd` passed without contact. */
export const stats = async (db: DbOrTx, from: Date, to: Date, window: number, now: Date) => {
  const [visits] = await db
    .select({
      visits: sql<number>`count(*)::int`,
      deflections: sql<number>`count(*) FILTER (WHERE ${kbVisits.searchedAt} IS NOT NULL AND ${kbVisits.readAt} IS NOT NULL AND ${kbVisits.readAt} >= ${kbVisits.searchedAt} AND (${kbVisits.contactedAt} IS NULL OR ${kbVisits.contactedAt} > ${kbVisits.readAt} + make_interval(hours => ${window})) AND ${kbVisits.readAt} + make_interval(hours => ${window}) <= ${now})::int`,
      contacted: sql<number>`count(*) FILTER (WHERE ${kbVisits.searchedAt} IS NOT NULL AND ${kbVisits.readAt} IS NOT NULL AND ${kbVisits.contactedAt} IS NOT NULL AND ${kbVisits.contactedAt} >= ${kbVisits.readAt} AND ${kbVisits.contactedAt} <= ${kbVisits.readAt} + make_interval(hours => ${window}))::int`,
    })
    .from(kbVisits)
    .where(within(kbVisits.startedAt, from, to));
  const [searches] = await db
    .select({
      searches: sql<number>`count(*)::int`,
      empty: sql<number>`count(*) FILTER (WHERE ${kbSearches.resultCount} = 0)::int`,
    })
    .from(kbSearches)
    .where(within(kbSearches.searchedAt, from, to));
  const [views] = await db
    .select({ views: sql<number>`count(*)::int` })
    .from(kbArticleViews)
    .where(within(kbArticleViews.viewedAt, from, to));
  const topArticles = await db
    .select({
      id: kbArticles.id,
      title: sql<string>`coalesce(${kbArticles.publishedTitle}, ${kbArticles.draftTitle})`,
      views: sql<number>`count(*)::int`,
    })
    .from(kbArticleViews)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleViews.articleId))
    .where(within(kbArticleViews.viewedAt, from, to))
    .groupBy(kbArticles.id)
    .orderBy(desc(sql`count(*)`))
    .limit(10);
  const topEmpty = await db
    .select({ query: sql<string>`lower(${kbSearches.query})`, count: sql<number>`count(*)::int` })
    .from(kbSearches)
    .where(and(within(kbSearches.searchedAt, from, to), eq(kbSearches.resultCount, 0)))
    .groupBy(sql`lower(${kbSearches.query})`)
    .orderBy(desc(sql`count(*)`))
    .limit(10);
  return {
    visits: visits?.visits ?? 0,
    deflections: visits?.deflections ?? 0,
    contacted: visits?.contacted ?? 0,
    searches: searches?.searches ?? 0,
    empty: searches?.empty ?? 0,
    views: views?.views ?? 0,
    topArticles,
    topEmpty,
  };
};
