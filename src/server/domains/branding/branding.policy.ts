import { definePolicy, hasRole } from "../../platform/policy";

/** Anyone may see how customer-facing pages look (they are public); only admins change it. */
export const brandingPolicy = definePolicy<"manage", null>({
  manage: hasRole("admin"),
});
