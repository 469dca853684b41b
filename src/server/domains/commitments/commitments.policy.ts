import type { Actor } from "../../platform/actor";
import { definePolicy, isStaffManager } from "../../platform/policy";

export interface CommitmentAccess {
  ownerId: string;
  caseOwnerId: string | null;
}

/** Who settles a promise: whoever made it, the case's owner, or a supervisor. */
const settles = (actor: Actor, c: CommitmentAccess): boolean =>
  c.ownerId === actor.id || c.caseOwnerId === actor.id || isStaffManager(actor);

export const commitmentsPolicy = definePolicy<"keep" | "cancel", CommitmentAccess>({
  keep: settles,
  cancel: settles,
});
