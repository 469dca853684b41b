import { definePolicy, isStaffManager } from "../../platform/policy";

/** What the policy needs to know about a contact: who owns the account of their organization. */
export interface ContactAccess {
  accountOwnerId: string | null;
}

/**
 * Customer service is everyone's job: every employee may look up, add and correct a customer. Where the customer's
 * mail goes and what they may see in the portal (their addresses, organization and organization-manager right)
 * is decided like the account's cases: by the account owner, supervisors and admins.
 */
export const contactsPolicy = definePolicy<"read" | "create" | "update" | "changeAccess", ContactAccess | null>({
  read: () => true,
  create: () => true,
  update: () => true,
  changeAccess: (actor, contact) =>
    isStaffManager(actor) ||
    (contact !== null && contact.accountOwnerId !== null && contact.accountOwnerId === actor.id),
});
