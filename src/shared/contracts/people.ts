import { z } from "zod";
import { API_TOKEN_SCOPES, DEPARTMENT_KINDS, USER_ROLES } from "../domain";
import { zEmail, zId, zName, zTimestamp } from "./common";

export const zTimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "Unknown IANA time zone");

export const zUser = z.object({
  id: zId,
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  departmentId: zId.nullable(),
  active: z.boolean(),
  timeZone: z.string(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  version: z.number().int(),
});
export type TUser = z.output<typeof zUser>;

export const zCreateUserInput = z.strictObject({
  email: zEmail,
  name: zName,
  role: z.enum(USER_ROLES).default("agent"),
  departmentId: zId.nullable().optional(),
  timeZone: zTimeZone.default("UTC"),
  password: z.string().min(10).max(200).optional(),
});
export type TCreateUserInput = z.output<typeof zCreateUserInput>;

export const zUpdateUserInput = z.strictObject({
  name: zName.optional(),
  role: z.enum(USER_ROLES).optional(),
  departmentId: zId.nullable().optional(),
  timeZone: zTimeZone.optional(),
  password: z.string().min(10).max(200).optional(),
});
export type TUpdateUserInput = z.output<typeof zUpdateUserInput>;

/** What employees change on their own account (roles, departments and passwords set by others are admin work). */
export const zUpdateMeInput = z.strictObject({
  name: zName.optional(),
  timeZone: zTimeZone.optional(),
});
export type TUpdateMeInput = z.output<typeof zUpdateMeInput>;

export const zChangePasswordInput = z.strictObject({
  currentPassword: z.string().min(1, "Enter your current password").max(200),
  newPassword: z.string().min(10, "Use at least 10 characters").max(200),
});
export type TChangePasswordInput = z.output<typeof zChangePasswordInput>;

export const zDeactivateUserInput = z.strictObject({
  reassignToId: zId.optional(),
});

export const zDeactivateResult = z.object({
  user: zUser,
  reassignedCases: z.number().int(),
  /** Teams the employee led: they have no lead until someone is named. */
  teamsWithoutLead: z.array(z.object({ id: zId, name: z.string() })),
});

export const zUserListQuery = z.strictObject({
  q: z.string().max(200).optional(),
  departmentId: zId.optional(),
  active: z.enum(["true", "false"]).optional(),
});

export const zDepartment = z.object({
  id: zId,
  name: z.string(),
  kind: z.enum(DEPARTMENT_KINDS),
  directorId: zId.nullable(),
  hourlyCostMinor: z.number().int(),
  currency: z.string(),
  createdAt: zTimestamp,
  /** Grows on every change; edits send it as If-Match. */
  version: z.number().int(),
});
export type TDepartment = z.output<typeof zDepartment>;

const zCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, "ISO 4217 code, e.g. EUR")
  .default("EUR");

export const zCreateDepartmentInput = z.strictObject({
  name: zName,
  kind: z.enum(DEPARTMENT_KINDS).default("service"),
  directorId: zId.nullable().optional(),
  hourlyCostMinor: z.number().int().min(0).max(100_000_000).default(0),
  currency: zCurrency,
});
export type TCreateDepartmentInput = z.output<typeof zCreateDepartmentInput>;

export const zUpdateDepartmentInput = z.strictObject({
  name: zName.optional(),
  kind: z.enum(DEPARTMENT_KINDS).optional(),
  directorId: zId.nullable().optional(),
  hourlyCostMinor: z.number().int().min(0).max(100_000_000).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});
export type TUpdateDepartmentInput = z.output<typeof zUpdateDepartmentInput>;

export const zTeam = z.object({
  id: zId,
  name: z.string(),
  departmentId: zId.nullable(),
  leadId: zId.nullable(),
  memberIds: z.array(zId),
  createdAt: zTimestamp,
  /** Grows on every change; edits send it as If-Match. */
  version: z.number().int(),
});
export type TTeam = z.output<typeof zTeam>;

export const zCreateTeamInput = z.strictObject({
  name: zName,
  departmentId: zId.nullable().optional(),
  leadId: zId.nullable().optional(),
  memberIds: z.array(zId).max(1000).default([]),
});
export type TCreateTeamInput = z.output<typeof zCreateTeamInput>;

export const zUpdateTeamInput = z.strictObject({
  name: zName.optional(),
  departmentId: zId.nullable().optional(),
  leadId: zId.nullable().optional(),
  memberIds: z.array(zId).max(1000).optional(),
});
export type TUpdateTeamInput = z.output<typeof zUpdateTeamInput>;

export const zApiToken = z.object({
  id: zId,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)),
  expiresAt: zTimestamp.nullable(),
  revokedAt: zTimestamp.nullable(),
  lastUsedAt: zTimestamp.nullable(),
  createdAt: zTimestamp,
});

export const zCreateApiTokenInput = z.strictObject({
  name: zName,
  scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1).default(["read", "write"]),
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(90),
});

export const zCreatedApiToken = z.object({ token: z.string(), apiToken: zApiToken });
