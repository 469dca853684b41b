import { definePolicy, hasRole } from "../../platform/policy";

/** Email channel settings, quarantine and delivery failures are admin business. */
export const emailAdminPolicy = definePolicy<"read" | "manage", null>({
  read: hasRole("admin"),
  manage: hasRole("admin"),
});
