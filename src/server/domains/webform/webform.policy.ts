import { definePolicy, hasRole } from "../../platform/policy";

/** Anyone may submit the web form (it is public); only admins decide where its cases go and what it asks. */
export const webformPolicy = definePolicy<"manage", null>({
  manage: hasRole("admin"),
});
