import { changePayload, type DomainEvent } from "../../platform/events";
import type { UserRow } from "./users.repository";

export const auditableUser = (u: UserRow) => ({
  email: u.email,
  name: u.name,
  role: u.role,
  departmentId: u.departmentId,
  active: u.active,
  timeZone: u.timeZone,
});

export const userEvent = (
  type: "user.created" | "user.updated" | "user.deactivated" | "user.password_changed",
  before: UserRow | null,
  after: UserRow,
  extra: Record<string, unknown> = {},
): DomainEvent => ({
  type,
  aggregateType: "user",
  aggregateId: after.id,
  payload: changePayload(auditableUser, before, after, extra),
});
