import { definePolicy, isStaffManager } from "../../platform/policy";

export const teamsPolicy = definePolicy<"read" | "manage", null>({
  read: () => true,
  manage: isStaffManager,
});
