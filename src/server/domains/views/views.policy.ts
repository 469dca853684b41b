import { definePolicy, isStaffManager } from "../../platform/policy";

export interface ViewAccess {
  createdById: string | null;
  shared: boolean;
}

/** Personal views belong to their creator; shared views are read by everyone and managed by their creator or a manager. */
export const viewsPolicy = definePolicy<"read" | "create" | "share" | "manage", ViewAccess | null>({
  read: (actor, v) => v === null || v.shared || v.createdById === actor.id,
  create: () => true,
  share: isStaffManager,
  manage: (actor, v) => v !== null && (v.createdById === actor.id || (v.shared && isStaffManager(actor))),
});
