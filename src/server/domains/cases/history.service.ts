import { CASE_HISTORY_FIELDS, type CaseHistoryField, type TCaseHistoryEntry } from "../../../shared/contracts/cases";
import { type AnyActor, SYSTEM } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { visibleCaseView } from "./cases.access";
import * as repo from "./cases.repository";

/** The newest changes a thread shows; older ones stay in the audit log. */
const HISTORY_LIMIT = 500;

/** Reason codes the case service records, as a person reads them; other reasons (SLA actions) are stored as text. */
const REASONS: Record<string, string> = {
  owner_deactivated: "the owner was deactivated",
  auto_close: "solved cases close automatically",
  customer_reply: "the customer replied",
};

const NAMED: Partial<Record<CaseHistoryField, "users" | "teams" | "contacts" | "organizations">> = {
  ownerId: "users",
  teamId: "teams",
  requesterId: "contacts",
  organizationId: "organizations",
};

const isField = (k: string): k is CaseHistoryField => (CASE_HISTORY_FIELDS as readonly string[]).includes(k);

const asText = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.length ? v.join(", ") : null;
  return String(v);
};

/**
 * What changed on a case, by whom or by what, from its recorded events: owner, status, priority, team, next step and
 * the other fields people edit. Only for someone who may read the case (404 otherwise).
 */
export const caseHistory = async (
  ctx: ServiceContext,
  actor: AnyActor,
  caseId: string,
): Promise<{ items: TCaseHistoryEntry[] }> => {
  await visibleCaseView(ctx.db, actor, caseId);
  const rows = await repo.changeEventsOf(ctx.db, caseId, HISTORY_LIMIT);
  const parsed = rows.map((r) => {
    const before = (r.payload.before ?? {}) as Record<string, unknown>;
    const after = (r.payload.after ?? {}) as Record<string, unknown>;
    const fields = Object.keys(after).filter(isField);
    return { r, before, after, fields };
  });
  const ids = {
    users: new Set<string>(),
    teams: new Set<string>(),
    contacts: new Set<string>(),
    organizations: new Set<string>(),
  };
  for (const { before, after, fields } of parsed) {
    for (const f of fields) {
      const kind = NAMED[f];
      if (!kind) continue;
      for (const v of [before[f], after[f]]) if (typeof v === "string") ids[kind].add(v);
    }
  }
  const names = await repo.namesFor(ctx.db, {
    users: [...ids.users],
    teams: [...ids.teams],
    contacts: [...ids.contacts],
    organizations: [...ids.organizations],
  });
  const show = (f: CaseHistoryField, v: unknown): string | null =>
    NAMED[f] && typeof v === "string" ? (names.get(v) ?? "someone removed since") : asText(v);
  return {
    items: parsed.flatMap(({ r, before, after, fields }) => {
      const changes = fields.map((f) => ({ field: f, from: show(f, before[f]), to: show(f, after[f]) }));
      if (changes.length === 0) return [];
      const reason = typeof r.payload.reason === "string" ? (REASONS[r.payload.reason] ?? r.payload.reason) : null;
      return [
        {
          id: r.id,
          at: r.createdAt,
          by: r.actorId
            ? { type: "user" as const, id: r.actorId, name: r.actorName ?? "a former employee" }
            : { type: "system" as const, id: null, name: SYSTEM.name },
          reason,
          changes,
        },
      ];
    }),
  };
};
