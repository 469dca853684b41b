import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "../../db/connection";
import { remedies, serviceFailures, users } from "../../db/schema/index";

export type ServiceFailureRow = typeof serviceFailures.$inferSelect;

export interface ServiceFailureView {
  f: ServiceFailureRow;
  markedByName: string | null;
  remedy: { id: string; kind: string; amountMinor: number; currency: string; description: string } | null;
}

export const findViewByCase = async (db: DbOrTx, caseId: string): Promise<ServiceFailureView | undefined> => {
  const [row] = await db
    .select({
      f: serviceFailures,
      markedByName: users.name,
      remedyId: remedies.id,
      remedyKind: remedies.kind,
      remedyAmount: remedies.amountMinor,
      remedyCurrency: remedies.currency,
      remedyDescription: remedies.description,
    })
    .from(serviceFailures)
    .leftJoin(users, eq(users.id, serviceFailures.markedById))
    .leftJoin(remedies, eq(remedies.id, serviceFailures.remedyId))
    .where(eq(serviceFailures.caseId, caseId));
  if (!row) return undefined;
  return {
    f: row.f,
    markedByName: row.markedByName,
    remedy:
      row.remedyId && row.remedyKind && row.remedyCurrency
        ? {
            id: row.remedyId,
            kind: row.remedyKind,
            amountMinor: row.remedyAmount ?? 0,
            currency: row.remedyCurrency,
            description: row.remedyDescription ?? "",
          }
        : null,
  };
};

export const lockByCase = async (db: DbOrTx, caseId: string): Promise<ServiceFailureRow | undefined> =>
  (await db.select().from(serviceFailures).where(eq(serviceFailures.caseId, caseId)).for("update"))[0];

export const insert = async (db: DbOrTx, values: typeof serviceFailures.$inferInsert): Promise<ServiceFailureRow> => {
  const [row] = await db.insert(serviceFailures).values(values).returning();
  if (!row) throw new Error("service failure insert returned nothing");
  return row;
};

export const update = async (
  db: DbOrTx,
  id: string,
  values: Partial<typeof serviceFailures.$inferInsert>,
): Promise<ServiceFailureRow> => {
  const [row] = await db.update(serviceFailures).set(values).where(eq(serviceFailures.id, id)).returning();
  if (!row) throw new Error("service failure vanished");
  return row;
};

export const remedyOfCase = async (db: DbOrTx, remedyId: string, caseId: string): Promise<boolean> =>
  (
    await db
      .select({ id: remedies.id })
      .from(remedies)
      .where(and(eq(remedies.id, remedyId), eq(remedies.caseId, caseId)))
  ).length > 0;

const num = (v: unknown): number => Number(v ?? 0);

export const failureCounts = async (db: DbOrTx) => {
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    SELECT count(*) AS failures,
           count(apologized_at) AS apologized,
           count(fixed_at) AS fixed,
           count(remedy_id) AS remedied,
           count(followed_up_at) AS followed_up
      FROM service_failures`);
  const r = rows[0] ?? {};
  return {
    failures: num(r.failures),
    apologized: num(r.apologized),
    fixed: num(r.fixed),
    remedied: num(r.remedied),
    followedUp: num(r.followed_up),
  };
};

export interface CohortCounts {
  customers: number;
  csatResponses: number;
  csatGood: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/**
 * Answers of two cohorts: customers who suffered a failure (only answers given after their first failure), and
 * customers who never had one (all their answers).
 */
export const cohortCounts = async (db: DbOrTx): Promise<{ failed: CohortCounts; never: CohortCounts }> => {
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    WITH first_failure AS (
      SELECT contact_id, min(least(occurred_at, marked_at)) AS at FROM service_failures GROUP BY contact_id
    ),
    answers AS (
      SELECT contact_id, answered_at, 'csat' AS kind, rating, NULL::int AS score
        FROM csat_surveys WHERE answered_at IS NOT NULL
      UNION ALL
      SELECT contact_id, answered_at, 'nps', NULL, score FROM nps_surveys WHERE answered_at IS NOT NULL
    ),
    cohort AS (
      SELECT a.*, CASE WHEN f.contact_id IS NULL THEN 'never' ELSE 'failed' END AS cohort
        FROM answers a LEFT JOIN first_failure f ON f.contact_id = a.contact_id
       WHERE f.contact_id IS NULL OR a.answered_at > f.at
    )
    SELECT cohort,
           count(DISTINCT contact_id) AS customers,
           count(*) FILTER (WHERE kind = 'csat') AS csat_responses,
           count(*) FILTER (WHERE kind = 'csat' AND rating = 'good') AS csat_good,
           count(*) FILTER (WHERE score >= 9) AS promoters,
           count(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives,
           count(*) FILTER (WHERE score <= 6) AS detractors
      FROM cohort GROUP BY cohort`);
  const of = (name: string): CohortCounts => {
    const r = rows.find((x) => x.cohort === name) ?? {};
    return {
      customers: num(r.customers),
      csatResponses: num(r.csat_responses),
      csatGood: num(r.csat_good),
      promoters: num(r.promoters),
      passives: num(r.passives),
      detractors: num(r.detractors),
    };
  };
  return { failed: of("failed"), never: of("never") };
};

/** Customers who were detractors at some point, and those of them who later answered as promoters. */
export const detractorTurnarounds = async (db: DbOrTx) => {
  const { rows } = await db.execute<Record<string, unknown>>(sql`
    SELECT count(DISTINCT d.contact_id) AS detractors,
           count(DISTINCT d.contact_id) FILTER (WHERE EXISTS (
             SELECT 1 FROM nps_surveys p
              WHERE p.contact_id = d.contact_id AND p.score >= 9 AND p.answered_at > d.answered_at
           )) AS won_back
      FROM nps_surveys d WHERE d.score <= 6`);
  const r = rows[0] ?? {};
  return { detractors: num(r.detractors), wonBack: num(r.won_back) };
};
