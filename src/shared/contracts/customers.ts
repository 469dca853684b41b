import { z } from "zod";
import { zEmail, zId, zName, zPageQuery, zTimestamp } from "./common";

const zDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, "A domain such as example.com");

export const zOrganization = z.object({
  id: zId,
  name: z.string(),
  domains: z.array(z.string()),
  accountOwnerId: zId.nullable(),
  notes: z.string(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  version: z.number().int(),
});
export type TOrganization = z.output<typeof zOrganization>;

export const zCreateOrganizationInput = z.strictObject({
  name: zName,
  domains: z.array(zDomain).max(50).default([]),
  accountOwnerId: zId.nullable().optional(),
  notes: z.string().max(10_000).default(""),
});
export type TCreateOrganizationInput = z.output<typeof zCreateOrganizationInput>;

export const zUpdateOrganizationInput = z.strictObject({
  name: zName.optional(),
  domains: z.array(zDomain).max(50).optional(),
  accountOwnerId: zId.nullable().optional(),
  notes: z.string().max(10_000).optional(),
});
export type TUpdateOrganizationInput = z.output<typeof zUpdateOrganizationInput>;

export const zContact = z.object({
  id: zId,
  name: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  organizationId: zId.nullable(),
  /** Sees all of the organization's cases in the customer portal. */
  organizationManager: z.boolean(),
  /** A new address waiting for the customer to confirm it from that mailbox; until then `emails` apply. */
  pendingEmail: z.string().nullable(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  version: z.number().int(),
});
export type TContact = z.output<typeof zContact>;

const zPhone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()./-]{3,40}$/, "A phone number");

export const zCreateContactInput = z.strictObject({
  name: zName,
  emails: z.array(zEmail).max(20).default([]),
  phones: z.array(zPhone).max(20).default([]),
  organizationId: zId.nullable().optional(),
  organizationManager: z.boolean().optional(),
});
export type TCreateContactInput = z.output<typeof zCreateContactInput>;

export const zUpdateContactInput = z.strictObject({
  name: zName.optional(),
  emails: z.array(zEmail).max(20).optional(),
  phones: z.array(zPhone).max(20).optional(),
  organizationId: zId.nullable().optional(),
  organizationManager: z.boolean().optional(),
});
export type TUpdateContactInput = z.output<typeof zUpdateContactInput>;

export const zCustomerListQuery = z.strictObject({
  q: z.string().max(200).optional(),
  organizationId: zId.optional(),
  ...zPageQuery,
});

export const zConfirmContactEmailInput = z.strictObject({ token: z.string().min(1).max(200) });
export const zContactEmailConfirmed = z.object({ email: z.string() });
