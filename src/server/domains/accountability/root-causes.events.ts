import { changePayload, type DomainEvent } from "../../platform/events";
import type { CategoryRow, CorrectiveActionRow, RootCauseRow } from "./root-causes.repository";

export const rootCauseEvent = (before: RootCauseRow | null, after: RootCauseRow): DomainEvent => {
  const snap = (r: RootCauseRow) => ({
    origin: r.origin,
    departmentId: r.departmentId,
    categoryId: r.categoryId,
    description: r.description,
  });
  return {
    type: "root_cause.recorded",
    aggregateType: "case",
    aggregateId: after.caseId,
    caseId: after.caseId,
    payload: changePayload(snap, before, after),
  };
};

export const categoryEvent = (
  type: "root_cause_category.created" | "root_cause_category.updated",
  before: CategoryRow | null,
  after: CategoryRow,
): DomainEvent => {
  const snap = (c: CategoryRow) => ({
    name: c.name,
    description: c.description,
    active: c.active,
    position: c.position,
  });
  return {
    type,
    aggregateType: "root_cause_category",
    aggregateId: after.id,
    payload: changePayload(snap, before, after),
  };
};

export const correctiveActionEvent = (
  type: "corrective_action.created" | "corrective_action.updated",
  before: CorrectiveActionRow | null,
  after: CorrectiveActionRow,
  caseIds: string[],
): DomainEvent => {
  const snap = (a: CorrectiveActionRow) => ({
    departmentId: a.departmentId,
    categoryId: a.categoryId,
    title: a.title,
    ownerId: a.ownerId,
    dueAt: a.dueAt.toISOString(),
    status: a.status,
  });
  return {
    type,
    aggregateType: "corrective_action",
    aggregateId: after.id,
    payload: changePayload(snap, before, after, { caseIds }),
  };
};
