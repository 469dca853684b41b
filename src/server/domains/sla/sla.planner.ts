import type {
  SlaClockState,
  SlaMetric,
  TSlaBreachRecord,
  TSlaConditions,
  TSlaTargets,
} from "../../../shared/contracts/sla";
import type { CaseChannel, CasePriority, CaseStatus, CaseType } from "../../../shared/domain";
import { addBusinessMinutes, slaDueAt, slaElapsed, type TBusinessCalendar, type TSlaPause } from "./business-time";

/**
 * The pure part of SLA clocks: which policy applies to a case, how a case event moves each clock
 * (start, pause, resume, meet, reopen, cancel) and when a clock is due. No I/O, no "now" other than the
 * instants passed in, so every rule here is unit-tested with explicit times.
 */

export interface CaseFacts {
  status: CaseStatus;
  priority: CasePriority;
  type: CaseType;
  channel: CaseChannel;
  organizationId: string | null;
  teamId: string | null;
  tags: readonly string[];
  createdAt: Date;
  firstResponseAt: Date | null;
  solvedAt: Date | null;
}

export type PauseStatus = "pending" | "on_hold";

export interface PlanningPolicy {
  id: string;
  conditions: TSlaConditions;
  targets: TSlaTargets;
  pauseStatuses: readonly PauseStatus[];
  warningPercent: number | null;
  calendar: TBusinessCalendar;
}

export interface Clock {
  metric: SlaMetric;
  policyId: string | null;
  targetMinutes: number | null;
  startedAt: Date;
  pauses: TSlaPause[];
  state: SlaClockState;
  dueAt: Date | null;
  warnAt: Date | null;
  metAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  /** What the breach escalation did; kept with `breachedAt` whatever the target becomes later. */
  breach: TSlaBreachRecord | null;
}

/** What happened to the case, as far as its clocks are concerned. */
export type ClockChange =
  | { kind: "status"; to: CaseStatus }
  | { kind: "customer_message" }
  | { kind: "agent_response" }
  | { kind: "merged_away" }
  | { kind: "facts" };

export const DEFAULT_PAUSE_STATUSES: readonly PauseStatus[] = ["pending", "on_hold"];

const isPauseStatus = (status: CaseStatus, pauseStatuses: readonly PauseStatus[]): boolean =>
  (pauseStatuses as readonly string[]).includes(status);

const anyOf = <T>(allowed: readonly T[] | undefined, value: T): boolean =>
  allowed === undefined || allowed.includes(value);

const policyMatches = (conditions: TSlaConditions, facts: CaseFacts): boolean =>
  anyOf(conditions.priorities, facts.priority) &&
  anyOf(conditions.types, facts.type) &&
  anyOf(conditions.channels, facts.channel) &&
  (conditions.organizationIds === undefined ||
    (facts.organizationId !== null && conditions.organizationIds.includes(facts.organizationId))) &&
  (conditions.teamIds === undefined || (facts.teamId !== null && conditions.teamIds.includes(facts.teamId))) &&
  (conditions.tags === undefined || conditions.tags.some((tag) => facts.tags.includes(tag)));

/** The first policy, in the given (position) order, whose conditions all match. */
export const selectPolicy = <P extends PlanningPolicy>(ordered: readonly P[], facts: CaseFacts): P | null =>
  ordered.find((p) => policyMatches(p.conditions, facts)) ?? null;

const targetOf = (policy: PlanningPolicy | null, metric: SlaMetric, priority: CasePriority): number | null =>
  policy?.targets[metric]?.[priority] ?? null;

const isLive = (clock: Clock): boolean => clock.state === "running" || clock.state === "paused";

const pause = (clock: Clock, at: Date): Clock =>
  clock.state === "running" ? { ...clock, state: "paused", pauses: [...clock.pauses, { from: at, to: null }] } : clock;

const closeOpenPause = (pauses: TSlaPause[], at: Date): TSlaPause[] =>
  pauses.map((p) => (p.to === null ? { from: p.from, to: new Date(Math.max(at.getTime(), p.from.getTime())) } : p));

const resume = (clock: Clock, at: Date): Clock =>
  clock.state === "paused" ? { ...clock, state: "running", pauses: closeOpenPause(clock.pauses, at) } : clock;

const meet = (clock: Clock, at: Date): Clock =>
  isLive(clock) ? { ...clock, state: "met", metAt: at, pauses: closeOpenPause(clock.pauses, at) } : clock;

const cancel = (clock: Clock, at: Date): Clock =>
  isLive(clock) ? { ...clock, state: "cancelled", pauses: closeOpenPause(clock.pauses, at) } : clock;

/** A met clock running again (a solved case reopened): the time it stood met does not count. */
const reopen = (clock: Clock, at: Date): Clock =>
  clock.state === "met" && clock.metAt
    ? {
        ...clock,
        state: "running",
        metAt: null,
        pauses: [...clock.pauses, { from: clock.metAt, to: new Date(Math.max(at.getTime(), clock.metAt.getTime())) }],
      }
    : clock;

const fresh = (metric: SlaMetric, startedAt: Date): Clock => ({
  metric,
  policyId: null,
  targetMinutes: null,
  startedAt,
  pauses: [],
  state: "running",
  dueAt: null,
  warnAt: null,
  metAt: null,
  warnedAt: null,
  breachedAt: null,
  breach: null,
});

/**
 * The first-response and resolution clocks a case has from its creation, reconstructed from its facts when
 * they are missing (a case opened before SLAs were set up): pauses before `at` are not known then.
 */
export const initialClocks = (facts: CaseFacts, at: Date, pauseStatuses: readonly PauseStatus[]): Clock[] => {
  const startIn = (clock: Clock, since: Date): Clock => {
    if (facts.status === "closed") return { ...clock, state: "cancelled" };
    if (facts.status === "solved" || isPauseStatus(facts.status, pauseStatuses)) return pause(clock, since);
    return clock;
  };
  const first = fresh("first_response", facts.createdAt);
  const firstResponse = facts.firstResponseAt
    ? { ...first, state: "met" as const, metAt: facts.firstResponseAt }
    : startIn(first, facts.solvedAt ?? at);
  const resolution = fresh("resolution", facts.createdAt);
  const solvedAt = facts.solvedAt ?? at;
  const resolved =
    facts.status === "solved" || (facts.status === "closed" && facts.solvedAt)
      ? { ...resolution, state: "met" as const, metAt: solvedAt }
      : startIn(resolution, at);
  return [firstResponse, resolved];
};

/**
 * Moves the clocks for one change of the case at instant `at`. The status the case moved to decides
 * pausing: a policy's pause statuses stop the clocks, any other working status runs them; solving meets
 * the resolution clock (reopening resumes it, the solved time not counted) and stands the response clocks
 * still; closing cancels whatever was not met. A customer's message resumes paused clocks and starts the
 * next-response clock once a first response was given; an agent's reply or call meets both response clocks.
 */
export const advanceClocks = (
  clocks: readonly Clock[],
  change: ClockChange,
  at: Date,
  facts: CaseFacts,
  pauseStatuses: readonly PauseStatus[],
): Clock[] => {
  switch (change.kind) {
    case "status": {
      const to = change.to;
      if (to === "closed") return clocks.map((c) => cancel(c, at));
      if (to === "solved") {
        return clocks.map((c) => (c.metric === "resolution" ? meet(c, at) : pause(c, at)));
      }
      const pausing = isPauseStatus(to, pauseStatuses);
      return clocks.map((c) => {
        const live = c.metric === "resolution" ? reopen(c, at) : c;
        return pausing ? pause(live, at) : resume(live, at);
      });
    }
    case "customer_message": {
      if (facts.status === "closed" || facts.status === "solved") return [...clocks];
      const resumed = clocks.map((c) => resume(c, at));
      const firstResponse = resumed.find((c) => c.metric === "first_response");
      const next = resumed.find((c) => c.metric === "next_response");
      if (firstResponse?.state !== "met" || (next && isLive(next))) return resumed;
      const restarted = fresh("next_response", at);
      return next ? resumed.map((c) => (c === next ? { ...restarted } : c)) : [...resumed, restarted];
    }
    case "agent_response":
      return clocks.map((c) => (c.metric === "resolution" ? c : meet(c, at)));
    case "merged_away":
      return clocks.map((c) => cancel(c, at));
    case "facts":
      return [...clocks];
    default: {
      const unreachable: never = change;
      return unreachable;
    }
  }
};

/** The instants a clock's plan consists of. */
export interface ClockTiming {
  dueAt: Date | null;
  warnAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
}

/** When the clock reaches `minutes`: slaDueAt, short-cut for the common clock that never paused. */
const reachedAt = (calendar: TBusinessCalendar, clock: Clock, minutes: number): Date | null =>
  clock.pauses.length === 0
    ? addBusinessMinutes(calendar, clock.startedAt, minutes)
    : slaDueAt(calendar, clock.startedAt, minutes, clock.pauses);

/**
 * A clock's due and warning instants for its target on `calendar`. Due times count from the clock's start with
 * its pauses, so a changed target or calendar moves them retroactively. A recorded breach stays whatever the new
 * plan (it happened: people were told, actions ran; lowering the priority must not erase it), so a breached
 * clock gets no second breach escalation; a recorded warning stays only while its (new) instant has passed. A
 * met clock is breached when it was met after its due time.
 */
export const clockTiming = (
  clock: Clock,
  calendar: TBusinessCalendar,
  warningPercent: number | null,
  now: Date,
): ClockTiming => {
  const target = clock.targetMinutes;
  if (target === null || clock.state === "cancelled") {
    return { dueAt: null, warnAt: null, warnedAt: clock.warnedAt, breachedAt: clock.breachedAt };
  }
  const dueAt = reachedAt(calendar, clock, target);
  if (clock.state === "met") {
    const late = dueAt !== null && clock.metAt !== null && clock.metAt > dueAt;
    return { dueAt, warnAt: null, warnedAt: clock.warnedAt, breachedAt: clock.breachedAt ?? (late ? dueAt : null) };
  }
  const warnAt = warningPercent === null ? null : reachedAt(calendar, clock, (target * warningPercent) / 100);
  return {
    dueAt,
    warnAt,
    breachedAt: clock.breachedAt,
    warnedAt: warnAt !== null && warnAt <= now ? clock.warnedAt : null,
  };
};

export const timeClock = (
  clock: Clock,
  calendar: TBusinessCalendar,
  warningPercent: number | null,
  now: Date,
): Clock => ({
  ...clock,
  ...clockTiming(clock, calendar, warningPercent, now),
});

/** Applies the policy that matches the case now: its target for the case's priority, timed on its calendar. */
export const planClock = (clock: Clock, policy: PlanningPolicy | null, priority: CasePriority, now: Date): Clock => {
  const target = targetOf(policy, clock.metric, priority);
  const targeted = { ...clock, policyId: policy?.id ?? null, targetMinutes: target };
  if (!policy || target === null) return { ...targeted, dueAt: null, warnAt: null };
  return timeClock(targeted, policy.calendar, policy.warningPercent, now);
};

const sameInstant = (a: Date | null, b: Date | null): boolean => (a?.getTime() ?? null) === (b?.getTime() ?? null);

const samePauses = (a: TSlaPause[], b: TSlaPause[]): boolean =>
  a.length === b.length &&
  a.every((p, i) => sameInstant(p.from, b[i]?.from ?? null) && sameInstant(p.to, b[i]?.to ?? null));

export const sameTiming = (a: ClockTiming, b: ClockTiming): boolean =>
  sameInstant(a.dueAt, b.dueAt) &&
  sameInstant(a.warnAt, b.warnAt) &&
  sameInstant(a.warnedAt, b.warnedAt) &&
  sameInstant(a.breachedAt, b.breachedAt);

export const sameClock = (a: Clock, b: Clock): boolean =>
  a.metric === b.metric &&
  a.policyId === b.policyId &&
  a.targetMinutes === b.targetMinutes &&
  a.state === b.state &&
  sameInstant(a.startedAt, b.startedAt) &&
  sameInstant(a.dueAt, b.dueAt) &&
  sameInstant(a.warnAt, b.warnAt) &&
  sameInstant(a.metAt, b.metAt) &&
  sameInstant(a.warnedAt, b.warnedAt) &&
  sameInstant(a.breachedAt, b.breachedAt) &&
  // The planner keeps a breach record (the same object) or drops it, never makes one.
  a.breach === b.breach &&
  samePauses(a.pauses, b.pauses);

export type TimerKind = "warning" | "breach";

/** The escalation instants still ahead of a clock that its previous plan did not already have. */
export const newTimers = (before: Clock | null, after: Clock): { kind: TimerKind; at: Date }[] => {
  if (!isLive(after) || after.breachedAt) return [];
  const timers: { kind: TimerKind; at: Date }[] = [];
  if (after.dueAt && !sameInstant(before?.dueAt ?? null, after.dueAt)) timers.push({ kind: "breach", at: after.dueAt });
  if (after.warnAt && !after.warnedAt && !sameInstant(before?.warnAt ?? null, after.warnAt)) {
    timers.push({ kind: "warning", at: after.warnAt });
  }
  return timers;
};

/** Business minutes the clock has run by `now`, or until it was met (pauses excluded); null once cancelled. */
export const elapsedMinutes = (clock: Clock, calendar: TBusinessCalendar, now: Date): number | null => {
  if (clock.state === "cancelled") return null;
  const end = clock.state === "met" && clock.metAt ? clock.metAt : now;
  return slaElapsed(calendar, clock.startedAt, end, clock.pauses);
};
