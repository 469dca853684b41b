import { definePolicy, hasRole } from "../../platform/policy";

/** Survey settings: everyone may read them (the case page explains when a survey goes out); admins change them. */
export const surveySettingsPolicy = definePolicy<"read" | "manage", null>({
  read: () => true,
  manage: hasRole("admin"),
});

/** Satisfaction across people, teams and departments is for those who run the service. */
export const surveyReportsPolicy = definePolicy<"read", null>({
  read: hasRole("admin", "supervisor", "executive"),
});
