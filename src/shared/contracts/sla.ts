import { z } from "zod";
import { CASE_CHANNELS, CASE_PRIORITIES, CASE_STATUSES, CASE_TYPES } from "../domain";
import { zId, zName, zPageQuery, zTimestamp } from "./common";
import { zTimeZone } from "./people";

export const SLA_METRICS = ["first_response", "next_response", "resolution"] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

export const SLA_CLOCK_STATES = ["running", "paused", "met", "cancelled"] as const;
export type SlaClockState = (typeof SLA_CLOCK_STATES)[number];

/** Statuses a policy may pause its clocks in. */
export const SLA_PAUSE_STATUSES = ["pending", "on_hold"] as const;

export const ESCALATION_RECIPIENTS = ["owner", "team_lead", "director"] as const;
export type EscalationRecipient = (typeof ESCALATION_RECIPIENTS)[number];

/** Business minutes in words: "45 min", "4 h", "1 h 30 min", "2 d" (a day is 24 h of business time). */
export const formatMinutes = (minutes: number): string => {
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", m ? `${m} min` : ""].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : "0 min";
};

const zClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use HH:MM between 00:00 and 23:59");
const zClockTimeOrMidnight = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "Use HH:MM between 00:00 and 24:00");

export const zWeeklyInterval = z.strictObject({
  weekday: z.number().int().min(1, "1 is Monday").max(7, "7 is Sunday"),
  start: zClockTime,
  end: zClockTimeOrMidnight,
});
export type TWeeklyInterval = z.output<typeof zWeeklyInterval>;

export const zHoliday = z.strictObject({
  date: z.iso.date(),
  yearly: z.boolean().default(false),
  name: z.string().trim().min(1).max(200).optional(),
});
export type THoliday = z.output<typeof zHoliday>;

const zAbilities = z.object({ update: z.boolean(), delete: z.boolean() });

export const zBusinessCalendar = z.object({
  id: zId,
  name: z.string(),
  timeZone: z.string(),
  weeklyHours: z.array(zWeeklyInterval),
  holidays: z.array(zHoliday),
  alwaysOpen: z.boolean(),
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  abilities: zAbilities,
});
export type TBusinessCalendarDto = z.output<typeof zBusinessCalendar>;

export const zCreateBusinessCalendarInput = z.strictObject({
  name: zName,
  timeZone: zTimeZone,
  weeklyHours: z.array(zWeeklyInterval).max(100).default([]),
  holidays: z.array(zHoliday).max(1000).default([]),
  alwaysOpen: z.boolean().default(false),
});
export type TCreateBusinessCalendarInput = z.output<typeof zCreateBusinessCalendarInput>;

export const zUpdateBusinessCalendarInput = z.strictObject({
  name: zName.optional(),
  timeZone: zTimeZone.optional(),
  weeklyHours: z.array(zWeeklyInterval).max(100).optional(),
  holidays: z.array(zHoliday).max(1000).optional(),
  alwaysOpen: z.boolean().optional(),
});
export type TUpdateBusinessCalendarInput = z.output<typeof zUpdateBusinessCalendarInput>;

const zTargetMinutes = z.number().int().min(1).max(525_600);

/** Business minutes per case priority; a missing priority has no target for that metric. */
export const zPriorityTargets = z.strictObject({
  low: zTargetMinutes.optional(),
  normal: zTargetMinutes.optional(),
  high: zTargetMinutes.optional(),
  urgent: zTargetMinutes.optional(),
});

export const zSlaTargets = z.strictObject({
  first_response: zPriorityTargets.optional(),
  next_response: zPriorityTargets.optional(),
  resolution: zPriorityTargets.optional(),
});
export type TSlaTargets = z.output<typeof zSlaTargets>;

/** Every listed condition must match; a condition's values are alternatives ("any of"). */
export const zSlaConditions = z.strictObject({
  priorities: z.array(z.enum(CASE_PRIORITIES)).min(1).optional(),
  types: z.array(z.enum(CASE_TYPES)).min(1).optional(),
  channels: z.array(z.enum(CASE_CHANNELS)).min(1).optional(),
  organizationIds: z.array(zId).min(1).max(500).optional(),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(64)).min(1).max(50).optional(),
  teamIds: z.array(zId).min(1).max(500).optional(),
});
export type TSlaConditions = z.output<typeof zSlaConditions>;

export const zEscalationAction = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("notify"), recipients: z.array(z.enum(ESCALATION_RECIPIENTS)).min(1).max(3) }),
  z.strictObject({ type: z.literal("reassign_team"), teamId: zId }),
  z.strictObject({ type: z.literal("raise_priority"), to: z.enum(CASE_PRIORITIES).optional() }),
]);
export type TEscalationAction = z.output<typeof zEscalationAction>;

export const zSlaPolicy = z.object({
  id: zId,
  name: z.string(),
  position: z.number().int(),
  active: z.boolean(),
  conditions: zSlaConditions,
  targets: zSlaTargets,
  calendarId: zId,
  pauseStatuses: z.array(z.enum(SLA_PAUSE_STATUSES)),
  warningPercent: z.number().int().nullable(),
  warningActions: z.array(zEscalationAction),
  breachActions: z.array(zEscalationAction),
  version: z.number().int(),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
  abilities: zAbilities,
});
export type TSlaPolicy = z.output<typeof zSlaPolicy>;

export const zCreateSlaPolicyInput = z.strictObject({
  name: zName,
  position: z.number().int().min(0).max(10_000).default(100),
  active: z.boolean().default(true),
  conditions: zSlaConditions.default({}),
  targets: zSlaTargets,
  calendarId: zId,
  pauseStatuses: z.array(z.enum(SLA_PAUSE_STATUSES)).max(2).default(["pending", "on_hold"]),
  warningPercent: z.number().int().min(1).max(99).nullable().default(80),
  warningActions: z.array(zEscalationAction).max(10).default([]),
  breachActions: z.array(zEscalationAction).max(10).default([]),
});
export type TCreateSlaPolicyInput = z.output<typeof zCreateSlaPolicyInput>;

export const zUpdateSlaPolicyInput = z.strictObject({
  name: zName.optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  active: z.boolean().optional(),
  conditions: zSlaConditions.optional(),
  targets: zSlaTargets.optional(),
  calendarId: zId.optional(),
  pauseStatuses: z.array(z.enum(SLA_PAUSE_STATUSES)).max(2).optional(),
  warningPercent: z.number().int().min(1).max(99).nullable().optional(),
  warningActions: z.array(zEscalationAction).max(10).optional(),
  breachActions: z.array(zEscalationAction).max(10).optional(),
});
export type TUpdateSlaPolicyInput = z.output<typeof zUpdateSlaPolicyInput>;

export const zSlaPauseSpan = z.object({ from: zTimestamp, to: zTimestamp.nullable() });
/** A pause as stored (ISO strings). */
export interface TSlaPauseSpan {
  from: string;
  to: string | null;
}

/** What a clock's breach escalation found and did, as recorded when it ran. */
export interface TSlaBreachRecord {
  /** The policy and target that were breached (names as they were then). */
  policy: { id: string; name: string } | null;
  targetMinutes: number;
  /** Who was notified, each once, with the roles they were notified as. */
  notified: { userId: string; name: string; as: EscalationRecipient[] }[];
  /** Recipients the policy asked for whom nobody could be notified, and why ("the case has no team"). */
  unreached: { as: EscalationRecipient; reason: string }[];
  /** What the escalation did, in words ("notified Ann Lee (owner)", "raised priority to high"). */
  actions: string[];
}

export const zSlaBreach = z.object({
  at: zTimestamp,
  policy: z.object({ id: zId, name: z.string() }).nullable(),
  targetMinutes: z.number().int(),
  notified: z.array(z.object({ id: zId, name: z.string(), as: z.array(z.enum(ESCALATION_RECIPIENTS)) })),
  unreached: z.array(z.object({ as: z.enum(ESCALATION_RECIPIENTS), reason: z.string() })),
  actions: z.array(z.string()),
});

/**
 * One SLA clock of a case, in business minutes of its policy's calendar. `targetMinutes` is the target that
 * applies now: null when none does (the priority or the policy changed after a breach; such a clock is shown
 * only because it breached). `remainingMinutes` is negative once the target has passed and null when the clock
 * no longer runs or has no target; `elapsedMinutes` is null for a cancelled clock and one without a policy.
 * `breach` is the record of the breach escalation, kept whatever happens to the clock's target afterwards.
 */
export const zSlaClock = z.object({
  metric: z.enum(SLA_METRICS),
  state: z.enum(SLA_CLOCK_STATES),
  breached: z.boolean(),
  policyId: zId.nullable(),
  targetMinutes: z.number().int().nullable(),
  startedAt: zTimestamp,
  dueAt: zTimestamp.nullable(),
  warnAt: zTimestamp.nullable(),
  metAt: zTimestamp.nullable(),
  warnedAt: zTimestamp.nullable(),
  breachedAt: zTimestamp.nullable(),
  pauses: z.array(zSlaPauseSpan),
  elapsedMinutes: z.number().nullable(),
  remainingMinutes: z.number().nullable(),
  breach: zSlaBreach.nullable(),
});
export type TSlaClock = z.output<typeof zSlaClock>;

export const zCaseSla = z.object({
  caseId: zId,
  policy: z.object({ id: zId, name: z.string() }).nullable(),
  clocks: z.array(zSlaClock),
});
export type TCaseSla = z.output<typeof zCaseSla>;

export const zSlaClocksQuery = z.strictObject({
  caseIds: z.preprocess(
    (v) => (typeof v === "string" ? v.split(",").filter((s) => s.length > 0) : v),
    z.array(zId).min(1).max(100),
  ),
});

export const zBreachingQuery = z.strictObject({
  withinMinutes: z.coerce.number().int().min(0).max(525_600).optional(),
  metric: z.enum(SLA_METRICS).optional(),
  teamId: z.union([zId, z.literal("mine")]).optional(),
  ownerId: z.union([zId, z.literal("me")]).optional(),
  includeBreached: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
  ...zPageQuery,
});
export type TBreachingQuery = z.output<typeof zBreachingQuery>;

export const zBreachingItem = z.object({
  case: z.object({
    id: zId,
    number: z.number().int(),
    subject: z.string(),
    status: z.enum(CASE_STATUSES),
    priority: z.enum(CASE_PRIORITIES),
    owner: z.object({ id: zId, name: z.string() }).nullable(),
    team: z.object({ id: zId, name: z.string() }).nullable(),
  }),
  clock: zSlaClock,
});
export type TBreachingItem = z.output<typeof zBreachingItem>;
