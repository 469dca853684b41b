import { definePolicy, hasRole } from "../../platform/policy";

export const auditPolicy = definePolicy<"read", null>({ read: hasRole("admin") });
