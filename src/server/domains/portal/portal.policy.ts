import type { CustomerActor } from "../../platform/actor";

export type PortalAction = "read" | "reply" | "solve" | "reopen";

/** What the portal policy needs to know about a case. */
export interface PortalCaseAccess {
  requesterId: string;
  organizationId: string | null;
  status: "new" | "open" | "pending" | "on_hold" | "solved" | "closed";
  solvedAt: Date | null;
}

/** A customer sees their own cases, and an organization manager those of their organization too. */
export const canSee = (customer: CustomerActor, c: PortalCaseAccess): boolean =>
  c.requesterId === customer.contactId ||
  (customer.organizationManager && customer.organizationId !== null && c.organizationId === customer.organizationId);

/** The customer may list their organization's cases (scope=organization). */
export const canListOrganization = (customer: CustomerActor): boolean =>
  customer.organizationManager && customer.organizationId !== null;

/** Until when a solved case may be reopened from the portal. */
export const reopenUntil = (c: PortalCaseAccess, reopenDays: number): Date | null =>
  c.status === "solved" && c.solvedAt && reopenDays > 0
    ? new Date(c.solvedAt.getTime() + reopenDays * 86_400_000)
    : null;

const rules: Record<
  PortalAction,
  (customer: CustomerActor, c: PortalCaseAccess, now: Date, reopenDays: number) => boolean
> = {
  read: (customer, c) => canSee(customer, c),
  reply: (customer, c) => canSee(customer, c) && c.status !== "closed",
  solve: (customer, c) => canSee(customer, c) && ["new", "open", "pending", "on_hold"].includes(c.status),
  reopen: (customer, c, now, reopenDays) => {
    const until = reopenUntil(c, reopenDays);
    return canSee(customer, c) && until !== null && now < until;
  },
};

/** Default deny: an action not in the table is refused. */
export const portalCan = (
  customer: CustomerActor,
  action: PortalAction,
  c: PortalCaseAccess,
  now: Date,
  reopenDays: number,
): boolean => rules[action]?.(customer, c, now, reopenDays) ?? false;
