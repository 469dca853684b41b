import type { Actor } from "../../platform/actor";
import { definePolicy, hasRole, isStaffManager } from "../../platform/policy";

/** The cracks report: managers and executives see everyone's; everyone else sees their own. */
export const cracksPolicy = definePolicy<"readAll", null>({
  readAll: hasRole("admin", "supervisor", "executive"),
});

const ownOrManager = (actor: Actor, leave: { userId: string }): boolean =>
  leave.userId === actor.id || isStaffManager(actor);

/** Leave: who is away is visible to all; marking it, withdrawing it and reading the hand-over is theirs or a manager's. */
export const leavePolicy = definePolicy<"manage" | "handover", { userId: string }>({
  manage: ownOrManager,
  handover: ownOrManager,
});
