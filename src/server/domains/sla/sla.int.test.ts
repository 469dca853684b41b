import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeTeam, makeUser, type TestUser, uniq } from "../../../../test/factories";
import { settle } from "../../../../test/settle";
import type { TCaseSla, TSlaClock } from "../../../shared/contracts/sla";
import { events, messages, notifications, slaClocks } from "../../db/schema/index";
import { SYSTEM } from "../../platform/actor";
import { recordEvents } from "../../platform/events";
import { deactivateUser } from "../users/users.service";
import { addBusinessMinutes, type TBusinessCalendar } from "./business-time";
import { fireClockTimer } from "./clocks.service";

let t: TestApp;
let admin: TestUser;
let agent: TestUser;

const MINUTE = 60_000;
const officeHours = {
  timeZone: "Europe/Berlin",
  weeklyHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "17:00" })),
  holidays: [{ date: "2025-12-25", yearly: true }],
};

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.app, { role: "admin" });
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => await t.close());

const createCalendar = async (body: Record<string, unknown>) => {
  const res = await admin.call({
    method: "POST",
    url: "/api/v1/sla/calendars",
    payload: { name: uniq("cal"), ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; version: number };
};

/** A policy that applies only to cases tagged with its own tag, so parallel test files are unaffected. */
const createPolicy = async (calendarId: string, overrides: Record<string, unknown> = {}) => {
  const tag = uniq("sla").toLowerCase();
  const res = await admin.call({
    method: "POST",
    url: "/api/v1/sla/policies",
    payload: {
      name: uniq("policy"),
      calendarId,
      conditions: { tags: [tag] },
      targets: {
        first_response: { normal: 60, high: 30, urgent: 15 },
        next_response: { normal: 120 },
        resolution: { normal: 480, urgent: 120 },
      },
      warningPercent: 50,
      ...overrides,
    },
  });
  expect(res.statusCode).toBe(201);
  return { policy: res.json() as { id: string; version: number }, tag };
};

const slaOf = async (caseId: string, who: TestUser = agent): Promise<TCaseSla> => {
  await settle(t.app, [caseId]);
  const res = await who.call({ method: "GET", url: `/api/v1/cases/${caseId}/sla` });
  expect(res.statusCode).toBe(200);
  return res.json();
};

const clock = (sla: TCaseSla, metric: TSlaClock["metric"]) => {
  const found = sla.clocks.find((c) => c.metric === metric);
  if (!found) throw new Error(`no ${metric} clock in ${JSON.stringify(sla)}`);
  return found;
};

const ms = (iso: unknown): number => new Date(iso as string).getTime();

const patchCase = async (caseId: string, payload: Record<string, unknown>) => {
  const current = (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}` })).json();
  const res = await agent.call({
    method: "PATCH",
    url: `/api/v1/cases/${caseId}`,
    headers: { "if-match": String(current.version) },
    payload,
  });
  expect(res.statusCode).toBe(200);
  return res.json();
};

/** The email channel's part, simulated: the customer's reply lands on the case. */
const customerWrites = async (caseId: string, contactId: string): Promise<void> => {
  await t.app.ctx.db.transaction(async (tx) => {
    const [m] = await tx
      .insert(messages)
      .values({ caseId, kind: "reply", authorContactId: contactId, bodyText: "Any news?" })
      .returning();
    await recordEvents(tx, SYSTEM, [
      {
        type: "message.added",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: { messageId: m?.id, kind: "reply", authorUserId: null, authorContactId: contactId, attachmentIds: [] },
      },
    ]);
  });
};

const agentReplies = async (caseId: string) => {
  const res = await agent.call({
    method: "POST",
    url: `/api/v1/cases/${caseId}/messages`,
    payload: { kind: "reply", body: "On it." },
  });
  expect(res.statusCode).toBe(201);
};

describe("SLA clocks on a case", () => {
  let always: { id: string };
  beforeAll(async () => {
    always = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
  });

  it("starts first response and resolution when the case opens, due in business minutes of the policy's calendar", async () => {
    const office = await createCalendar(officeHours);
    const { policy, tag } = await createPolicy(office.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    const sla = await slaOf(c.id);
    expect(sla.policy?.id).toBe(policy.id);
    const calendar = { ...officeHours, holidays: officeHours.holidays } as TBusinessCalendar;
    const created = new Date(c.createdAt);
    expect(ms(clock(sla, "first_response").dueAt)).toBe(addBusinessMinutes(calendar, created, 60).getTime());
    expect(ms(clock(sla, "first_response").warnAt)).toBe(addBusinessMinutes(calendar, created, 30).getTime());
    expect(ms(clock(sla, "resolution").dueAt)).toBe(addBusinessMinutes(calendar, created, 480).getTime());
    expect(clock(sla, "resolution")).toMatchObject({ state: "running", breached: false, targetMinutes: 480 });
    expect(sla.clocks.some((k) => k.metric === "next_response")).toBe(false);
  });

  it("pauses in pending, resumes on the customer's reply, and the paused time moves the due time", async () => {
    const { tag } = await createPolicy(always.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    const start = ms((await slaOf(c.id)).clocks[0]?.startedAt);

    await patchCase(c.id, { status: "pending" });
    const paused = await slaOf(c.id);
    expect(clock(paused, "resolution")).toMatchObject({ state: "paused", dueAt: null });
    expect(clock(paused, "first_response")).toMatchObject({ state: "paused", dueAt: null });
    expect(clock(paused, "resolution").pauses).toHaveLength(1);
    expect(clock(paused, "resolution").pauses[0]?.to).toBeNull();

    await customerWrites(c.id, c.requester.id);
    const resumed = await slaOf(c.id);
    const resolution = clock(resumed, "resolution");
    expect(resolution.state).toBe("running");
    const [pause] = resolution.pauses;
    expect(pause?.to).not.toBeNull();
    const pausedMs = ms(pause?.to) - ms(pause?.from);
    expect(pausedMs).toBeGreaterThan(0);
    expect(ms(resolution.dueAt)).toBe(start + 480 * MINUTE + pausedMs);
    expect(ms(clock(resumed, "first_response").dueAt)).toBe(start + 60 * MINUTE + pausedMs);
  });

  it("meets first response on the agent's reply and runs next response from the customer's next message", async () => {
    const { tag } = await createPolicy(always.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    await agentReplies(c.id);
    const replied = await slaOf(c.id);
    expect(clock(replied, "first_response")).toMatchObject({ state: "met", breached: false, remainingMinutes: null });

    await customerWrites(c.id, c.requester.id);
    const waiting = await slaOf(c.id);
    const next = clock(waiting, "next_response");
    expect(next.state).toBe("running");
    expect(ms(next.dueAt) - ms(next.startedAt)).toBe(120 * MINUTE);

    await agentReplies(c.id);
    expect(clock(await slaOf(c.id), "next_response").state).toBe("met");
  });

  it("re-plans from the original start when the priority changes", async () => {
    const { tag } = await createPolicy(always.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    const start = ms((await slaOf(c.id)).clocks[0]?.startedAt);
    await patchCase(c.id, { priority: "urgent" });
    const sla = await slaOf(c.id);
    expect(clock(sla, "first_response")).toMatchObject({ targetMinutes: 15 });
    expect(ms(clock(sla, "first_response").dueAt)).toBe(start + 15 * MINUTE);
    expect(ms(clock(sla, "resolution").dueAt)).toBe(start + 120 * MINUTE);
  });

  it("follows a policy changed mid-life, and another policy when the case stops matching", async () => {
    const { policy, tag } = await createPolicy(always.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag, "keep"] });
    const start = ms((await slaOf(c.id)).clocks[0]?.startedAt);

    const changed = await admin.call({
      method: "PATCH",
      url: `/api/v1/sla/policies/${policy.id}`,
      headers: { "if-match": `"${policy.version}"` },
      payload: { targets: { first_response: { normal: 45 }, resolution: { normal: 240 } } },
    });
    expect(changed.statusCode).toBe(200);
    const replanned = await slaOf(c.id);
    expect(ms(clock(replanned, "resolution").dueAt)).toBe(start + 240 * MINUTE);
    expect(ms(clock(replanned, "first_response").dueAt)).toBe(start + 45 * MINUTE);

    const other = await createPolicy(always.id, { position: 50, targets: { resolution: { normal: 30 } } });
    await patchCase(c.id, { tags: [other.tag] });
    const moved = await slaOf(c.id);
    expect(moved.policy?.id).toBe(other.policy.id);
    expect(moved.clocks.map((k) => k.metric)).toEqual(["resolution"]);
    expect(ms(clock(moved, "resolution").dueAt)).toBe(start + 30 * MINUTE);

    await patchCase(c.id, { tags: ["keep"] });
    expect(await slaOf(c.id)).toMatchObject({ policy: null, clocks: [] });
  });

  it("meets resolution on solve and, reopened, resumes it without counting the solved time", async () => {
    const { tag } = await createPolicy(always.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    const start = ms((await slaOf(c.id)).clocks[0]?.startedAt);
    await agentReplies(c.id);
    await patchCase(c.id, { status: "solved" });
    const solved = clock(await slaOf(c.id), "resolution");
    expect(solved).toMatchObject({ state: "met", breached: false });

    await patchCase(c.id, { status: "open" });
    const reopened = clock(await slaOf(c.id), "resolution");
    expect(reopened.state).toBe("running");
    expect(reopened.metAt).toBeNull();
    const [pause] = reopened.pauses;
    expect(ms(pause?.from)).toBe(ms(solved.metAt));
    expect(ms(reopened.dueAt)).toBe(start + 480 * MINUTE + (ms(pause?.to) - ms(pause?.from)));
  });

  it("re-times running clocks when their calendar changes", async () => {
    const calendar = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const { tag } = await createPolicy(calendar.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    const before = await slaOf(c.id);
    const res = await admin.call({
      method: "PATCH",
      url: `/api/v1/sla/calendars/${calendar.id}`,
      headers: { "if-match": `"${calendar.version}"` },
      payload: { alwaysOpen: false, weeklyHours: officeHours.weeklyHours, timeZone: "Europe/Berlin" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().version).toBe(calendar.version + 1);
    const after = await slaOf(c.id);
    const start = new Date(clock(before, "resolution").startedAt);
    const office = { ...officeHours, holidays: [] } as TBusinessCalendar;
    expect(ms(clock(after, "resolution").dueAt)).toBe(addBusinessMinutes(office, start, 480).getTime());
  });
});

describe("warnings and escalations", () => {
  it("at the breach instant notifies the owner and team lead and raises the priority — once", async () => {
    const always = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const lead = await makeUser(t.app, { role: "supervisor" });
    const team = await makeTeam(t.app, { leadId: lead.user.id, memberIds: [agent.user.id] });
    const { tag } = await createPolicy(always.id, {
      warningActions: [{ type: "notify", recipients: ["owner"] }],
      breachActions: [{ type: "notify", recipients: ["owner", "team_lead"] }, { type: "raise_priority" }],
    });
    const c = await makeCase(t.app, agent.user.id, { tags: [tag], teamId: team.id });
    await settle(t.app, [c.id]);
    const [row] = await t.app.ctx.db
      .select()
      .from(slaClocks)
      .where(and(eq(slaClocks.caseId, c.id), eq(slaClocks.metric, "first_response")));
    if (!row?.dueAt || !row.warnAt) throw new Error("no plan");

    const early = await fireClockTimer(
      t.app.ctx,
      { clockId: row.id, kind: "breach", at: row.dueAt.toISOString() },
      new Date(row.dueAt.getTime() - 1),
    );
    expect(early).toBe(false);
    const stale = await fireClockTimer(t.app.ctx, {
      clockId: row.id,
      kind: "breach",
      at: new Date(row.dueAt.getTime() - MINUTE).toISOString(),
    });
    expect(stale).toBe(false);

    // The timers as they run at their instants (30 and 60 minutes in), a moment after each.
    const warning = { clockId: row.id, kind: "warning" as const, at: row.warnAt.toISOString() };
    expect(await fireClockTimer(t.app.ctx, warning, new Date(row.warnAt.getTime() + 1))).toBe(true);
    const timer = { clockId: row.id, kind: "breach" as const, at: row.dueAt.toISOString() };
    const afterDue = new Date(row.dueAt.getTime() + 1);
    expect(await fireClockTimer(t.app.ctx, timer, afterDue)).toBe(true);
    expect(await fireClockTimer(t.app.ctx, timer, afterDue)).toBe(false);
    await settle(t.app, [c.id]);

    const notices = await t.app.ctx.db.select().from(notifications).where(eq(notifications.caseId, c.id));
    expect(notices.map((n) => `${n.kind}:${n.userId === agent.user.id ? "owner" : "lead"}`).sort()).toEqual([
      "sla_breach:lead",
      "sla_breach:owner",
      "sla_warning:owner",
    ]);
    const mine = await agent.call({ method: "GET", url: "/api/v1/me/notifications?unread=true" });
    expect(
      mine.json().items.some((n: { caseId: string; kind: string }) => n.caseId === c.id && n.kind === "sla_breach"),
    ).toBe(true);
    const now = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
    expect(now.priority).toBe("high");

    const after = clock(await slaOf(c.id), "first_response");
    expect(after.targetMinutes).toBe(30);
    expect(after.breached).toBe(true);
    expect(ms(after.breachedAt)).toBe(row.dueAt.getTime());
    expect(ms(after.dueAt)).toBe(row.startedAt.getTime() + 30 * MINUTE);
    const breaches = await t.app.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, c.id), eq(events.type, "sla.breached")));
    expect(breaches.map((e) => e.payload)).toEqual([
      {
        clockId: row.id,
        metric: "first_response",
        policyId: row.policyId,
        at: row.dueAt.toISOString(),
        targetMinutes: 60,
        notified: [
          { userId: agent.user.id, name: agent.user.name, as: ["owner"] },
          { userId: lead.user.id, name: lead.user.name, as: ["team_lead"] },
        ],
        unreached: [],
        actions: [`notified ${agent.user.name} (owner), ${lead.user.name} (team lead)`, "raised priority to high"],
      },
    ]);
  });

  /**
   * Runs the metric's breach timer as it runs at the due instant, a moment after it, instead of waiting for it
   * (nothing is backdated, so no other test's sweep can find this clock overdue first).
   */
  const breachAtDue = async (caseId: string, metric: TSlaClock["metric"]) => {
    await settle(t.app, [caseId]);
    const [row] = await t.app.ctx.db
      .select()
      .from(slaClocks)
      .where(and(eq(slaClocks.caseId, caseId), eq(slaClocks.metric, metric)));
    if (!row?.dueAt) throw new Error("no plan");
    const timer = { clockId: row.id, kind: "breach" as const, at: row.dueAt.toISOString() };
    expect(await fireClockTimer(t.app.ctx, timer, new Date(row.dueAt.getTime() + 1))).toBe(true);
    await settle(t.app, [caseId]);
    return { ...row, dueAt: row.dueAt };
  };

  const breachEvents = async (caseId: string) =>
    (
      await t.app.ctx.db
        .select()
        .from(events)
        .where(and(eq(events.caseId, caseId), eq(events.type, "sla.breached")))
    ).map((e) => e.payload);

  const threadEventLines = async (caseId: string, who: TestUser) =>
    (await who.call({ method: "GET", url: `/api/v1/cases/${caseId}/messages` }))
      .json()
      .items.filter((m: { kind: string }) => m.kind === "event")
      .map((m: { bodyText: string }) => m.bodyText);

  it("keeps a breach on the case and in the breaching list after the breach action raises the priority to one without a target", async () => {
    const always = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const policyName = uniq("Standard support");
    const { policy, tag } = await createPolicy(always.id, {
      name: policyName,
      targets: { first_response: { normal: 60 } },
      breachActions: [{ type: "notify", recipients: ["owner", "team_lead"] }, { type: "raise_priority" }],
    });
    const owner = await makeUser(t.app, { role: "agent" });
    const c = await makeCase(t.app, owner.user.id, { tags: [tag] });
    const row = await breachAtDue(c.id, "first_response");
    expect((await owner.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json().priority).toBe("high");

    const sla = await slaOf(c.id, owner);
    expect(sla.policy?.id).toBe(policy.id);
    const breached = clock(sla, "first_response");
    expect(breached).toMatchObject({
      state: "running",
      breached: true,
      targetMinutes: null,
      dueAt: null,
      remainingMinutes: null,
    });
    expect(ms(breached.breachedAt)).toBe(row.dueAt.getTime());
    expect(breached.breach).toEqual({
      at: row.dueAt.toISOString(),
      policy: { id: policy.id, name: policyName },
      targetMinutes: 60,
      notified: [{ id: owner.user.id, name: owner.user.name, as: ["owner"] }],
      unreached: [{ as: "team_lead", reason: "the case has no team" }],
      actions: [`notified ${owner.user.name} (owner)`, "raised priority to high"],
    });

    const listed = async (query: string) =>
      (await owner.call({ method: "GET", url: `/api/v1/sla/breaching?ownerId=me&${query}` }))
        .json()
        .items.filter((i: { case: { id: string } }) => i.case.id === c.id)
        .map((i: { clock: TSlaClock }) => i.clock);
    const inList = await listed("withinMinutes=60");
    expect(inList.map((k: TSlaClock) => [k.metric, k.breached, k.targetMinutes])).toEqual([
      ["first_response", true, null],
    ]);
    expect(await listed("withinMinutes=60&includeBreached=false")).toEqual([]);

    expect(await breachEvents(c.id)).toEqual([
      {
        clockId: row.id,
        metric: "first_response",
        policyId: policy.id,
        at: row.dueAt.toISOString(),
        targetMinutes: 60,
        notified: [{ userId: owner.user.id, name: owner.user.name, as: ["owner"] }],
        unreached: [{ as: "team_lead", reason: "the case has no team" }],
        actions: [`notified ${owner.user.name} (owner)`, "raised priority to high"],
      },
    ]);
    const notices = await t.app.ctx.db.select().from(notifications).where(eq(notifications.caseId, c.id));
    expect(notices.map((n) => [n.kind, n.userId])).toEqual([["sla_breach", owner.user.id]]);
    expect(await threadEventLines(c.id, owner)).toContain(
      `First response SLA breached (target 1 h under "${policyName}"): notified ${owner.user.name} (owner); ` +
        "team lead not notified: the case has no team; raised priority to high.",
    );
    const history = (await owner.call({ method: "GET", url: `/api/v1/cases/${c.id}/history` })).json();
    expect(history.items.at(-1)).toMatchObject({
      by: { type: "system", name: "Extramile" },
      reason: "First response SLA breached",
      changes: [{ field: "priority", from: "normal", to: "high" }],
    });
  });

  it("keeps a breach visible when the case stops matching any policy", async () => {
    const always = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const { policy, tag } = await createPolicy(always.id, { targets: { resolution: { normal: 60 } } });
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    const row = await breachAtDue(c.id, "resolution");
    await patchCase(c.id, { tags: ["moved"] });
    const sla = await slaOf(c.id);
    expect(sla.policy).toBeNull();
    expect(sla.clocks).toHaveLength(1);
    expect(clock(sla, "resolution")).toMatchObject({
      policyId: null,
      targetMinutes: null,
      breached: true,
      breach: { at: row.dueAt.toISOString(), policy: { id: policy.id }, targetMinutes: 60, notified: [] },
    });
  });

  it("names who was notified, and why a team lead was not: a team without a lead, a team whose lead was deactivated", async () => {
    const always = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const { tag } = await createPolicy(always.id, {
      targets: { first_response: { normal: 60 } },
      breachActions: [{ type: "notify", recipients: ["owner", "team_lead", "director"] }],
    });
    const leaderless = await makeTeam(t.app, { memberIds: [agent.user.id] });
    const c1 = await makeCase(t.app, agent.user.id, { tags: [tag], teamId: leaderless.id });
    await breachAtDue(c1.id, "first_response");
    const [first] = await breachEvents(c1.id);
    expect(first).toMatchObject({
      notified: [{ userId: agent.user.id, name: agent.user.name, as: ["owner"] }],
      unreached: [
        { as: "team_lead", reason: `team ${leaderless.name} has no lead` },
        { as: "director", reason: "no department director" },
      ],
      actions: [`notified ${agent.user.name} (owner)`],
    });

    const lead = await makeUser(t.app, { role: "supervisor" });
    const led = await makeTeam(t.app, { leadId: lead.user.id, memberIds: [agent.user.id] });
    // Deactivating a lead ends their lead role, so the team has no lead when the breach comes.
    await deactivateUser(t.app.ctx, SYSTEM, lead.user.id, {});
    const c2 = await makeCase(t.app, agent.user.id, { tags: [tag], teamId: led.id });
    await breachAtDue(c2.id, "first_response");
    const [second] = await breachEvents(c2.id);
    expect(second).toMatchObject({
      notified: [{ userId: agent.user.id, as: ["owner"] }],
      unreached: [
        { as: "team_lead", reason: `team ${led.name} has no lead` },
        { as: "director", reason: "no department director" },
      ],
    });
    const notices = await t.app.ctx.db.select().from(notifications).where(eq(notifications.caseId, c2.id));
    expect(notices.map((n) => n.userId)).toEqual([agent.user.id]);
  });

  it("lists clocks breaching soon, soonest first, and only cases the caller may see", async () => {
    const always = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const { tag } = await createPolicy(always.id, { targets: { first_response: { normal: 20, urgent: 5 } } });
    const soon = await makeCase(t.app, agent.user.id, { tags: [tag], priority: "urgent" });
    const later = await makeCase(t.app, agent.user.id, { tags: [tag] });
    await settle(t.app, [soon.id, later.id]);
    const res = await agent.call({
      method: "GET",
      url: "/api/v1/sla/breaching?withinMinutes=30&metric=first_response&ownerId=me&limit=100",
    });
    expect(res.statusCode).toBe(200);
    const ids = res.json().items.map((i: { case: { id: string } }) => i.case.id);
    expect(ids.indexOf(soon.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(soon.id)).toBeLessThan(ids.indexOf(later.id));
    const within10 = await agent.call({ method: "GET", url: "/api/v1/sla/breaching?withinMinutes=10&ownerId=me" });
    const near = within10.json().items.map((i: { case: { id: string } }) => i.case.id);
    expect(near).toContain(soon.id);
    expect(near).not.toContain(later.id);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await agent.call({
        method: "GET",
        url: `/api/v1/sla/breaching?withinMinutes=30&ownerId=me&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
      });
      expect(page.statusCode).toBe(200);
      paged.push(
        ...page.json().items.map((i: { case: { id: string }; clock: TSlaClock }) => `${i.case.id}:${i.clock.metric}`),
      );
      cursor = page.json().nextCursor;
    } while (cursor);
    const whole = await agent.call({
      method: "GET",
      url: "/api/v1/sla/breaching?withinMinutes=30&ownerId=me&limit=100",
    });
    expect(paged).toEqual(
      whole.json().items.map((i: { case: { id: string }; clock: TSlaClock }) => `${i.case.id}:${i.clock.metric}`),
    );

    const outsider = await makeUser(t.app, { role: "employee" });
    const hidden = await outsider.call({ method: "GET", url: "/api/v1/sla/breaching?withinMinutes=30" });
    expect(hidden.json().items.map((i: { case: { id: string } }) => i.case.id)).not.toContain(soon.id);
    const batch = await agent.call({ method: "GET", url: `/api/v1/sla/clocks?caseIds=${soon.id},${later.id}` });
    expect(batch.json().items.map((s: TCaseSla) => s.caseId)).toEqual([soon.id, later.id]);
  });
});

describe("admin API for calendars and policies", () => {
  it("validates with field names and refuses non-admins", async () => {
    const overlap = await admin.call({
      method: "POST",
      url: "/api/v1/sla/calendars",
      payload: {
        name: uniq("cal"),
        timeZone: "Europe/Berlin",
        weeklyHours: [
          { weekday: 1, start: "09:00", end: "13:00" },
          { weekday: 1, start: "12:00", end: "17:00" },
        ],
      },
    });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().error.field).toBe("weeklyHours.1");
    const zone = await admin.call({
      method: "POST",
      url: "/api/v1/sla/calendars",
      payload: { name: uniq("cal"), timeZone: "Mars/Olympus", alwaysOpen: true },
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().error.field).toBe("timeZone");
    const closed = await admin.call({
      method: "POST",
      url: "/api/v1/sla/calendars",
      payload: { name: uniq("cal"), timeZone: "UTC" },
    });
    expect(closed.json().error.field).toBe("weeklyHours");

    const calendar = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const badTeam = await admin.call({
      method: "POST",
      url: "/api/v1/sla/policies",
      payload: {
        name: uniq("p"),
        calendarId: calendar.id,
        targets: {},
        conditions: { tags: [uniq("x")] },
        breachActions: [{ type: "reassign_team", teamId: "00000000-0000-4000-8000-00000000dead" }],
      },
    });
    expect(badTeam.statusCode).toBe(400);
    expect(badTeam.json().error.field).toBe("breachActions.0.teamId");
    const badTarget = await admin.call({
      method: "POST",
      url: "/api/v1/sla/policies",
      payload: { name: uniq("p"), calendarId: calendar.id, targets: { resolution: { normal: 0 } } },
    });
    expect(badTarget.statusCode).toBe(400);
    expect(badTarget.json().error.field).toBe("targets.resolution.normal");

    const denied = await agent.call({
      method: "POST",
      url: "/api/v1/sla/calendars",
      payload: { name: uniq("cal"), timeZone: "UTC", alwaysOpen: true },
    });
    expect(denied.statusCode).toBe(403);
  });

  it("keeps a policy open cases follow until it is deactivated, and a calendar in use", async () => {
    const calendar = await createCalendar({ timeZone: "UTC", alwaysOpen: true });
    const { policy, tag } = await createPolicy(calendar.id);
    const c = await makeCase(t.app, agent.user.id, { tags: [tag] });
    await settle(t.app, [c.id]);
    const refused = await admin.call({ method: "DELETE", url: `/api/v1/sla/policies/${policy.id}` });
    expect(refused.statusCode).toBe(409);
    expect((await admin.call({ method: "DELETE", url: `/api/v1/sla/calendars/${calendar.id}` })).statusCode).toBe(409);
    const deactivated = await admin.call({
      method: "PATCH",
      url: `/api/v1/sla/policies/${policy.id}`,
      headers: { "if-match": `"${policy.version}"` },
      payload: { active: false },
    });
    expect(deactivated.statusCode).toBe(200);
    expect(await slaOf(c.id)).toMatchObject({ policy: null, clocks: [] });
    expect((await admin.call({ method: "DELETE", url: `/api/v1/sla/policies/${policy.id}` })).statusCode).toBe(200);
    expect((await admin.call({ method: "DELETE", url: `/api/v1/sla/calendars/${calendar.id}` })).statusCode).toBe(200);
  });
});
