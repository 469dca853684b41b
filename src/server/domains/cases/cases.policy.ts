import type { Actor } from "../../platform/actor";
import { definePolicy, hasRole } from "../../platform/policy";

/** What the policy needs to know about a case. */
export interface CaseAccess {
  ownerId: string | null;
  teamId: string | null;
  ownerDepartmentId: string | null;
  isFollower: boolean;
}

/** Roles that work the whole queue; everyone else sees the cases that are theirs, their team's or their department's. */
const seesAllCases = hasRole("admin", "supervisor", "agent", "executive");

export const canSee = (actor: Actor, c: CaseAccess): boolean =>
  seesAllCases(actor) ||
  c.ownerId === actor.id ||
  c.isFollower ||
  (c.teamId !== null && actor.teamIds.includes(c.teamId)) ||
  (actor.departmentId !== null && c.ownerDepartmentId === actor.departmentId);

export type CaseAction = "read" | "update" | "reply" | "note" | "assign" | "merge" | "link" | "follow";

export const casesPolicy = definePolicy<CaseAction, CaseAccess>({
  read: canSee,
  update: canSee,
  reply: canSee,
  note: canSee,
  assign: canSee,
  merge: (actor, c) => hasRole("admin", "supervisor", "agent")(actor) && canSee(actor, c),
  link: canSee,
  follow: canSee,
});

export const createCasePolicy = definePolicy<"create", null>({ create: () => true });

/** The set of cases an actor may list: everything, or those reachable through the actor's person, teams and department. */
export type CaseScope =
  | { all: true }
  | { all: false; userId: string; teamIds: readonly string[]; departmentId: string | null };

export const caseScope = (actor: Actor): CaseScope =>
  seesAllCases(actor)
    ? { all: true }
    : { all: false, userId: actor.id, teamIds: actor.teamIds, departmentId: actor.departmentId };
