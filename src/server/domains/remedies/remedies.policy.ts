import type { Actor } from "../../platform/actor";
import { definePolicy, hasRole } from "../../platform/policy";

/** Who the actor is to the remedies: the departments they direct decide what they review and see in the ledger. */
export interface RemedyOversight {
  directedDepartmentIds: readonly string[];
}

export interface RemedyUnderReview extends RemedyOversight {
  grantedById: string;
  departmentId: string | null;
}

const seesAllDepartments = hasRole("admin", "supervisor");

const reviews = (actor: Actor, r: RemedyUnderReview): boolean =>
  actor.id !== r.grantedById &&
  (seesAllDepartments(actor) || (r.departmentId !== null && r.directedDepartmentIds.includes(r.departmentId)));

/**
 * Granting has no approval step (the case policy decides who may act on the case). After-the-fact review is for
 * supervisors, admins and the granter's department director, never for one's own remedy.
 */
export const remediesPolicy = definePolicy<"review", RemedyUnderReview>({ review: reviews });

export const remedyOversightPolicy = definePolicy<"readReviews" | "readLedger", RemedyOversight>({
  readReviews: (actor, o) => seesAllDepartments(actor) || o.directedDepartmentIds.length > 0,
  readLedger: (actor, o) => hasRole("admin", "supervisor", "executive")(actor) || o.directedDepartmentIds.length > 0,
});

export const authorityLimitsPolicy = definePolicy<"manage", null>({ manage: hasRole("admin") });

/** Departments whose flagged remedies the actor reviews: null for all (admins, supervisors). */
export const reviewScope = (actor: Actor, o: RemedyOversight): string[] | null =>
  seesAllDepartments(actor) ? null : [...o.directedDepartmentIds];

/** Departments whose remedies the actor sees in the ledger: null for all (admins, supervisors, executives). */
export const ledgerScope = (actor: Actor, o: RemedyOversight): string[] | null =>
  hasRole("admin", "supervisor", "executive")(actor) ? null : [...o.directedDepartmentIds];
