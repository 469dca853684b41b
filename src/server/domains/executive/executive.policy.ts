import { definePolicy } from "../../platform/policy";

/** What the policy needs to know about an executive case. */
export interface ExecutiveCaseAccess {
  executiveId: string;
  ownerId: string | null;
}

/**
 * The executive delegates and makes the verification call; the owner files the report. The executive's call
 * notes are the executive's own: only they and admins (who can read the audit log anyway) see them.
 */
export const executivePolicy = definePolicy<
  "delegate" | "handOn" | "fileReport" | "verify" | "readVerificationNotes",
  ExecutiveCaseAccess
>({
  delegate: (actor, e) => actor.id === e.executiveId,
  /** After the delegation, the owner changes by the executive or by the owner passing it to a colleague. */
  handOn: (actor, e) => actor.id === e.executiveId || actor.id === e.ownerId,
  fileReport: (actor, e) => actor.id === e.ownerId,
  verify: (actor, e) => actor.id === e.executiveId,
  readVerificationNotes: (actor, e) => actor.id === e.executiveId || actor.role === "admin",
});

/** Writing to an executive is open to every employee (logging a letter or a call on the customer's behalf). */
export const openExecutiveCasePolicy = definePolicy<"open", null>({ open: () => true });

/** The executive line's set-up (customer pages option, hand-overs between executives): admins. */
export const executiveAdminPolicy = definePolicy<"manage", null>({ manage: (actor) => actor.role === "admin" });

/** An executive's queue and dashboard: their own (whatever their role today), or any of them for admins. */
export const executiveQueuePolicy = definePolicy<"read", { executiveId: string }>({
  read: (actor, q) => actor.id === q.executiveId || actor.role === "admin",
});
