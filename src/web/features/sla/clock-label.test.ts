import { describe, expect, it } from "vitest";
import { breachNotice, type ClockView, clockCell, clockStatus, mostUrgent } from "./clock-label";

const now = new Date("2026-03-02T10:00:00Z");
const clock = (over: Partial<ClockView>): ClockView => ({
  metric: "resolution",
  state: "running",
  breached: false,
  dueAt: "2026-03-02T14:00:00Z",
  warnAt: "2026-03-02T13:00:00Z",
  metAt: null,
  breachedAt: null,
  targetMinutes: 480,
  remainingMinutes: 240,
  breach: null,
  ...over,
});

describe("SLA clock labels", () => {
  it("says how much business time is left, and warns once the warning time has come", () => {
    expect(clockStatus(clock({}), now)).toMatchObject({ tone: "running", label: "Running" });
    expect(clockStatus(clock({}), now).detail).toMatch(/^4 h business time left · due /);
    expect(clockStatus(clock({ warnAt: "2026-03-02T09:59:00Z" }), now)).toMatchObject({
      tone: "warning",
      label: "Near breach",
    });
  });

  it("reports a breach in business time over, paused clocks and met ones", () => {
    expect(clockStatus(clock({ remainingMinutes: -90, breached: true }), now).detail).toMatch(
      /^1 h 30 min business time over/,
    );
    expect(clockStatus(clock({ state: "paused", remainingMinutes: 30 }), now)).toEqual({
      tone: "paused",
      label: "Paused",
      detail: "30 min business time left when it resumes",
    });
    expect(clockStatus(clock({ state: "met", metAt: "2026-03-02T09:00:00Z" }), now).tone).toBe("met");
    expect(clockStatus(clock({ state: "met", breached: true, metAt: "2026-03-02T09:00:00Z" }), now).label).toBe(
      "Met late",
    );
    expect(clockStatus(clock({ state: "cancelled" }), now).label).toBe("Not applicable");
  });

  it("picks the breached clock, then the soonest due, ignoring met ones", () => {
    const first = clock({ metric: "first_response", dueAt: "2026-03-02T11:00:00Z", remainingMinutes: 60 });
    const late = clock({ metric: "next_response", remainingMinutes: -5, dueAt: "2026-03-02T09:55:00Z" });
    const met = clock({ metric: "first_response", state: "met" });
    expect(mostUrgent([clock({}), first], now)).toBe(first);
    expect(mostUrgent([clock({}), first, late], now)).toBe(late);
    expect(mostUrgent([met], now)).toBeNull();
    expect(clockCell(first, now)).toMatchObject({ text: "First response in 1 h", tone: "running" });
    expect(clockCell(late, now)).toMatchObject({ text: "Next response 5 min overdue", tone: "breached" });
  });

  const breach: ClockView["breach"] = {
    targetMinutes: 60,
    notified: [{ id: "u1", name: "Ann Lee", as: ["owner"] }],
    unreached: [{ as: "team_lead", reason: "the case has no team" }],
    actions: ["notified Ann Lee (owner)", "raised priority to urgent"],
  };

  it("keeps showing a breach whose target no longer applies, and whom it notified", () => {
    const orphan = clock({
      breached: true,
      breachedAt: "2026-03-02T09:00:00Z",
      dueAt: null,
      warnAt: null,
      targetMinutes: null,
      remainingMinutes: null,
      breach,
    });
    const status = clockStatus(orphan, now);
    expect(status).toMatchObject({ tone: "breached", label: "Breached" });
    expect(status.detail).toMatch(/^Breached .+ \(target 1 h\); that target no longer applies$/);
    expect(clockCell(orphan, now)).toMatchObject({ text: "Resolution breached", tone: "breached" });
    expect(mostUrgent([clock({}), orphan], now)).toBe(orphan);
    expect(breachNotice(orphan)).toBe("Notified Ann Lee (owner); team lead not notified: the case has no team.");
    expect(breachNotice(clock({}))).toBeNull();
  });

  it("says a breach happened under an earlier target when a longer one gives time back", () => {
    const extended = clock({ breached: true, breachedAt: "2026-03-02T09:00:00Z", remainingMinutes: 90, breach });
    expect(clockStatus(extended, now)).toMatchObject({ tone: "breached", label: "Breached" });
    expect(clockStatus(extended, now).detail).toMatch(
      /^Breached .+ \(target 1 h\); 1 h 30 min business time left of the current target · due /,
    );
    const closed = clockStatus({ ...extended, state: "cancelled" }, now);
    expect(closed).toMatchObject({ tone: "breached", label: "Breached" });
    expect(closed.detail).toMatch(/; no longer counted for this case$/);
  });
});
