import type { Actor } from "../../platform/actor";
import { definePolicy, hasRole } from "../../platform/policy";

/** A department as the upstream rules see it. */
export interface DepartmentAccess {
  departmentId: string;
  directorId: string | null;
}

const overseesAll = hasRole("admin", "supervisor", "executive");
const managesAll = hasRole("admin", "supervisor");

/** The category list is admin-managed; everyone picks from it. */
export const rootCauseCategoriesPolicy = definePolicy<"manage", null>({ manage: hasRole("admin") });

/**
 * A department's upstream view (its failures, their cost, its corrective actions and monthly reports) is open to
 * its own people and director, and to those who oversee every department. Corrective actions are set by the
 * department's director or a supervisor.
 */
export const upstreamPolicy = definePolicy<"read" | "manageActions", DepartmentAccess>({
  read: (actor, d) => overseesAll(actor) || actor.departmentId === d.departmentId || actor.id === d.directorId,
  manageActions: (actor, d) => managesAll(actor) || actor.id === d.directorId,
});

/** The corrective action's owner updates its progress too. */
export const correctiveActionPolicy = definePolicy<"update", DepartmentAccess & { ownerId: string }>({
  update: (actor, a) => managesAll(actor) || actor.id === a.directorId || actor.id === a.ownerId,
});

/** The handling-time correction: the case's owner (who knows the time spent off the record) or a supervisor. */
export const costCorrectionPolicy = definePolicy<"correct", { ownerId: string | null }>({
  correct: (actor, c) => managesAll(actor) || actor.id === c.ownerId,
});

/** null: every department; otherwise the departments the actor belongs to or directs. */
export const upstreamScope = (actor: Actor, directed: readonly string[]): string[] | null =>
  overseesAll(actor) ? null : [...new Set([...(actor.departmentId ? [actor.departmentId] : []), ...directed])];
