import { definePolicy } from "../../platform/policy";

/** A notice is its recipient's alone. */
export const notificationsPolicy = definePolicy<"read", { userId: string }>({
  read: (actor, n) => n.userId === actor.id,
});
