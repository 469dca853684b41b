import Papa from "papaparse";
import type {
  AboveLimit,
  TAuthority,
  TAuthorityLimit,
  TCaseRemedies,
  TCreateAuthorityLimitInput,
  TGrantRemedyInput,
  TLedger,
  TLedgerExportQuery,
  TLedgerQuery,
  TRemedy,
  TReviewInput,
  TUpdateAuthorityLimitInput,
} from "../../../shared/contracts/remedies";
import type { UserRole } from "../../../shared/domain";
import type { DbOrTx } from "../../db/connection";
import type { Actor, AnyActor } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, invariant, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { lockCaseFor, visibleCaseView } from "../cases/cases.access";
import { addEventMessage } from "../messages/messages.service";
import { authorityLimitEvent, remedyEvent } from "./remedies.events";
import {
  authorityLimitsPolicy,
  ledgerScope,
  type RemedyOversight,
  remediesPolicy,
  remedyOversightPolicy,
  reviewScope,
} from "./remedies.policy";
import * as repo from "./remedies.repository";

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;

/**
 * Generous defaults in minor units of any currency, per role, when an admin set no limit: within them
 * an employee puts things right at once, without asking anyone.
 */
export const DEFAULT_AUTHORITY: Record<UserRole, { perRemedyMinor: number; per30DaysMinor: number }> = {
  employee: { perRemedyMinor: 10_000, per30DaysMinor: 50_000 },
  agent: { perRemedyMinor: 25_000, per30DaysMinor: 150_000 },
  supervisor: { perRemedyMinor: 100_000, per30DaysMinor: 500_000 },
  admin: { perRemedyMinor: 100_000, per30DaysMinor: 500_000 },
  executive: { perRemedyMinor: 500_000, per30DaysMinor: 2_000_000 },
};

export const formatMoney = (minor: number, currency: string): string => {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
};

const oversightOf = async (db: DbOrTx, actor: Actor) => ({
  directedDepartmentIds: await repo.directedDepartmentIds(db, actor.id),
});

const presentRemedy = (actor: Actor, oversight: RemedyOversight, v: repo.RemedyView): TRemedy => ({
  id: v.r.id,
  caseId: v.r.caseId,
  caseNumber: v.caseNumber,
  kind: v.r.kind,
  amountMinor: v.r.amountMinor,
  currency: v.r.currency,
  description: v.r.description,
  grantedBy: { id: v.r.grantedById, name: v.grantedByName },
  grantedAt: v.r.grantedAt,
  aboveLimit: v.r.aboveLimit,
  justification: v.r.justification,
  reviewStatus: v.r.reviewStatus,
  review: v.r.reviewedAt
    ? {
        by: v.r.reviewedById ? { id: v.r.reviewedById, name: v.reviewedByName ?? "" } : null,
        at: v.r.reviewedAt,
        note: v.r.reviewNote,
      }
    : null,
  abilities: {
    review:
      (v.r.reviewStatus === "pending" || v.r.reviewStatus === "discuss") &&
      remediesPolicy.can(actor, "review", {
        ...oversight,
        grantedById: v.r.grantedById,
        departmentId: v.r.departmentId,
      }),
  },
});

/** An employee's authority in one currency, as of `now`: their own limit, else their role's, else the default. */
export const authorityOf = async (
  db: DbOrTx,
  actor: Actor,
  currency: string,
  now = new Date(),
): Promise<TAuthority> => {
  const limits = await repo.limitsFor(db, actor.id, actor.role, currency);
  const limit = limits.user ?? limits.role ?? DEFAULT_AUTHORITY[actor.role];
  const used = await repo.grantedSince(db, actor.id, currency, new Date(now.getTime() - WINDOW_DAYS * DAY_MS));
  return {
    currency,
    perRemedyMinor: limit.perRemedyMinor,
    per30DaysMinor: limit.per30DaysMinor,
    usedLast30DaysMinor: used,
    remainingLast30DaysMinor: Math.max(0, limit.per30DaysMinor - used),
    source: limits.user ? "user" : limits.role ? "role" : "default",
  };
};

export const myAuthority = async (ctx: ServiceContext, actor: Actor, currency: string): Promise<TAuthority> =>
  await authorityOf(ctx.db, actor, currency);

const aboveLimitOf = (authority: TAuthority, amount: number): AboveLimit => {
  const perRemedy = amount > authority.perRemedyMinor;
  const perWindow = authority.usedLast30DaysMinor + amount > authority.per30DaysMinor;
  if (perRemedy && perWindow) return "both";
  if (perRemedy) return "per_remedy";
  return perWindow ? "per_30_days" : "no";
};

/**
 * Grants a remedy at once. Within the granter's authority there is no approval; above it a written justification
 * is required and the remedy is flagged for review after the fact. It is never blocked.
 */
export const grantRemedy = async (
  ctx: ServiceContext,
  actor: Actor,
  caseId: string,
  input: TGrantRemedyInput,
): Promise<{ remedy: TRemedy; authority: TAuthority }> =>
  await inTransaction(ctx, async (tx) => {
    const c = await lockCaseFor(tx, actor, caseId, "note");
    await repo.lockAuthority(tx, actor.id, input.currency);
    const now = new Date();
    const before = await authorityOf(tx, actor, input.currency, now);
    const aboveLimit = aboveLimitOf(before, input.amountMinor);
    if (aboveLimit !== "no" && !input.justification) {
      throw invariant(
        "justification",
        `Above your authority (${formatMoney(before.perRemedyMinor, input.currency)} per remedy, ${formatMoney(before.remainingLast30DaysMinor, input.currency)} left this 30 days): write a justification; the remedy is granted at once and reviewed afterwards`,
      );
    }
    const row = await repo.insert(tx, {
      caseId,
      kind: input.kind,
      amountMinor: input.amountMinor,
      currency: input.currency,
      description: input.description,
      grantedById: actor.id,
      departmentId: actor.departmentId,
      organizationId: c.organizationId,
      grantedAt: now,
      aboveLimit,
      justification: input.justification ?? null,
      limitPerRemedyMinor: before.perRemedyMinor,
      limitPer30DaysMinor: before.per30DaysMinor,
      usedBeforeMinor: before.usedLast30DaysMinor,
      reviewStatus: aboveLimit === "no" ? "not_required" : "pending",
    });
    await addEventMessage(
      tx,
      caseId,
      `${actor.name} granted ${input.kind.replaceAll("_", " ")} (${formatMoney(input.amountMinor, input.currency)}): ${input.description}`,
    );
    await recordEvents(tx, actor, [remedyEvent("remedy.granted", null, row)]);
    const view = await repo.findView(tx, row.id);
    if (!view) throw notFound("Remedy");
    return {
      remedy: presentRemedy(actor, await oversightOf(tx, actor), view),
      authority: await authorityOf(tx, actor, input.currency, now),
    };
  });

const totalsOf = (items: TRemedy[]) => {
  const totals = new Map<string, number>();
  for (const r of items) totals.set(r.currency, (totals.get(r.currency) ?? 0) + r.amountMinor);
  return [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amountMinor]) => ({ currency, amountMinor }));
};

export const listCaseRemedies = async (
  ctx: ServiceContext,
  actor: Actor,
  caseId: string,
  currency: string,
): Promise<TCaseRemedies> =>
  await ctx.db.transaction(async (tx) => {
    await visibleCaseView(tx, actor, caseId);
    const oversight = await oversightOf(tx, actor);
    const items = (await repo.listByCase(tx, caseId)).map((v) => presentRemedy(actor, oversight, v));
    return { items, totals: totalsOf(items), authority: await authorityOf(tx, actor, currency) };
  });

/** Remedies of a case per currency, for the cost of failure. */
export const remedyTotalsOfCase = async (db: DbOrTx, caseId: string) => await repo.totalsByCase(db, caseId);

export const listReviewQueue = async (
  ctx: ServiceContext,
  actor: Actor,
  q: { status: "pending" | "approved" | "discuss"; limit: number },
): Promise<TRemedy[]> => {
  const oversight = await oversightOf(ctx.db, actor);
  ensureAllowed(
    remedyOversightPolicy.can(actor, "readReviews", oversight),
    "Only supervisors, admins and department directors review remedies",
  );
  return (await repo.listForReview(ctx.db, q.status, reviewScope(actor, oversight), q.limit)).map((v) =>
    presentRemedy(actor, oversight, v),
  );
};

/** Approve or discuss a flagged remedy; neither outcome takes anything back from the customer. */
export const reviewRemedy = async (
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: TReviewInput,
): Promise<TRemedy> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Remedy");
    const oversight = await oversightOf(tx, actor);
    ensureAllowed(
      remediesPolicy.can(actor, "review", {
        ...oversight,
        grantedById: before.grantedById,
        departmentId: before.departmentId,
      }),
      actor.id === before.grantedById
        ? "Nobody reviews their own remedy"
        : "Only supervisors, admins and the granter's department director review remedies",
    );
    if (before.reviewStatus === "not_required") {
      throw new AppError(
        "INVALID_TRANSITION",
        "This remedy was within authority: there is nothing to review",
        "outcome",
      );
    }
    if (before.reviewStatus === "approved") {
      throw new AppError("INVALID_TRANSITION", "This remedy is already approved", "outcome");
    }
    if (input.outcome === "discuss" && !input.note) throw invalid("note", "Say what to discuss");
    const after = await repo.update(tx, id, {
      reviewStatus: input.outcome === "approve" ? "approved" : "discuss",
      reviewedById: actor.id,
      reviewedAt: new Date(),
      reviewNote: input.note ?? null,
    });
    await recordEvents(tx, actor, [remedyEvent("remedy.reviewed", before, after)]);
    const view = await repo.findView(tx, id);
    if (!view) throw notFound("Remedy");
    return presentRemedy(actor, oversight, view);
  });

const dayStart = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** [from, to) for the ledger; by default the current month and the eleven before it. */
const ledgerRange = (q: { from?: string | undefined; to?: string | undefined }, now = new Date()) => {
  const defaultFrom = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const from = q.from ? dayStart(q.from) : defaultFrom;
  const to = q.to ? new Date(dayStart(q.to).getTime() + DAY_MS) : new Date(now.getTime() + 1000);
  if (to <= from) throw invalid("to", "The end of the range comes before its start");
  return { from, to };
};

const ledgerDepartments = async (ctx: ServiceContext, actor: Actor): Promise<string[] | null> => {
  const oversight = await oversightOf(ctx.db, actor);
  ensureAllowed(
    remedyOversightPolicy.can(actor, "readLedger", oversight),
    "The remedy ledger is for supervisors, executives, admins and department directors",
  );
  return ledgerScope(actor, oversight);
};

const UNASSIGNED: Record<TLedgerQuery["groupBy"], string> = {
  department: "No department",
  person: "Unknown",
  root_cause: "No root cause yet",
  organization: "No organization",
  month: "",
};

export const remedyLedger = async (ctx: ServiceContext, actor: Actor, q: TLedgerQuery): Promise<TLedger> => {
  const departmentIds = await ledgerDepartments(ctx, actor);
  const { from, to } = ledgerRange(q);
  const rows = await repo.ledgerTotals(ctx.db, q.groupBy, { from, to, currency: q.currency, departmentIds });
  return {
    groupBy: q.groupBy,
    from: from.toISOString().slice(0, 10),
    to: new Date(to.getTime() - 1).toISOString().slice(0, 10),
    rows: rows.map((r) => ({ ...r, label: r.label ?? UNASSIGNED[q.groupBy] })),
  };
};

const EXPORT_LIMIT = 100_000;

/** The ledger's entries as CSV (one line per remedy, with everything the totals group by). */
export const exportRemedyLedger = async (ctx: ServiceContext, actor: Actor, q: TLedgerExportQuery): Promise<string> => {
  const departmentIds = await ledgerDepartments(ctx, actor);
  const { from, to } = ledgerRange(q);
  const rows = await repo.ledgerEntries(ctx.db, { from, to, currency: q.currency, departmentIds }, EXPORT_LIMIT);
  return Papa.unparse(
    rows.map((e) => ({
      granted_at: e.r.grantedAt.toISOString(),
      month: e.r.grantedAt.toISOString().slice(0, 7),
      case_number: e.caseNumber,
      kind: e.r.kind,
      amount_minor: e.r.amountMinor,
      currency: e.r.currency,
      description: e.r.description,
      granted_by: e.grantedByName,
      department: e.departmentName ?? "",
      organization: e.organizationName ?? "",
      root_cause_origin: e.rootCauseOrigin ?? "",
      root_cause_category: e.rootCauseCategory ?? "",
      above_limit: e.r.aboveLimit,
      justification: e.r.justification ?? "",
      review_status: e.r.reviewStatus,
    })),
    { columns: CSV_COLUMNS, escapeFormulae: true },
  );
};

const CSV_COLUMNS = [
  "granted_at",
  "month",
  "case_number",
  "kind",
  "amount_minor",
  "currency",
  "description",
  "granted_by",
  "department",
  "organization",
  "root_cause_origin",
  "root_cause_category",
  "above_limit",
  "justification",
  "review_status",
];

const presentLimit = (l: repo.AuthorityLimitRow, userName: string | null): TAuthorityLimit => ({
  id: l.id,
  role: l.role,
  user: l.userId ? { id: l.userId, name: userName ?? "" } : null,
  currency: l.currency,
  perRemedyMinor: l.perRemedyMinor,
  per30DaysMinor: l.per30DaysMinor,
  updatedAt: l.updatedAt,
  version: l.version,
});

export const listAuthorityLimits = async (ctx: ServiceContext, actor: AnyActor): Promise<TAuthorityLimit[]> => {
  ensureAllowed(authorityLimitsPolicy.can(actor, "manage", null), "Only admins manage authority limits");
  return (await repo.listLimits(ctx.db)).map((r) => presentLimit(r.l, r.userName));
};

export const createAuthorityLimit = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateAuthorityLimitInput,
): Promise<TAuthorityLimit> => {
  ensureAllowed(authorityLimitsPolicy.can(actor, "manage", null), "Only admins manage authority limits");
  if ((input.role === undefined) === (input.userId === undefined)) {
    throw invalid(input.role ? "userId" : "role", "Set a limit for either a role or a person");
  }
  return await inTransaction(ctx, async (tx) => {
    if (input.userId && !(await repo.userExists(tx, input.userId))) throw invalid("userId", "No such employee");
    const row = await repo.insertLimit(tx, {
      role: input.role ?? null,
      userId: input.userId ?? null,
      currency: input.currency,
      perRemedyMinor: input.perRemedyMinor,
      per30DaysMinor: input.per30DaysMinor,
      updatedById: actor.type === "user" ? actor.id : null,
    });
    await recordEvents(tx, actor, [authorityLimitEvent("authority_limit.created", null, row, row.id)]);
    const found = await repo.findLimit(tx, row.id);
    return presentLimit(row, found?.userName ?? null);
  });
};

export const updateAuthorityLimit = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateAuthorityLimitInput,
): Promise<TAuthorityLimit> => {
  ensureAllowed(authorityLimitsPolicy.can(actor, "manage", null), "Only admins manage authority limits");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockLimit(tx, id);
    if (!before) throw notFound("Authority limit");
    ensureVersion("authority limit", before.l, expectedVersion);
    const after = await repo.updateLimit(tx, id, {
      ...input,
      updatedById: actor.type === "user" ? actor.id : null,
    });
    if (!after) throw notFound("Authority limit");
    await recordEvents(tx, actor, [authorityLimitEvent("authority_limit.updated", before.l, after, id)]);
    return presentLimit(after, before.userName);
  });
};

export const deleteAuthorityLimit = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<void> => {
  ensureAllowed(authorityLimitsPolicy.can(actor, "manage", null), "Only admins manage authority limits");
  await inTransaction(ctx, async (tx) => {
    const before = await repo.deleteLimit(tx, id);
    if (!before) throw notFound("Authority limit");
    await recordEvents(tx, actor, [authorityLimitEvent("authority_limit.deleted", before, null, id)]);
  });
};
