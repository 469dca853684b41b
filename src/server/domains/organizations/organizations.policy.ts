import { definePolicy, hasRole } from "../../platform/policy";

export const organizationsPolicy = definePolicy<"read" | "create" | "update", { accountOwnerId: string | null } | null>(
  {
    read: () => true,
    create: () => true,
    update: (actor, org) => hasRole("admin", "supervisor", "agent")(actor) || org?.accountOwnerId === actor.id,
  },
);
