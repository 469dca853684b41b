import { definePolicy, hasRole } from "../../platform/policy";

export const customFieldsPolicy = definePolicy<"read" | "manage", null>({
  read: () => true,
  manage: hasRole("admin"),
});
