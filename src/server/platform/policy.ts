import type { UserRole } from "../../shared/domain";
import type { Actor, AnyActor, SystemActor } from "./actor";
import { AppError } from "./errors";

export type Rule<R> = (actor: Actor, resource: R) => boolean;

/** The system itself (intake, processors, jobs) may do anything any policy allows anyone. */
export const isUnrestricted = (actor: AnyActor): actor is SystemActor => actor.type === "system";

/** A domain's policy: a table of action -> rule; anything not in the table is denied. */
export const definePolicy = <A extends string, R>(rules: Record<A, Rule<R>>) => {
  const can = (actor: AnyActor, action: A, resource: R): boolean => {
    if (isUnrestricted(actor)) return true;
    const rule = rules[action];
    return rule ? rule(actor, resource) : false;
  };
  return { can, actions: Object.keys(rules) as A[] };
};

export const hasRole =
  (...roles: UserRole[]) =>
  (actor: Actor): boolean =>
    roles.includes(actor.role);

export const isStaffManager = hasRole("admin", "supervisor");

/** "Not yours" is answered exactly like "not found". */
export const ensureVisible = (visible: boolean, what: string): void => {
  if (!visible) throw new AppError("NOT_FOUND", `${what} not found`);
};

export const ensureAllowed = (allowed: boolean, message: string): void => {
  if (!allowed) throw new AppError("FORBIDDEN", message);
};
