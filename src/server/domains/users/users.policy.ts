import type { Actor } from "../../platform/actor";
import { definePolicy, hasRole } from "../../platform/policy";

export interface UserResource {
  id: string;
}

const isAdmin = hasRole("admin");

/** User administration is admins' work; everyone edits their own name and preferences on /me. */
export const usersPolicy = definePolicy<"read" | "create" | "update" | "updateSelf" | "deactivate", UserResource>({
  read: () => true,
  create: (actor) => isAdmin(actor),
  update: (actor) => isAdmin(actor),
  updateSelf: (actor: Actor, user) => actor.id === user.id,
  deactivate: (actor, user) => isAdmin(actor) && actor.id !== user.id,
});
