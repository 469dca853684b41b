import { definePolicy, hasRole } from "../../platform/policy";

/**
 * Recording a failure and its recovery follows the case policy (whoever may write notes on the case); the report
 * compares customers across the company, so it is for those who run the service.
 */
export const recoveryReportPolicy = definePolicy<"read", null>({
  read: hasRole("admin", "supervisor", "executive"),
});
