import type { TSlaBreachRecord } from "../../../shared/contracts/sla";
import { changePayload, type DomainEvent } from "../../platform/events";
import type { CalendarRow, PolicyRow } from "./sla.repository";

const auditableCalendar = (c: CalendarRow) => ({
  name: c.name,
  timeZone: c.timeZone,
  weeklyHours: c.weeklyHours,
  holidays: c.holidays,
  alwaysOpen: c.alwaysOpen,
  version: c.version,
});

export const calendarEvent = (
  type: "business_calendar.created" | "business_calendar.updated" | "business_calendar.deleted",
  before: CalendarRow | null,
  after: CalendarRow | null,
): DomainEvent => ({
  type,
  aggregateType: "business_calendar",
  aggregateId: (after ?? before)?.id ?? "",
  payload: changePayload(auditableCalendar, before, after),
});

const auditablePolicy = (p: PolicyRow) => ({
  name: p.name,
  position: p.position,
  active: p.active,
  conditions: p.conditions,
  targets: p.targets,
  calendarId: p.calendarId,
  pauseStatuses: p.pauseStatuses,
  warningPercent: p.warningPercent,
  warningActions: p.warningActions,
  breachActions: p.breachActions,
  version: p.version,
});

export const policyEvent = (
  type: "sla_policy.created" | "sla_policy.updated" | "sla_policy.deleted",
  before: PolicyRow | null,
  after: PolicyRow | null,
): DomainEvent => ({
  type,
  aggregateType: "sla_policy",
  aggregateId: (after ?? before)?.id ?? "",
  payload: changePayload(auditablePolicy, before, after),
});

/**
 * A clock reached its warning or breach instant: the target it had, who was actually notified (with the roles
 * they were notified as), which recipients nobody could be notified as and why, and what the escalation did.
 */
export const clockEscalatedEvent = (
  kind: "warning" | "breach",
  clock: { id: string; caseId: string; metric: string; policyId: string | null; targetMinutes: number | null },
  at: Date,
  outcome: Pick<TSlaBreachRecord, "notified" | "unreached" | "actions">,
): DomainEvent => ({
  type: kind === "breach" ? "sla.breached" : "sla.warned",
  aggregateType: "case",
  aggregateId: clock.caseId,
  caseId: clock.caseId,
  payload: {
    clockId: clock.id,
    metric: clock.metric,
    policyId: clock.policyId,
    at: at.toISOString(),
    targetMinutes: clock.targetMinutes,
    notified: outcome.notified,
    unreached: outcome.unreached,
    actions: outcome.actions,
  },
});
