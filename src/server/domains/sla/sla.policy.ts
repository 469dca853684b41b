import { definePolicy, hasRole } from "../../platform/policy";

/** Business calendars and SLA policies: every employee reads them; only admins change them. */
export const slaAdminPolicy = definePolicy<"read" | "manage", null>({
  read: () => true,
  manage: hasRole("admin"),
});
