import type { TCase, TCaseAbilities } from "../../../shared/contracts/cases";
import type { AnyActor } from "../../platform/actor";
import { type CaseAccess, casesPolicy } from "./cases.policy";
import type { CaseView } from "./cases.repository";

export const accessOf = (v: CaseView): CaseAccess => ({
  ownerId: v.c.ownerId,
  teamId: v.c.teamId,
  ownerDepartmentId: v.ownerDepartmentId,
  isFollower: v.isFollower,
});

export const abilitiesOf = (actor: AnyActor, v: CaseView): TCaseAbilities => {
  const a = accessOf(v);
  const open = v.c.status !== "closed";
  return {
    update: open && casesPolicy.can(actor, "update", a),
    reply: open && casesPolicy.can(actor, "reply", a),
    note: casesPolicy.can(actor, "note", a),
    assign: open && casesPolicy.can(actor, "assign", a),
    merge: open && casesPolicy.can(actor, "merge", a),
    link: casesPolicy.can(actor, "link", a),
    follow: casesPolicy.can(actor, "follow", a),
  };
};

export const presentCase = (actor: AnyActor, v: CaseView): TCase => ({
  id: v.c.id,
  number: v.c.number,
  subject: v.c.subject,
  status: v.c.status,
  priority: v.c.priority,
  type: v.c.type,
  channel: v.c.channel,
  requester: { id: v.c.requesterId, name: v.requesterName, email: v.requesterEmail },
  organization: v.c.organizationId ? { id: v.c.organizationId, name: v.organizationName ?? "" } : null,
  team: v.c.teamId ? { id: v.c.teamId, name: v.teamName ?? "" } : null,
  owner: v.c.ownerId ? { id: v.c.ownerId, name: v.ownerName ?? "" } : null,
  nextStep: v.c.nextStep,
  nextStepDueAt: v.c.nextStepDueAt,
  tags: v.c.tags,
  customFields: v.c.customFields,
  mergedIntoId: v.c.mergedIntoId,
  version: v.c.version,
  createdAt: v.c.createdAt,
  updatedAt: v.c.updatedAt,
  firstResponseAt: v.c.firstResponseAt,
  solvedAt: v.c.solvedAt,
  closedAt: v.c.closedAt,
  abilities: abilitiesOf(actor, v),
});
