import { definePolicy, hasRole } from "../../platform/policy";

export const departmentsPolicy = definePolicy<"read" | "manage", null>({
  read: () => true,
  manage: hasRole("admin"),
});
