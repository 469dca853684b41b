import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeDepartment, makeTeam, makeUser, type TestUser } from "../../../../test/factories";
import { settle } from "../../../../test/settle";
import type { TCrackItem, TCracksReport } from "../../../shared/contracts/accountability";
import type { TCase } from "../../../shared/contracts/cases";
import { notifications } from "../../db/schema/index";
import { SYSTEM } from "../../platform/actor";
import { breakDueCommitment } from "../commitments/commitments.service";
import { updateUser } from "../users/users.service";
import { buildDigestForUser } from "./accountability.service";

let t: TestApp;
let supervisor: TestUser;
let agent: TestUser;
let away: TestUser;
let outsider: TestUser;
let department: { id: string };
const cases: Record<"overdue" | "quiet" | "ownerAway" | "elsewhere" | "promise", TCase> = {} as never;
const HOUR = 3_600_000;

/** Zone where it is now early afternoon, so the digest hour (07:00 local) has passed. */
const zoneWhereItIsAfternoon = (): string => {
  const offset = 14 - new Date().getUTCHours();
  return offset === 0 ? "Etc/GMT" : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
};

beforeAll(async () => {
  t = await startTestApp();
  department = await makeDepartment(t.app, "service");
  const other = await makeDepartment(t.app, "operations");
  supervisor = await makeUser(t.app, { role: "supervisor", departmentId: department.id });
  agent = await makeUser(t.app, { role: "agent", departmentId: department.id });
  away = await makeUser(t.app, { role: "agent", departmentId: department.id });
  outsider = await makeUser(t.app, { role: "employee", departmentId: other.id });
  const team = await makeTeam(t.app, { departmentId: department.id, memberIds: [agent.user.id, away.user.id] });
  const db = t.app.ctx.db;

  cases.overdue = await makeCase(t.app, agent.user.id, { teamId: team.id, nextStepDueAt: new Date(Date.now() - HOUR) });
  cases.quiet = await makeCase(t.app, agent.user.id, { teamId: team.id });
  cases.ownerAway = await makeCase(t.app, away.user.id, { teamId: team.id });
  cases.elsewhere = await makeCase(t.app, outsider.user.id, { teamId: team.id });
  cases.promise = await makeCase(t.app, agent.user.id, { teamId: team.id });
  await settle(
    t.app,
    Object.values(cases).map((c) => c.id),
  );

  await db.execute(sql`UPDATE cases SET updated_at = now() - interval '3 days' WHERE id = ${cases.quiet.id}`);
  await db.execute(
    sql`UPDATE events SET created_at = now() - interval '2 days' WHERE case_id = ${cases.elsewhere.id} AND type = 'case.created'`,
  );
  const leave = await away.call({
    method: "POST",
    url: "/api/v1/leave",
    payload: {
      startsAt: new Date(Date.now() - HOUR).toISOString(),
      endsAt: new Date(Date.now() + 3 * 24 * HOUR).toISOString(),
      note: "Holiday",
    },
  });
  expect(leave.statusCode).toBe(201);
  const made = await agent.call({
    method: "POST",
    url: `/api/v1/cases/${cases.promise.id}/commitments`,
    payload: { kind: "callback", description: "Call back", dueAt: new Date(Date.now() + HOUR).toISOString() },
  });
  const due = new Date(made.json().dueAt);
  await breakDueCommitment(
    t.app.ctx,
    { commitmentId: made.json().id, dueAt: due.toISOString() },
    new Date(due.getTime() + 1),
  );
});
afterAll(async () => await t.close());

const kindsOf = (report: TCracksReport, c: TCase): string[] =>
  report.items.filter((i: TCrackItem) => i.case.id === c.id).map((i) => i.kind);

describe("the cracks report", () => {
  it("finds every kind of crack in the department, counted per person, team and department", async () => {
    const res = await supervisor.call({ method: "GET", url: `/api/v1/cracks?departmentId=${department.id}` });
    expect(res.statusCode).toBe(200);
    const report: TCracksReport = res.json();
    expect(kindsOf(report, cases.overdue)).toEqual(["overdue_next_step"]);
    expect(kindsOf(report, cases.quiet)).toEqual(["no_activity"]);
    expect(kindsOf(report, cases.ownerAway)).toEqual(["owner_unavailable"]);
    expect(kindsOf(report, cases.elsewhere)).toEqual(["waiting_on_other_department"]);
    expect(kindsOf(report, cases.promise)).toEqual(["broken_promise"]);
    expect(report.totals).toMatchObject({ total: 5, broken_promise: 1, waiting_on_other_department: 1 });

    const person = report.byPerson.find((g) => g.id === agent.user.id);
    expect(person?.counts).toMatchObject({ overdue_next_step: 1, no_activity: 1, broken_promise: 1, total: 3 });
    expect(report.byTeam).toHaveLength(1);
    expect(report.byTeam[0]?.counts.total).toBe(5);
    const byDepartment = new Map(report.byDepartment.map((g) => [g.id, g.counts.total]));
    expect(byDepartment.get(department.id)).toBe(4);
    expect(report.items.find((i) => i.kind === "owner_unavailable")?.detail).toMatch(/on leave until/);
  });

  it("writes times in its texts as people read them, in the time zone asked for", async () => {
    const url = `/api/v1/cracks?departmentId=${department.id}&timeZone=Asia/Kolkata`;
    const report: TCracksReport = (await supervisor.call({ method: "GET", url })).json();
    const overdue = report.items.find((i) => i.case.id === cases.overdue.id);
    const due = new Date(overdue?.since ?? 0);
    const local = new Date(due.getTime() + 330 * 60_000);
    const hhmm = `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
    expect(overdue?.detail).toContain(`was due`);
    expect(overdue?.detail).toContain(`${local.getUTCDate()} `);
    expect(overdue?.detail).toContain(hhmm);
    for (const item of report.items) expect(item.detail).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const bad = await supervisor.call({ method: "GET", url: "/api/v1/cracks?timeZone=Mars/Olympus" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("timeZone");
  });

  it("shows others only their own cracks", async () => {
    const own: TCracksReport = (await agent.call({ method: "GET", url: "/api/v1/cracks" })).json();
    expect(new Set(own.items.map((i) => i.person?.id))).toEqual(new Set([agent.user.id]));
    expect(own.totals.total).toBeGreaterThanOrEqual(3);
    const others = await agent.call({ method: "GET", url: `/api/v1/cracks?ownerId=${away.user.id}` });
    expect(others.statusCode).toBe(403);
    expect(others.json().error.field).toBe("ownerId");
  });

  it("lists what to hand over before leave", async () => {
    const leaves = (await supervisor.call({ method: "GET", url: `/api/v1/leave?userId=${away.user.id}` })).json().items;
    expect(leaves).toHaveLength(1);
    expect(leaves[0]).toMatchObject({ note: "Holiday", abilities: { delete: true, handover: true } });
    const handover = await away.call({ method: "GET", url: `/api/v1/leave/${leaves[0].id}/handover` });
    expect(handover.statusCode).toBe(200);
    expect(handover.json().cases.map((c: { id: string }) => c.id)).toEqual([cases.ownerAway.id]);
    const overlapping = await away.call({
      method: "POST",
      url: "/api/v1/leave",
      payload: { startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() },
    });
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json().error.field).toBe("startsAt");
    const notMine = await agent.call({ method: "GET", url: `/api/v1/leave/${leaves[0].id}/handover` });
    expect(notMine.statusCode).toBe(403);
  });

  it("builds the supervisor's daily digest once, stored for the email channel, with a notice", async () => {
    await updateUser(t.app.ctx, SYSTEM, supervisor.user.id, { timeZone: zoneWhereItIsAfternoon() });
    expect(await buildDigestForUser(t.app.ctx, supervisor.user.id)).toBe(true);
    expect(await buildDigestForUser(t.app.ctx, supervisor.user.id)).toBe(false);
    const digests = (await supervisor.call({ method: "GET", url: "/api/v1/cracks/digests" })).json().items;
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ sentAt: null, report: { totals: { total: 5 } } });
    expect(digests[0].bodyText).toContain(`#${cases.overdue.number}`);
    expect(digests[0].bodyText).toContain("Broken promises (1)");
    const notices = await t.app.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, supervisor.user.id), eq(notifications.kind, "cracks_digest")));
    expect(notices).toHaveLength(1);
  });
});
