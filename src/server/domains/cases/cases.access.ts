import type { DbOrTx, Tx } from "../../db/connection";
import { type AnyActor, actorId } from "../../platform/actor";
import { AppError, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { isUnrestricted } from "../../platform/policy";
import { caseChangeEvents } from "./cases.events";
import { type CaseAction, casesPolicy } from "./cases.policy";
import { accessOf } from "./cases.presenter";
import * as repo from "./cases.repository";

/** A case as stored, for processors that react to case events (SLA clocks, reports): no authorization. */
export type CaseRecord = repo.CaseRow;

/**
 * Locks a case for a write by `actor`: invisible cases are "not found", visible ones without the
 * right are "forbidden". Other domains (messages, attachments) go through here.
 */
export const lockCaseFor = async (
  tx: Tx,
  actor: AnyActor,
  caseId: string,
  action: CaseAction,
): Promise<repo.CaseRow> => {
  if (isUnrestricted(actor)) {
    const row = await repo.lockById(tx, caseId);
    if (!row) throw notFound("Case");
    return row;
  }
  const view = await repo.lockView(tx, caseId, actorId(actor));
  ensureMay(actor, action, view);
  return view.c;
};

/** The policy check on a case the caller has already locked (nothing to read for the unrestricted system). */
export const authorizeCase = async (tx: Tx, actor: AnyActor, caseId: string, action: CaseAction): Promise<void> => {
  if (isUnrestricted(actor)) return;
  ensureMay(actor, action, await repo.findView(tx, caseId, actorId(actor)));
};

/** Invisible (or missing) is "not found"; visible without the right is "forbidden". */
function ensureMay(
  actor: AnyActor,
  action: CaseAction,
  view: repo.CaseView | undefined,
): asserts view is repo.CaseView {
  if (!view || !casesPolicy.can(actor, "read", accessOf(view))) throw notFound("Case");
  if (!casesPolicy.can(actor, action, accessOf(view))) {
    throw new AppError("FORBIDDEN", `Not allowed to ${action} this case`);
  }
}

export const visibleCaseView = async (tx: DbOrTx, actor: AnyActor, caseId: string): Promise<repo.CaseView> => {
  const view = await repo.findView(tx, caseId, actorId(actor));
  if (!view || !casesPolicy.can(actor, "read", accessOf(view))) throw notFound("Case");
  return view;
};

/** A message was added to the case: first response time, status and activity follow. */
export const recordCaseActivity = async (
  tx: Tx,
  actor: AnyActor,
  row: repo.CaseRow,
  kind: "reply" | "note" | "phone" | "event",
): Promise<void> => {
  const agentResponse = actor.type === "user" && (kind === "reply" || kind === "phone");
  if (agentResponse && row.status === "new") {
    const after = await repo.updateVersioned(tx, row.id, row.version, {
      status: "open",
      firstResponseAt: row.firstResponseAt ?? new Date(),
    });
    if (!after) throw new AppError("VERSION_CONFLICT", "The case changed meanwhile", "version");
    await recordEvents(tx, actor, caseChangeEvents(row, after));
    return;
  }
  await repo.touch(tx, row.id, agentResponse && !row.firstResponseAt ? { firstResponseAt: new Date() } : {});
};
