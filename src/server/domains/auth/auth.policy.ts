import { definePolicy } from "../../platform/policy";

export const apiTokensPolicy = definePolicy<"manage", { userId: string }>({
  manage: (actor, token) => actor.id === token.userId,
});
