import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  type EscalationRecipient,
  formatMinutes,
  type SlaMetric,
  type TBreachingItem,
  type TBreachingQuery,
  type TCaseSla,
  type TEscalationAction,
  type TSlaBreachRecord,
  type TSlaClock,
} from "../../../shared/contracts/sla";
import { CASE_PRIORITIES, CASE_STATUSES, type CasePriority, type CaseStatus } from "../../../shared/domain";
import type { DbOrTx, Tx } from "../../db/connection";
import { type Actor, type AnyActor, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError } from "../../platform/errors";
import { recordEvents, type StoredEvent } from "../../platform/events";
import type { KeyedJob } from "../../platform/jobs";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "../../platform/pagination";
import { visibleCaseView } from "../cases/cases.access";
import { type CaseRecord, canSeeCase, findCaseRecords, updateCaseInTransaction } from "../cases/cases.service";
import { addEventMessage } from "../messages/messages.service";
import { notify } from "../notifications/notifications.service";
import { teamLeadOf } from "../teams/teams.service";
import { type TBusinessCalendar, ZBusinessCalendar } from "./business-time";
import { clockEscalatedEvent } from "./sla.events";
import {
  advanceClocks,
  type Clock,
  type ClockChange,
  clockTiming,
  DEFAULT_PAUSE_STATUSES,
  elapsedMinutes,
  initialClocks,
  newTimers,
  type PlanningPolicy,
  planClock,
  sameClock,
  sameTiming,
  selectPolicy,
  type TimerKind,
} from "./sla.planner";
import * as repo from "./sla.repository";

/** Fires a clock's warning or breach escalation; scheduled at that instant, it re-checks the clock first. */
export const CLOCK_TIMER_JOB = {
  name: "sla.clock-timer",
  payload: z.object({ clockId: z.uuid(), kind: z.enum(["warning", "breach"]), at: z.iso.datetime() }),
};

/** Re-plans clocks after a calendar change (the clocks on it) or a policy change (the cases it may concern). */
export const REPLAN_JOB = {
  name: "sla.replan",
  payload: z.union([z.strictObject({ calendarId: z.uuid() }), z.strictObject({ policyId: z.uuid() })]),
};

export type ReplanRequest = z.output<(typeof REPLAN_JOB)["payload"]>;

type TimerJob = KeyedJob<(typeof CLOCK_TIMER_JOB)["payload"]>;

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
};

const METRIC_LABEL: Record<SlaMetric, string> = {
  first_response: "First response",
  next_response: "Next response",
  resolution: "Resolution",
};

/* Calendars: one compiled object per calendar version, so business-time's per-object cache stays warm. */

const compiled = new Map<string, { version: number; calendar: TBusinessCalendar }>();

export const calendarOf = (row: repo.CalendarRow): TBusinessCalendar => {
  const cached = compiled.get(row.id);
  if (cached && cached.version === row.version) return cached.calendar;
  const calendar = ZBusinessCalendar.parse({
    timeZone: row.timeZone,
    weeklyHours: row.weeklyHours,
    holidays: row.holidays,
    alwaysOpen: row.alwaysOpen,
  });
  if (!cached || cached.version < row.version) compiled.set(row.id, { version: row.version, calendar });
  return calendar;
};

const calendarsAt = async (
  db: DbOrTx,
  wanted: { id: string; version: number }[],
): Promise<Map<string, TBusinessCalendar>> => {
  const stale = [...new Set(wanted.filter((w) => compiled.get(w.id)?.version !== w.version).map((w) => w.id))];
  for (const row of await repo.findCalendarsByIds(db, stale)) calendarOf(row);
  const out = new Map<string, TBusinessCalendar>();
  for (const w of wanted) {
    const calendar = compiled.get(w.id)?.calendar;
    if (calendar) out.set(w.id, calendar);
  }
  return out;
};

interface LoadedPolicy extends PlanningPolicy {
  name: string;
  calendarId: string;
  warningActions: TEscalationAction[];
  breachActions: TEscalationAction[];
}

const loadPolicies = async (db: DbOrTx, activeOnly: boolean): Promise<LoadedPolicy[]> => {
  const rows = await repo.policiesWithCalendarVersion(db, activeOnly);
  const calendars = await calendarsAt(
    db,
    rows.map((r) => ({ id: r.calendarId, version: r.calendarVersion })),
  );
  return rows.flatMap((r) => {
    const calendar = calendars.get(r.calendarId);
    return calendar
      ? [
          {
            id: r.id,
            name: r.name,
            calendarId: r.calendarId,
            conditions: r.conditions,
            targets: r.targets,
            pauseStatuses: r.pauseStatuses,
            warningPercent: r.warningPercent,
            warningActions: r.warningActions,
            breachActions: r.breachActions,
            calendar,
          },
        ]
      : [];
  });
};

/* Planning */

const timerJob = (clockId: string, kind: TimerKind, at: Date): TimerJob => {
  const iso = at.toISOString();
  return { payload: { clockId, kind, at: iso }, key: `${clockId}:${kind}:${iso}`, startAfter: at };
};

/**
 * How far ahead a timer is enqueued when a clock is planned. Instants further out are enqueued by the
 * 10-minute sweep as they come within it: the queue holds the next hours' timers, not a job per clock for
 * weeks ahead that every re-plan would leave behind stale.
 */
const TIMER_HORIZON_MS = 2 * 3_600_000;

/** The timers for instants the new plan has and the old one did not, that fall within the horizon. */
const timersFor = (clockId: string, before: Clock | null, after: Clock, now: Date): TimerJob[] =>
  newTimers(before, after)
    .filter((t) => t.at.getTime() <= now.getTime() + TIMER_HORIZON_MS)
    .map((t) => timerJob(clockId, t.kind, t.at));

/**
 * The clock writes of a re-plan: new clocks wait and are inserted together by `flush` (their ids made here), and
 * a later change to one of them changes what will be inserted; changes to stored clocks are written at once.
 */
class ClockWrites {
  private readonly fresh = new Map<string, { caseId: string; clock: Clock }>();

  constructor(private readonly tx: Tx) {}

  insert(caseId: string, clock: Clock): string {
    const id = randomUUID();
    this.fresh.set(id, { caseId, clock });
    return id;
  }

  async update(id: string, clock: Clock): Promise<void> {
    const waiting = this.fresh.get(id);
    if (waiting) waiting.clock = clock;
    else await repo.updateClock(this.tx, id, clock);
  }

  async flush(): Promise<void> {
    await repo.insertClocks(
      this.tx,
      [...this.fresh].map(([id, f]) => ({ id, ...f })),
    );
    this.fresh.clear();
  }
}

/**
 * Moves and re-plans the clocks of one case: adds the clocks it is missing, applies `change` at instant `at`,
 * applies the policy matching the case now, writes what changed and returns the timers to schedule.
 */
const replanCase = async (
  writes: ClockWrites,
  facts: CaseRecord,
  stored: repo.StoredClock[],
  change: ClockChange,
  at: Date,
  now: Date,
  policies: LoadedPolicy[],
): Promise<{ timers: TimerJob[]; clocks: repo.StoredClock[] }> => {
  const policy = selectPolicy(policies, facts);
  const pauseStatuses = policy?.pauseStatuses ?? DEFAULT_PAUSE_STATUSES;
  const byMetric = new Map(stored.map((c) => [c.metric, c]));
  const missing = initialClocks(facts, at, pauseStatuses).filter((c) => !byMetric.has(c.metric));
  const advanced = advanceClocks([...stored, ...missing], change, at, facts, pauseStatuses);
  const timers: TimerJob[] = [];
  const after = new Map(byMetric);
  for (const clock of advanced) {
    const planned = planClock(clock, policy, facts.priority, now);
    const before = byMetric.get(planned.metric);
    let id: string;
    if (before) {
      if (!sameClock(before, planned)) await writes.update(before.id, planned);
      id = before.id;
    } else {
      id = writes.insert(facts.id, planned);
    }
    after.set(planned.metric, { ...planned, id, caseId: facts.id });
    timers.push(...timersFor(id, before ?? null, planned, now));
  }
  return { timers, clocks: [...after.values()] };
};

const agentResponseKinds = new Set(["reply", "phone"]);

/** Case fields policy conditions and targets depend on. */
const POLICY_FACTS = new Set(["priority", "type", "channel", "organizationId", "teamId", "tags"]);

/** How a recorded event moves a case's clocks; null when it does not. */
const clockChangeOf = (event: StoredEvent): ClockChange | null => {
  const p = event.payload;
  switch (event.type) {
    case "case.created":
      return { kind: "facts" };
    case "case.updated": {
      const changed = Object.keys((p.after as Record<string, unknown> | undefined) ?? {});
      return changed.some((key) => POLICY_FACTS.has(key)) ? { kind: "facts" } : null;
    }
    case "case.status_changed":
      return typeof p.to === "string" && (CASE_STATUSES as readonly string[]).includes(p.to)
        ? { kind: "status", to: p.to as CaseStatus }
        : null;
    case "case.merged":
      return typeof p.targetCaseId === "string" ? { kind: "merged_away" } : null;
    case "message.added":
      if (typeof p.authorContactId === "string") return { kind: "customer_message" };
      if (typeof p.authorUserId === "string" && agentResponseKinds.has(String(p.kind)))
        return { kind: "agent_response" };
      return null;
    default:
      return null;
  }
};

/**
 * The SLA processor's work for events, in their order, inside the dispatcher's transaction; timers commit
 * with it. The cases, their clocks and the policies are read once, and each event is planned on the clocks
 * the events before it left, exactly as one event after the other would be.
 */
export const applyCaseEvents = async (ctx: ServiceContext, tx: Tx, events: readonly StoredEvent[]): Promise<void> => {
  const changes = events.flatMap((event) => {
    const change = clockChangeOf(event);
    return change && event.caseId ? [{ event, change, caseId: event.caseId }] : [];
  });
  if (changes.length === 0) return;
  const caseIds = [...new Set(changes.map((c) => c.caseId))];
  const facts = new Map((await findCaseRecords(tx, caseIds)).map((f) => [f.id, f]));
  const clocks = groupBy(await repo.lockClocksOfCases(tx, caseIds), (c) => c.caseId);
  const policies = await loadPolicies(tx, true);
  const writes = new ClockWrites(tx);
  const timers: TimerJob[] = [];
  for (const { event, change, caseId } of changes) {
    const caseFacts = facts.get(caseId);
    if (!caseFacts) continue;
    const planned = await replanCase(
      writes,
      caseFacts,
      clocks.get(caseId) ?? [],
      change,
      event.createdAt,
      new Date(),
      policies,
    );
    timers.push(...planned.timers);
    clocks.set(caseId, planned.clocks);
  }
  await writes.flush();
  await ctx.jobs.enqueue(tx, CLOCK_TIMER_JOB, timers);
};

const CASE_BATCH = 500;

/**
 * Re-evaluates the open cases a created, changed or deactivated policy may concern: those whose clocks it set
 * and those matching its (new) conditions. Every other case keeps its policy, as policies are chosen in order.
 */
const replanPolicy = async (ctx: ServiceContext, policyId: string, now = new Date()): Promise<number> => {
  const policy = await repo.findPolicy(ctx.db, policyId);
  const conditions = policy?.active ? policy.conditions : null;
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const ids = await repo.openCaseIdsForPolicy(ctx.db, policyId, conditions, after, CASE_BATCH);
    if (ids.length === 0) return total;
    await inTransaction(ctx, async (tx) => {
      const policies = await loadPolicies(tx, true);
      const stored = groupBy(await repo.lockClocksOfCases(tx, ids), (c) => c.caseId);
      const timers: TimerJob[] = [];
      const writes = new ClockWrites(tx);
      for (const facts of await findCaseRecords(tx, ids)) {
        if (facts.status === "closed") continue;
        timers.push(
          ...(await replanCase(writes, facts, stored.get(facts.id) ?? [], { kind: "facts" }, now, now, policies))
            .timers,
        );
      }
      await writes.flush();
      await ctx.jobs.enqueue(tx, CLOCK_TIMER_JOB, timers);
    });
    total += ids.length;
    after = ids.at(-1) ?? null;
  }
};

export interface ReplanStats {
  clocks: number;
  changed: number;
  timers: number;
  readMs: number;
  computeMs: number;
  writeMs: number;
}

interface Retimed {
  plan: repo.PlanWrite;
  timers: TimerJob[];
}

/** The new instants of each clock whose plan changes on `calendar` (allocating nothing for the others). */
const retime = (
  clocks: readonly (repo.StoredClock & { xmin?: string })[],
  calendar: TBusinessCalendar,
  warningPercent: Map<string, number | null>,
  now: Date,
): Retimed[] => {
  const out: Retimed[] = [];
  for (const clock of clocks) {
    const timing = clockTiming(clock, calendar, warningPercent.get(clock.policyId ?? "") ?? null, now);
    if (sameTiming(clock, timing)) continue;
    out.push({
      plan: { id: clock.id, ...(clock.xmin ? { xmin: clock.xmin } : {}), ...timing },
      timers: timersFor(clock.id, clock, { ...clock, ...timing }, now),
    });
  }
  return out;
};

/**
 * Re-times the running and paused clocks whose policy uses this calendar, after the calendar changed: a batch
 * of clocks per transaction, read without locks, computed, written with one statement that skips rows changed
 * meanwhile (checked by row version), and those few re-done under a row lock; timers are enqueued with them.
 */
export const replanCalendar = async (
  ctx: ServiceContext,
  calendarId: string,
  now = new Date(),
  batchSize = 10_000,
): Promise<ReplanStats> => {
  const stats: ReplanStats = { clocks: 0, changed: 0, timers: 0, readMs: 0, computeMs: 0, writeMs: 0 };
  const row = await repo.findCalendar(ctx.db, calendarId);
  if (!row) return stats;
  const calendar = calendarOf(row);
  const warning = new Map(
    (await repo.listPolicies(ctx.db)).filter((p) => p.calendarId === calendarId).map((p) => [p.id, p.warningPercent]),
  );
  let after: string | null = null;
  for (;;) {
    const last: string | null = await inTransaction(ctx, async (tx) => {
      const began = performance.now();
      const clocks = await repo.liveClocksOfPolicies(tx, [...warning.keys()], after, batchSize);
      const read = performance.now();
      const retimed = retime(clocks, calendar, warning, now);
      const computed = performance.now();
      const written = await repo.updatePlans(
        tx,
        retimed.map((r) => r.plan),
      );
      const raced = retimed.filter((r) => !written.has(r.plan.id)).map((r) => r.plan.id);
      const redone = retime(await repo.lockClocksByIds(tx, raced), calendar, warning, now);
      await repo.updatePlans(
        tx,
        redone.map((r) => r.plan),
      );
      const timers = [...retimed.filter((r) => written.has(r.plan.id)), ...redone].flatMap((r) => r.timers);
      await ctx.jobs.enqueue(tx, CLOCK_TIMER_JOB, timers);
      stats.clocks += clocks.length;
      stats.changed += written.size + redone.length;
      stats.timers += timers.length;
      stats.readMs += read - began;
      stats.computeMs += computed - read;
      stats.writeMs += performance.now() - computed;
      return clocks.length === batchSize ? (clocks.at(-1)?.id ?? null) : null;
    });
    if (!last) return stats;
    after = last;
  }
};

export const runReplan = async (ctx: ServiceContext, request: ReplanRequest): Promise<void> => {
  if ("calendarId" in request) await replanCalendar(ctx, request.calendarId);
  else await replanPolicy(ctx, request.policyId);
};

/* Escalations */

const RANK: Record<CasePriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

const raisedPriority = (current: CasePriority, to: CasePriority | undefined): CasePriority | null => {
  const next = to ?? CASE_PRIORITIES[Math.min(RANK[current] + 1, CASE_PRIORITIES.length - 1)];
  return next && RANK[next] > RANK[current] ? next : null;
};

const caseRecord = async (tx: Tx, caseId: string): Promise<CaseRecord> => {
  const [row] = await findCaseRecords(tx, [caseId]);
  if (!row) throw new AppError("NOT_FOUND", "Case not found");
  return row;
};

/**
 * Runs one action in a savepoint: a change the case refuses (a rule of the cases domain) is reported in the
 * thread instead of failing the escalation; a version conflict fails it, so the job is retried.
 */
const attempt = async (tx: Tx, what: string, fn: (sp: Tx) => Promise<string | null>): Promise<string | null> => {
  try {
    return await tx.transaction(fn);
  } catch (err) {
    if (err instanceof AppError && err.code !== "VERSION_CONFLICT") return `could not ${what}: ${err.message}`;
    throw err;
  }
};

const RECIPIENT_LABEL: Record<EscalationRecipient, string> = {
  owner: "owner",
  team_lead: "team lead",
  director: "director",
};

/** What an escalation found and did so far: who was notified (each once), whom it could not reach, its actions. */
type EscalationOutcome = Omit<TSlaBreachRecord, "policy" | "targetMinutes">;

/** The person to notify as `role`, or why there is nobody. */
const recipientFor = (
  contacts: repo.EscalationContacts | undefined,
  role: EscalationRecipient,
): { person: repo.EscalationPerson } | { reason: string } => {
  const active = (p: repo.EscalationPerson, what: string) =>
    p.active ? { person: p } : { reason: `the ${what} ${p.name} is deactivated` };
  switch (role) {
    case "owner":
      return contacts?.owner ? active(contacts.owner, "owner") : { reason: "the case has no owner" };
    case "team_lead":
      if (!contacts?.team) return { reason: "the case has no team" };
      return contacts.teamLead
        ? active(contacts.teamLead, "team lead")
        : { reason: `team ${contacts.team.name} has no lead` };
    case "director":
      return contacts?.director ? active(contacts.director, "director") : { reason: "no department director" };
    default: {
      const unreachable: never = role;
      return unreachable;
    }
  }
};

/** Why an SLA action changed a case, for its history: "First response SLA breached". */
const actionReason = (clock: repo.StoredClock, kind: TimerKind): string =>
  `${METRIC_LABEL[clock.metric]} ${kind === "breach" ? "SLA breached" : "SLA about to breach"}`;

const runAction = async (
  ctx: ServiceContext,
  tx: Tx,
  clock: repo.StoredClock,
  kind: TimerKind,
  at: Date,
  action: TEscalationAction,
  outcome: EscalationOutcome,
): Promise<string | null> => {
  switch (action.type) {
    case "notify": {
      const contacts = await repo.escalationContacts(tx, clock.caseId);
      const c = await caseRecord(tx, clock.caseId);
      const reached = new Map<string, { userId: string; name: string; as: EscalationRecipient[] }>();
      for (const role of action.recipients) {
        const found = recipientFor(contacts, role);
        if ("reason" in found) {
          if (!outcome.unreached.some((u) => u.as === role)) outcome.unreached.push({ as: role, reason: found.reason });
          continue;
        }
        const entry = reached.get(found.person.id) ?? { userId: found.person.id, name: found.person.name, as: [] };
        if (!entry.as.includes(role)) entry.as.push(role);
        reached.set(found.person.id, entry);
      }
      if (reached.size === 0) return null;
      const label = `${METRIC_LABEL[clock.metric]} ${kind === "breach" ? "SLA breached" : "SLA about to breach"}`;
      await notify(
        tx,
        [...reached.keys()].map((userId) => ({
          userId,
          kind: kind === "breach" ? "sla_breach" : "sla_warning",
          caseId: clock.caseId,
          title: `${label} on case #${c.number}`,
          body: `"${c.subject}" — ${kind === "breach" ? "was due" : "is due"} ${(clock.dueAt ?? at).toISOString()}.`,
          dedupeKey: `sla:${clock.id}:${kind}:${at.toISOString()}:${userId}`,
        })),
      );
      for (const person of reached.values()) {
        const known = outcome.notified.find((n) => n.userId === person.userId);
        if (known) known.as.push(...person.as.filter((role) => !known.as.includes(role)));
        else outcome.notified.push({ ...person, as: [...person.as] });
      }
      return whomNotified([...reached.values()]);
    }
    case "reassign_team":
      return await attempt(tx, "reassign the case", async (sp) => {
        const c = await caseRecord(sp, clock.caseId);
        if (c.teamId === action.teamId) return null;
        const lead = await teamLeadOf(sp, action.teamId);
        await updateCaseInTransaction(
          ctx,
          sp,
          SYSTEM,
          c.id,
          c.version,
          { teamId: action.teamId, ...(lead && lead !== c.ownerId ? { ownerId: lead } : {}) },
          actionReason(clock, kind),
        );
        return "reassigned to another team";
      });
    case "raise_priority":
      return await attempt(tx, "raise the priority", async (sp) => {
        const c = await caseRecord(sp, clock.caseId);
        const priority = raisedPriority(c.priority, action.to);
        if (!priority) return null;
        await updateCaseInTransaction(ctx, sp, SYSTEM, c.id, c.version, { priority }, actionReason(clock, kind));
        return `raised priority to ${priority}`;
      });
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
};

const whomNotified = (people: EscalationOutcome["notified"]): string =>
  `notified ${people.map((p) => `${p.name} (${p.as.map((r) => RECIPIENT_LABEL[r]).join(", ")})`).join(", ")}`;

/**
 * The thread's line for an escalation: `First response SLA breached (target 1 h under "Standard"): notified Ann
 * Lee (owner); team lead not notified: the case has no team; raised priority to high.`
 */
const escalationLine = (
  kind: TimerKind,
  clock: repo.StoredClock,
  policyName: string | null,
  outcome: EscalationOutcome,
  changes: string[],
): string => {
  const target = clock.targetMinutes === null ? "" : `target ${formatMinutes(clock.targetMinutes)}`;
  const under = policyName === null ? "" : `under "${policyName}"`;
  const what = [target, under].filter(Boolean).join(" ");
  const parts = [
    ...(outcome.notified.length > 0 ? [whomNotified(outcome.notified)] : []),
    ...outcome.unreached.map((u) => `${RECIPIENT_LABEL[u.as]} not notified: ${u.reason}`),
    ...changes,
  ];
  const head = `${METRIC_LABEL[clock.metric]} SLA ${kind === "breach" ? "breached" : "about to breach"}${what ? ` (${what})` : ""}`;
  return parts.length > 0 ? `${head}: ${parts.join("; ")}.` : `${head}.`;
};

/**
 * The warning or breach timer of a clock. It acts only if the clock still runs, its instant is still `at` and
 * has passed, and that escalation has not run yet — so a stale or repeated job does nothing, and the clock
 * row lock plus the mark written in the same transaction make it run once across processes. The breach record
 * (who was actually notified, whom nobody could be, what was done) goes on the clock, in the event and, as a
 * line, in the case's thread; a warning gets a line when its policy asked for something.
 */
export const fireClockTimer = async (
  ctx: ServiceContext,
  timer: { clockId: string; kind: TimerKind; at: string },
  now = new Date(),
): Promise<boolean> =>
  await inTransaction(ctx, async (tx) => {
    const clock = await repo.lockClock(tx, timer.clockId);
    if (!clock || (clock.state !== "running" && clock.state !== "paused")) return false;
    const at = timer.kind === "breach" ? clock.dueAt : clock.warnAt;
    if (!at || at.toISOString() !== new Date(timer.at).toISOString() || at > now) return false;
    if (clock.breachedAt || (timer.kind === "warning" && clock.warnedAt)) return false;
    await repo.markClock(tx, clock.id, timer.kind === "breach" ? { breachedAt: at } : { warnedAt: at });
    const policy = clock.policyId ? await repo.findPolicy(tx, clock.policyId) : undefined;
    const actions = (timer.kind === "breach" ? policy?.breachActions : policy?.warningActions) ?? [];
    const outcome: EscalationOutcome = { notified: [], unreached: [], actions: [] };
    const changes: string[] = [];
    for (const action of actions) {
      const done = await runAction(ctx, tx, clock, timer.kind, at, action, outcome);
      if (done) outcome.actions.push(done);
      if (done && action.type !== "notify") changes.push(done);
    }
    if (timer.kind === "breach" && clock.targetMinutes !== null) {
      await repo.markClock(tx, clock.id, {
        breach: {
          policy: policy ? { id: policy.id, name: policy.name } : null,
          targetMinutes: clock.targetMinutes,
          ...outcome,
        },
      });
    }
    await recordEvents(tx, SYSTEM, [clockEscalatedEvent(timer.kind, clock, at, outcome)]);
    if (timer.kind === "breach" || actions.length > 0) {
      await addEventMessage(
        tx,
        clock.caseId,
        escalationLine(timer.kind, clock, policy?.name ?? null, outcome, changes),
      );
    }
    return true;
  });

const SWEEP_LIMIT = 200;

/**
 * Fires escalations whose instant passed without their timer having run (a process that enqueues no jobs,
 * downtime). Reads only live clocks past due through partial indexes; not a scan of every case.
 */
export const catchUpTimers = async (ctx: ServiceContext, now = new Date()): Promise<number> => {
  let fired = 0;
  for (const t of await repo.overdueTimers(ctx.db, now, SWEEP_LIMIT)) {
    if (await fireClockTimer(ctx, { clockId: t.id, kind: t.kind, at: t.at.toISOString() }, now)) fired++;
  }
  return fired;
};

const ENQUEUE_BATCH = 5000;

/** Enqueues the timers of instants coming within the horizon (already enqueued ones are kept, by key). */
export const enqueueUpcomingTimers = async (ctx: ServiceContext, now = new Date()): Promise<number> => {
  const upcoming = await repo.upcomingTimers(ctx.db, now, new Date(now.getTime() + TIMER_HORIZON_MS));
  for (let i = 0; i < upcoming.length; i += ENQUEUE_BATCH) {
    const batch = upcoming.slice(i, i + ENQUEUE_BATCH).map((t) => timerJob(t.id, t.kind, t.at));
    await ctx.jobs.enqueue(ctx.db, CLOCK_TIMER_JOB, batch);
  }
  return upcoming.length;
};

/* Reading clocks */

const round = (n: number): number => Math.round(n * 100) / 100;

const presentBreach = (clock: repo.StoredClock): TSlaClock["breach"] =>
  clock.breachedAt && clock.breach
    ? {
        at: clock.breachedAt,
        policy: clock.breach.policy,
        targetMinutes: clock.breach.targetMinutes,
        notified: clock.breach.notified.map((n) => ({ id: n.userId, name: n.name, as: n.as })),
        unreached: clock.breach.unreached,
        actions: clock.breach.actions,
      }
    : null;

/** A clock as the API shows it; without its policy's calendar (no policy applies now) nothing is counted. */
const presentClock = (clock: repo.StoredClock, calendar: TBusinessCalendar | null, now: Date): TSlaClock => {
  const target = clock.targetMinutes;
  const elapsed = calendar ? elapsedMinutes(clock, calendar, now) : null;
  const live = clock.state === "running" || clock.state === "paused";
  return {
    metric: clock.metric,
    state: clock.state,
    breached: clock.breachedAt !== null || (live && clock.dueAt !== null && clock.dueAt <= now),
    policyId: clock.policyId,
    targetMinutes: target,
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    warnAt: clock.warnAt,
    metAt: clock.metAt,
    warnedAt: clock.warnedAt,
    breachedAt: clock.breachedAt,
    pauses: clock.pauses,
    elapsedMinutes: elapsed === null ? null : round(elapsed),
    remainingMinutes: live && elapsed !== null && target !== null ? round(target - elapsed) : null,
    breach: presentBreach(clock),
  };
};

/**
 * Per case, the policy that applies now and the clocks to show: those with a target, and those that breached
 * whatever their target is now (a breach stays visible once it happened).
 */
const presentCaseSlas = async (db: DbOrTx, caseIds: string[], now: Date): Promise<TCaseSla[]> => {
  const clocks = groupBy(await repo.clocksOfCases(db, caseIds), (c) => c.caseId);
  const policies = new Map((await loadPolicies(db, false)).map((p) => [p.id, p]));
  return caseIds.map((caseId) => {
    const own = clocks.get(caseId) ?? [];
    const policyOf = (c: repo.StoredClock) => (c.policyId ? policies.get(c.policyId) : undefined);
    const policy = own.map(policyOf).find((p) => p !== undefined);
    const shown = own.filter((c) => (policyOf(c) && c.targetMinutes !== null) || c.breachedAt !== null);
    return {
      caseId,
      policy: policy ? { id: policy.id, name: policy.name } : null,
      clocks: shown.map((c) => presentClock(c, policyOf(c)?.calendar ?? null, now)),
    };
  });
};

export const getCaseSla = async (ctx: ServiceContext, actor: AnyActor, caseId: string, now = new Date()) =>
  await ctx.db.transaction(async (tx) => {
    await visibleCaseView(tx, actor, caseId);
    const [sla] = await presentCaseSlas(tx, [caseId], now);
    return sla as TCaseSla;
  });

/** SLA clocks of many cases (a page of a case list); cases the caller cannot see are left out. */
export const listCaseSlas = async (
  ctx: ServiceContext,
  actor: Actor,
  caseIds: string[],
  now = new Date(),
): Promise<TCaseSla[]> => {
  const visible: string[] = [];
  for (const id of new Set(caseIds)) if (await canSeeCase(ctx, actor, id)) visible.push(id);
  return await presentCaseSlas(ctx.db, visible, now);
};

/**
 * Breached clocks first (by when they breached, whatever their target is now), then running clocks due soonest —
 * "breaching in the next hour" — across the cases the caller can see.
 */
const BREACHING_CURSOR = cursorSchema(cursorValues.timestamp);

export const listBreaching = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TBreachingQuery,
  now = new Date(),
): Promise<{ items: TBreachingItem[]; nextCursor: string | null }> => {
  const cursor = q.cursor ? decodeCursor(q.cursor, BREACHING_CURSOR) : null;
  const filter: repo.BreachingFilter = {
    dueBefore: q.withinMinutes === undefined ? undefined : new Date(now.getTime() + q.withinMinutes * 60_000),
    metric: q.metric,
    teamIds: q.teamId === "mine" ? actor.teamIds : q.teamId ? [q.teamId] : undefined,
    ownerId: q.ownerId === "me" ? actor.id : q.ownerId,
    includeBreached: q.includeBreached,
    after: cursor ? { key: cursor.v, id: cursor.id } : null,
    limit: q.limit + 1,
  };
  const rows: repo.BreachingRow[] = [];
  for (;;) {
    const page = await repo.breaching(ctx.db, filter);
    for (const row of page) if (await canSeeCase(ctx, actor, row.clock.caseId)) rows.push(row);
    const last = page.at(-1);
    if (rows.length > q.limit || page.length < filter.limit || !last) break;
    filter.after = { key: last.key, id: last.clock.id };
  }
  const policies = new Map((await loadPolicies(ctx.db, false)).map((p) => [p.id, p]));
  const items = rows.slice(0, q.limit).map((r): TBreachingItem => {
    const policy = r.clock.policyId ? policies.get(r.clock.policyId) : undefined;
    return {
      case: {
        id: r.clock.caseId,
        number: r.caseNumber,
        subject: r.subject,
        status: r.status,
        priority: r.priority,
        owner: r.ownerId ? { id: r.ownerId, name: r.ownerName ?? "" } : null,
        team: r.teamId ? { id: r.teamId, name: r.teamName ?? "" } : null,
      },
      clock: presentClock(repo.toClock(r.clock), policy?.calendar ?? null, now),
    };
  });
  const lastShown = rows.slice(0, q.limit).at(-1);
  return {
    items,
    nextCursor:
      rows.length > q.limit && lastShown
        ? encodeCursor({ v: lastShown.key.toISOString(), id: lastShown.clock.id })
        : null,
  };
};

/** The business calendar each case's SLA runs on, for cases with a policy (used by the cracks report). */
export const calendarsOfCases = async (db: DbOrTx, caseIds: string[]): Promise<Map<string, TBusinessCalendar>> => {
  const ids = await repo.calendarIdsOfCases(db, caseIds);
  const rows = await repo.findCalendarsByIds(db, [...new Set(ids.values())]);
  const calendars = new Map(rows.map((r) => [r.id, calendarOf(r)]));
  const out = new Map<string, TBusinessCalendar>();
  for (const [caseId, calendarId] of ids) {
    const calendar = calendars.get(calendarId);
    if (calendar) out.set(caseId, calendar);
  }
  return out;
};
