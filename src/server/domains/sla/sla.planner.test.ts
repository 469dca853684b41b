import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { addBusinessMinutes, slaElapsed, type TBusinessCalendar } from "./business-time";
import {
  advanceClocks,
  type CaseFacts,
  type Clock,
  type ClockChange,
  DEFAULT_PAUSE_STATUSES,
  initialClocks,
  newTimers,
  type PlanningPolicy,
  planClock,
  selectPolicy,
} from "./sla.planner";

const BERLIN = "Europe/Berlin";
const berlin = (iso: string): Date => DateTime.fromISO(iso, { zone: BERLIN }).toJSDate();
const inBerlin = (d: Date | null): string | null =>
  d && DateTime.fromJSDate(d, { zone: BERLIN }).toFormat("yyyy-MM-dd'T'HH:mm");

const office: TBusinessCalendar = {
  timeZone: BERLIN,
  weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({
    weekday: weekday as 1 | 2 | 3 | 4 | 5,
    start: "09:00",
    end: "17:00",
  })),
  holidays: [{ date: "2025-12-25", yearly: true }],
};

const policy = (overrides: Partial<PlanningPolicy> = {}): PlanningPolicy => ({
  id: "p-standard",
  conditions: {},
  targets: {
    first_response: { normal: 120, urgent: 30 },
    next_response: { normal: 240, urgent: 60 },
    resolution: { normal: 960, urgent: 240 },
  },
  pauseStatuses: DEFAULT_PAUSE_STATUSES,
  warningPercent: 75,
  calendar: office,
  ...overrides,
});

const facts = (overrides: Partial<CaseFacts> = {}): CaseFacts => ({
  status: "new",
  priority: "normal",
  type: "question",
  channel: "email",
  organizationId: null,
  teamId: null,
  tags: [],
  createdAt: berlin("2025-01-10T15:00"),
  firstResponseAt: null,
  solvedAt: null,
  ...overrides,
});

/** Applies changes in order, each at its instant, then plans every clock with the policy at `now`. */
const run = (
  steps: { at: string; change: ClockChange; facts?: Partial<CaseFacts> }[],
  p: PlanningPolicy | null = policy(),
  base: Partial<CaseFacts> = {},
  now = berlin("2025-01-10T15:00"),
): Record<string, Clock> => {
  const f = facts(base);
  let clocks = initialClocks(f, f.createdAt, DEFAULT_PAUSE_STATUSES);
  let current = f;
  for (const step of steps) {
    current = { ...current, ...step.facts };
    clocks = advanceClocks(clocks, step.change, berlin(step.at), current, p?.pauseStatuses ?? DEFAULT_PAUSE_STATUSES);
  }
  return Object.fromEntries(clocks.map((c) => [c.metric, planClock(c, p, current.priority, now)]));
};

describe("policy selection", () => {
  const vip = policy({ id: "vip", conditions: { tags: ["vip"], priorities: ["high", "urgent"] } });
  const phone = policy({ id: "phone", conditions: { channels: ["phone"] } });
  const fallback = policy({ id: "all" });
  const ordered = [vip, phone, fallback];

  it("takes the first policy in order whose conditions all match", () => {
    expect(selectPolicy(ordered, facts({ tags: ["vip"], priority: "urgent" }))?.id).toBe("vip");
    expect(selectPolicy(ordered, facts({ tags: ["vip"], priority: "normal", channel: "phone" }))?.id).toBe("phone");
    expect(selectPolicy(ordered, facts())?.id).toBe("all");
    expect(selectPolicy([vip, phone], facts())).toBeNull();
  });

  it("matches organization and team conditions only for cases that have them", () => {
    const org = policy({ conditions: { organizationIds: ["o1"], teamIds: ["t1"] } });
    expect(selectPolicy([org], facts({ organizationId: "o1", teamId: "t1" }))).toBe(org);
    expect(selectPolicy([org], facts({ organizationId: "o1", teamId: null }))).toBeNull();
  });
});

describe("clocks on a business calendar", () => {
  it("starts first response and resolution at creation, due in business minutes (closing time counts)", () => {
    const c = run([]);
    expect(inBerlin(c.first_response?.dueAt ?? null)).toBe("2025-01-10T17:00");
    expect(inBerlin(c.first_response?.warnAt ?? null)).toBe("2025-01-10T16:30");
    expect(c.resolution?.dueAt).toEqual(addBusinessMinutes(office, berlin("2025-01-10T15:00"), 960));
    expect(c.next_response).toBeUndefined();
  });

  it("pauses in pending and resumes on the customer's reply; the paused business time moves the due time", () => {
    const paused = run([
      { at: "2025-01-10T16:00", change: { kind: "status", to: "pending" }, facts: { status: "pending" } },
    ]);
    expect(paused.resolution?.state).toBe("paused");
    expect(paused.resolution?.dueAt).toBeNull();
    expect(paused.first_response?.dueAt).toBeNull();

    const resumed = run([
      { at: "2025-01-10T16:00", change: { kind: "status", to: "pending" }, facts: { status: "pending" } },
      { at: "2025-01-13T10:00", change: { kind: "customer_message" } },
    ]);
    // 60 business minutes ran before the pause (Fri 15-16); 60 remain from Mon 10:00.
    expect(inBerlin(resumed.first_response?.dueAt ?? null)).toBe("2025-01-13T11:00");
    // Resolution: 60 before the pause, 900 from Mon 10:00 = Mon 7h + Tue 8h -> Tue 17:00.
    expect(inBerlin(resumed.resolution?.dueAt ?? null)).toBe("2025-01-14T17:00");
    expect(resumed.first_response?.pauses).toEqual([
      { from: berlin("2025-01-10T16:00"), to: berlin("2025-01-13T10:00") },
    ]);
    expect(resumed.first_response?.state).toBe("running");
    expect(resumed.next_response).toBeUndefined();
  });

  it("keeps the due time when the target was reached before a pause began", () => {
    const c = run(
      [{ at: "2025-01-13T12:00", change: { kind: "status", to: "on_hold" }, facts: { status: "on_hold" } }],
      policy(),
      {},
      berlin("2025-01-13T12:00"),
    );
    expect(inBerlin(c.first_response?.dueAt ?? null)).toBe("2025-01-10T17:00");
    expect(c.first_response?.state).toBe("paused");
  });

  it("meets both response clocks on an agent reply and starts next response on the next customer message", () => {
    const c = run([
      { at: "2025-01-10T15:30", change: { kind: "agent_response" }, facts: { status: "open" } },
      { at: "2025-01-10T16:45", change: { kind: "customer_message" } },
    ]);
    expect(c.first_response).toMatchObject({ state: "met", metAt: berlin("2025-01-10T15:30"), breachedAt: null });
    expect(c.next_response?.startedAt).toEqual(berlin("2025-01-10T16:45"));
    expect(inBerlin(c.next_response?.dueAt ?? null)).toBe("2025-01-13T12:45");
    expect(c.first_response?.dueAt).toEqual(berlin("2025-01-10T17:00"));

    const answered = run([
      { at: "2025-01-10T15:30", change: { kind: "agent_response" }, facts: { status: "open" } },
      { at: "2025-01-10T16:45", change: { kind: "customer_message" } },
      { at: "2025-01-13T09:10", change: { kind: "customer_message" } },
      { at: "2025-01-13T09:20", change: { kind: "agent_response" } },
      { at: "2025-01-13T09:30", change: { kind: "customer_message" } },
    ]);
    expect(answered.next_response).toMatchObject({ state: "running", startedAt: berlin("2025-01-13T09:30") });
  });

  it("a customer message before the first response starts no next-response clock", () => {
    const c = run([{ at: "2025-01-10T15:10", change: { kind: "customer_message" } }]);
    expect(c.next_response).toBeUndefined();
  });

  it("solving meets the resolution clock; reopening resumes it without counting the solved time", () => {
    const solved = run([
      { at: "2025-01-10T15:30", change: { kind: "agent_response" }, facts: { status: "open" } },
      { at: "2025-01-10T16:00", change: { kind: "status", to: "solved" }, facts: { status: "solved" } },
    ]);
    expect(solved.resolution).toMatchObject({ state: "met", metAt: berlin("2025-01-10T16:00"), breachedAt: null });

    const reopened = run([
      { at: "2025-01-10T15:30", change: { kind: "agent_response" }, facts: { status: "open" } },
      { at: "2025-01-10T16:00", change: { kind: "status", to: "solved" }, facts: { status: "solved" } },
      { at: "2025-01-14T09:00", change: { kind: "status", to: "open" }, facts: { status: "open" } },
    ]);
    expect(reopened.resolution?.state).toBe("running");
    expect(reopened.resolution?.metAt).toBeNull();
    // 60 minutes used before solving; 900 remain from Tue 09:00 = Tue 8h + Wed 7h -> Wed 16:00.
    expect(inBerlin(reopened.resolution?.dueAt ?? null)).toBe("2025-01-15T16:00");
  });

  it("re-plans from the original start when the priority changes", () => {
    const c = run(
      [{ at: "2025-01-13T09:05", change: { kind: "facts" }, facts: { priority: "urgent" } }],
      policy(),
      {},
      berlin("2025-01-13T09:05"),
    );
    expect(inBerlin(c.first_response?.dueAt ?? null)).toBe("2025-01-10T15:30");
    expect(c.first_response?.targetMinutes).toBe(30);
  });

  it("closing or merging cancels what was not met", () => {
    const merged = run([
      { at: "2025-01-10T15:30", change: { kind: "agent_response" } },
      { at: "2025-01-10T15:40", change: { kind: "merged_away" }, facts: { status: "closed" } },
    ]);
    expect(merged.first_response?.state).toBe("met");
    expect(merged.resolution).toMatchObject({ state: "cancelled", dueAt: null });
  });

  it("without a matching policy the clocks keep time but have no target", () => {
    const c = run([], null);
    expect(c.resolution).toMatchObject({ state: "running", targetMinutes: null, dueAt: null, policyId: null });
  });
});

describe("breach bookkeeping", () => {
  const base: Clock = {
    metric: "resolution",
    policyId: "p-standard",
    targetMinutes: 60,
    startedAt: berlin("2025-01-13T09:00"),
    pauses: [],
    state: "running",
    dueAt: berlin("2025-01-13T10:00"),
    warnAt: berlin("2025-01-13T09:45"),
    metAt: null,
    warnedAt: berlin("2025-01-13T09:45"),
    breachedAt: berlin("2025-01-13T10:00"),
    breach: {
      policy: { id: "p-standard", name: "Standard" },
      targetMinutes: 60,
      notified: [{ userId: "u-owner", name: "Ann Owner", as: ["owner"] }],
      unreached: [{ as: "team_lead", reason: "the case has no team" }],
      actions: ["notified Ann Owner (owner)", "raised priority to high"],
    },
  };
  const p = policy({ targets: { resolution: { normal: 60, low: 600 } } });

  it("keeps a recorded breach while its instant has passed", () => {
    expect(planClock(base, p, "normal", berlin("2025-01-13T11:00")).breachedAt).toEqual(berlin("2025-01-13T10:00"));
  });

  it("keeps a recorded breach when a longer target moves the due time into the future, with no second escalation", () => {
    const planned = planClock(base, p, "low", berlin("2025-01-13T11:00"));
    expect(planned).toMatchObject({ breachedAt: base.breachedAt, breach: base.breach, targetMinutes: 600 });
    expect(planned.warnedAt).toBeNull();
    expect(inBerlin(planned.dueAt)).toBe("2025-01-14T11:00");
    expect(newTimers(base, planned)).toEqual([]);
  });

  it("keeps a recorded breach when no target applies any more (priority without a target, no policy)", () => {
    for (const planned of [
      planClock(base, p, "urgent", berlin("2025-01-13T11:00")),
      planClock(base, null, "normal", berlin("2025-01-13T11:00")),
    ]) {
      expect(planned).toMatchObject({
        targetMinutes: null,
        dueAt: null,
        breachedAt: base.breachedAt,
        breach: base.breach,
      });
    }
  });

  it("drops the breach record with the cycle when a customer's message restarts the next-response clock", () => {
    const next: Clock = { ...base, metric: "next_response", state: "met", metAt: berlin("2025-01-13T10:30") };
    const first: Clock = { ...base, metric: "first_response", state: "met", metAt: berlin("2025-01-13T09:30") };
    const [, restarted] = advanceClocks(
      [first, next],
      { kind: "customer_message" },
      berlin("2025-01-13T12:00"),
      facts({ status: "open" }),
      DEFAULT_PAUSE_STATUSES,
    );
    expect(restarted).toMatchObject({ metric: "next_response", state: "running", breachedAt: null, breach: null });
  });

  it("marks a clock met after its due time as breached at the due time", () => {
    const met = planClock(
      { ...base, state: "met", metAt: berlin("2025-01-13T10:30"), breachedAt: null, warnedAt: null },
      p,
      "normal",
      berlin("2025-01-13T11:00"),
    );
    expect(met.breachedAt).toEqual(berlin("2025-01-13T10:00"));
  });

  it("asks for timers only for instants the previous plan did not have", () => {
    const fresh = { ...base, warnedAt: null, breachedAt: null };
    expect(newTimers(null, fresh).map((t) => t.kind)).toEqual(["breach", "warning"]);
    expect(newTimers(fresh, fresh)).toEqual([]);
    expect(newTimers(fresh, { ...fresh, dueAt: berlin("2025-01-13T10:30") }).map((t) => t.kind)).toEqual(["breach"]);
    expect(newTimers(null, { ...fresh, state: "met" })).toEqual([]);
  });
});

describe("properties", () => {
  const minute = 60_000;
  const always: TBusinessCalendar = { timeZone: "UTC", weeklyHours: [], holidays: [], alwaysOpen: true };
  const changeArb = fc.oneof(
    fc
      .constantFrom<CaseFacts["status"]>("open", "pending", "on_hold", "solved")
      .map((to): ClockChange => ({ kind: "status", to })),
    fc.constant<ClockChange>({ kind: "customer_message" }),
    fc.constant<ClockChange>({ kind: "agent_response" }),
  );

  it("a running clock's due time is where its run time (pauses excluded) reaches the target", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(changeArb, fc.integer({ min: 1, max: 600 })), { maxLength: 12 }), (steps) => {
        const p = policy({ calendar: always, warningPercent: null });
        const start = new Date(Date.UTC(2025, 0, 6, 8));
        let f = facts({ createdAt: start });
        let clocks = initialClocks(f, start, DEFAULT_PAUSE_STATUSES);
        let t = start.getTime();
        for (const [change, gap] of steps) {
          t += gap * minute;
          if (change.kind === "status") f = { ...f, status: change.to };
          clocks = advanceClocks(clocks, change, new Date(t), f, DEFAULT_PAUSE_STATUSES);
        }
        for (const clock of clocks) {
          const planned = planClock(clock, p, "normal", new Date(t));
          if (planned.state !== "running" || planned.targetMinutes === null) continue;
          const due = planned.dueAt as Date;
          expect(slaElapsed(always, planned.startedAt, due, planned.pauses)).toBe(planned.targetMinutes);
          expect(due.getTime()).toBeGreaterThanOrEqual(planned.startedAt.getTime() + planned.targetMinutes * minute);
          expect(planned.pauses.every((s) => s.to !== null)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
