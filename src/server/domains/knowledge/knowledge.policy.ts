import { definePolicy, hasRole } from "../../platform/policy";

/**
 * The help center: every employee reads the workspace side (drafts included); agents, supervisors and admins write
 * and publish articles; supervisors and admins arrange the categories; its use is reported to those who run the
 * service. Customers reach only published articles, through the public pages.
 */
export const knowledgePolicy = definePolicy<"read" | "write" | "publish" | "manageCategories" | "readStats", null>({
  read: () => true,
  write: hasRole("admin", "supervisor", "agent"),
  publish: hasRole("admin", "supervisor", "agent"),
  manageCategories: hasRole("admin", "supervisor"),
  readStats: hasRole("admin", "supervisor", "executive"),
});
