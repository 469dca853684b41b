import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamReportJob } from "../../src/server/domains/accountability/root-causes.jobs";
import {
  generateUpstreamReports,
  overdueCorrectiveActions,
} from "../../src/server/domains/accountability/upstream.service";
import { updateDepartment } from "../../src/server/domains/departments/departments.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeDepartment, makeUser, type TestUser, uniq } from "../factories";

let t: TestApp;
let admin: TestUser;
let supervisor: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.app, { role: "admin" });
  supervisor = await makeUser(t.app, { role: "supervisor" });
});
afterAll(async () => await t.close());

const category = async (name = uniq("Packaging")): Promise<{ id: string; name: string; version: number }> => {
  const res = await admin.call({ method: "POST", url: "/api/v1/root-cause-categories", payload: { name } });
  expect(res.statusCode).toBe(201);
  return res.json();
};

const versionOf = async (id: string): Promise<number> =>
  (await t.app.ctx.db.execute<{ version: number }>(sql`SELECT version FROM cases WHERE id = ${id}`)).rows[0]?.version ??
  0;

const patchCase = async (u: TestUser, id: string, payload: Record<string, unknown>) =>
  await u.call({
    method: "PATCH",
    url: `/api/v1/cases/${id}`,
    headers: { "if-match": String(await versionOf(id)) },
    payload,
  });

const recordRootCause = async (u: TestUser, caseId: string, payload: Record<string, unknown>) =>
  await u.call({ method: "PUT", url: `/api/v1/cases/${caseId}/root-cause`, payload });

describe("root cause categories", () => {
  it("are managed by admins and listed for everyone", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    const denied = await agent.call({ method: "POST", url: "/api/v1/root-cause-categories", payload: { name: "x" } });
    expect(denied.statusCode).toBe(403);
    const made = await category();
    const twice = await admin.call({
      method: "POST",
      url: "/api/v1/root-cause-categories",
      payload: { name: made.name.toUpperCase() },
    });
    expect(twice.statusCode).toBe(409);
    const listed = (await agent.call({ method: "GET", url: "/api/v1/root-cause-categories" })).json().items;
    expect(listed.map((c: { id: string }) => c.id)).toContain(made.id);
    const retired = await admin.call({
      method: "PATCH",
      url: `/api/v1/root-cause-categories/${made.id}`,
      headers: { "if-match": `"${made.version}"` },
      payload: { active: false },
    });
    expect(retired.json().active).toBe(false);
  });
});

describe("solving needs a root cause for complaints and incidents", () => {
  it("refuses to solve a complaint or incident without one (422 naming rootCause); other types solve as before", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    for (const type of ["complaint", "incident"] as const) {
      const c = await makeCase(t.app, agent.user.id, { type });
      const res = await patchCase(agent, c.id, { status: "solved" });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.field).toBe("rootCause");
    }
    const question = await makeCase(t.app, agent.user.id, { type: "question" });
    expect((await patchCase(agent, question.id, { status: "solved" })).statusCode).toBe(200);
    const later = await makeCase(t.app, agent.user.id, { type: "question" });
    const retyped = await patchCase(agent, later.id, { type: "complaint", status: "solved" });
    expect(retyped.json().error.field).toBe("rootCause");
  });

  it("records the originating department (or customer / no fault), a category and a description", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    const ops = await makeDepartment(t.app, "operations");
    const cat = await category();
    const c = await makeCase(t.app, agent.user.id, { type: "complaint" });
    const noDepartment = await recordRootCause(agent, c.id, {
      origin: "department",
      categoryId: cat.id,
      description: "x",
    });
    expect(noDepartment.json().error.field).toBe("departmentId");
    const customerWithDepartment = await recordRootCause(agent, c.id, {
      origin: "customer",
      departmentId: ops.id,
      categoryId: cat.id,
      description: "x",
    });
    expect(customerWithDepartment.json().error.field).toBe("departmentId");
    const retired = await category();
    const retiring = await admin.call({
      method: "PATCH",
      url: `/api/v1/root-cause-categories/${retired.id}`,
      headers: { "if-match": `"${retired.version}"` },
      payload: { active: false },
    });
    expect(retiring.statusCode).toBe(200);
    const inactive = await recordRootCause(agent, c.id, {
      origin: "department",
      departmentId: ops.id,
      categoryId: retired.id,
      description: "x",
    });
    expect(inactive.json().error.field).toBe("categoryId");
    const ok = await recordRootCause(agent, c.id, {
      origin: "department",
      departmentId: ops.id,
      categoryId: cat.id,
      description: "Pallet wrapped too loosely at the warehouse",
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      required: true,
      rootCause: { origin: "department", department: { id: ops.id }, category: { id: cat.id } },
      abilities: { record: true, correctCost: true },
    });
    expect((await patchCase(agent, c.id, { status: "solved" })).statusCode).toBe(200);
    const outsider = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    expect((await outsider.call({ method: "GET", url: `/api/v1/cases/${c.id}/root-cause` })).statusCode).toBe(404);
  });
});

describe("cost of failure", () => {
  it("is remedies plus handling time × the handling department's rate, recomputed on every change", async () => {
    const service = await makeDepartment(t.app, "service");
    const agent = await makeUser(t.app, { role: "agent", departmentId: service.id });
    const cat = await category();
    const c = await makeCase(t.app, agent.user.id, { type: "incident" });
    await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/remedies`,
      payload: { kind: "credit", amountMinor: 5000, currency: "EUR", description: "Credit note" },
    });
    const recorded = await recordRootCause(agent, c.id, {
      origin: "customer",
      categoryId: cat.id,
      description: "Operated outside the spec",
    });
    expect(recorded.json().cost).toMatchObject({
      measuredMinutes: 5,
      totals: [{ currency: "EUR", remediesMinor: 5000, handlingMinor: 500, handlingMinutes: 5, totalMinor: 5500 }],
    });

    await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: {
        kind: "phone",
        body: "Walked him through it",
        phone: { direction: "outbound", durationSeconds: 1200 },
      },
    });
    await t.app.ctx.events.drain();
    const afterCall = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/root-cause` })).json();
    expect(afterCall.cost.totals[0]).toMatchObject({ handlingMinutes: 25, handlingMinor: 2500, totalMinor: 7500 });

    const outsider = await makeUser(t.app, { role: "agent" });
    const refused = await outsider.call({
      method: "PUT",
      url: `/api/v1/cases/${c.id}/cost-correction`,
      payload: { minutes: 30, reason: "x" },
    });
    expect(refused.statusCode).toBe(403);
    const corrected = await agent.call({
      method: "PUT",
      url: `/api/v1/cases/${c.id}/cost-correction`,
      payload: { minutes: 30, reason: "Two calls from my mobile, not logged" },
    });
    expect(corrected.json().cost).toMatchObject({
      correctionMinutes: 30,
      correctionReason: "Two calls from my mobile, not logged",
      totals: [{ handlingMinutes: 55, handlingMinor: 5500, totalMinor: 10_500 }],
    });

    await updateDepartment(t.app.ctx, SYSTEM, service.id, service.version, { hourlyCostMinor: 12_000 });
    await t.app.ctx.events.drain();
    const repriced = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/root-cause` })).json();
    expect(repriced.cost.totals[0]).toMatchObject({ handlingMinor: 11_000, totalMinor: 16_000 });

    const ledger = (
      await supervisor.call({ method: "GET", url: "/api/v1/remedies/ledger?groupBy=root_cause&currency=EUR" })
    ).json();
    expect(ledger.rows.find((r: { key: string }) => r.key === cat.id)).toMatchObject({
      label: cat.name,
      totalMinor: 5000,
    });
  });
});

describe("charged upstream", () => {
  const setUp = async () => {
    const ops = await makeDepartment(t.app, "operations");
    const director = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    await updateDepartment(t.app.ctx, SYSTEM, ops.id, ops.version, { directorId: director.user.id });
    const worker = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    const service = await makeDepartment(t.app, "service");
    const agent = await makeUser(t.app, { role: "agent", departmentId: service.id });
    const packaging = await category();
    const labels = await category();
    const caseIds: string[] = [];
    for (const [i, cat] of [packaging, packaging, packaging, labels].entries()) {
      const c = await makeCase(t.app, agent.user.id, { type: "complaint", subject: `Damaged ${i}` });
      await agent.call({
        method: "POST",
        url: `/api/v1/cases/${c.id}/remedies`,
        payload: { kind: "replacement", amountMinor: 1000 * (i + 1), currency: "EUR", description: "New unit" },
      });
      await recordRootCause(agent, c.id, {
        origin: "department",
        departmentId: ops.id,
        categoryId: cat.id,
        description: "Loose wrapping",
      });
      caseIds.push(c.id);
    }
    return { ops, director, worker, agent, packaging, labels, caseIds };
  };

  it("shows a department its cases, cost by month and category, and repeat failures", async () => {
    const { ops, director, worker, agent, packaging, caseIds } = await setUp();
    const view = (await director.call({ method: "GET", url: `/api/v1/departments/${ops.id}/upstream` })).json();
    expect(view.cases.map((c: { caseId: string }) => c.caseId).sort()).toEqual([...caseIds].sort());
    const month = new Date().toISOString().slice(0, 7);
    const thisMonth = view.costByMonth.find((m: { month: string; currency: string }) => m.month === month);
    expect(thisMonth).toMatchObject({ currency: "EUR", cases: 4, remediesMinor: 10_000 });
    expect(thisMonth.handlingMinor).toBeGreaterThan(0);
    const top = view.costByCategory[0];
    expect(top).toMatchObject({ category: { id: packaging.id }, cases: 3 });
    expect(view.repeatFailures).toMatchObject({ threshold: 3, windowDays: 90 });
    expect(view.repeatFailures.items).toEqual([
      expect.objectContaining({ category: { id: packaging.id, name: packaging.name }, count: 3 }),
    ]);
    const stricter = (
      await worker.call({ method: "GET", url: `/api/v1/departments/${ops.id}/upstream?repeatThreshold=4` })
    ).json();
    expect(stricter.repeatFailures.items).toEqual([]);
    expect(view.abilities).toEqual({ manageActions: true });
    expect(stricter.abilities).toEqual({ manageActions: false });
    expect((await supervisor.call({ method: "GET", url: `/api/v1/departments/${ops.id}/upstream` })).statusCode).toBe(
      200,
    );
    expect((await agent.call({ method: "GET", url: `/api/v1/departments/${ops.id}/upstream` })).statusCode).toBe(404);
  });

  it("tracks corrective actions owned in the department; overdue ones are queryable for the cracks report", async () => {
    const { ops, director, worker, agent, packaging, caseIds } = await setUp();
    const base = {
      departmentId: ops.id,
      categoryId: packaging.id,
      title: "Switch to reinforced stretch film",
      caseIds: caseIds.slice(0, 3),
    };
    const byAgent = await agent.call({
      method: "POST",
      url: "/api/v1/corrective-actions",
      payload: { ...base, ownerId: worker.user.id, dueAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(byAgent.statusCode).toBe(403);
    const ownerOutside = await director.call({
      method: "POST",
      url: "/api/v1/corrective-actions",
      payload: { ...base, ownerId: agent.user.id, dueAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(ownerOutside.statusCode).toBe(422);
    expect(ownerOutside.json().error.field).toBe("ownerId");
    const late = await director.call({
      method: "POST",
      url: "/api/v1/corrective-actions",
      payload: { ...base, ownerId: worker.user.id, dueAt: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ overdue: true, status: "open", owner: { id: worker.user.id } });
    expect(late.json().caseIds).toHaveLength(3);

    const overdue = (await director.call({ method: "GET", url: "/api/v1/corrective-actions?overdue=true" })).json();
    expect(overdue.items.map((a: { id: string }) => a.id)).toContain(late.json().id);
    expect((await overdueCorrectiveActions(t.app.ctx.db, new Date())).map((a) => a.id)).toContain(late.json().id);
    const mine = (await worker.call({ method: "GET", url: "/api/v1/corrective-actions" })).json();
    expect(mine.items.map((a: { id: string }) => a.id)).toContain(late.json().id);
    const notVisible = (await agent.call({ method: "GET", url: "/api/v1/corrective-actions" })).json();
    expect(notVisible.items.map((a: { id: string }) => a.id)).not.toContain(late.json().id);

    expect(
      (
        await agent.call({
          method: "PATCH",
          url: `/api/v1/corrective-actions/${late.json().id}`,
          payload: { status: "done" },
        })
      ).statusCode,
    ).toBe(404);
    const progress = await worker.call({
      method: "PATCH",
      url: `/api/v1/corrective-actions/${late.json().id}`,
      payload: { status: "in_progress" },
    });
    expect(progress.json()).toMatchObject({ status: "in_progress", overdue: true });
    const done = await worker.call({
      method: "PATCH",
      url: `/api/v1/corrective-actions/${late.json().id}`,
      payload: { status: "done" },
    });
    expect(done.json()).toMatchObject({ status: "done", overdue: false });
    expect(done.json().completedAt).not.toBeNull();
    expect((await overdueCorrectiveActions(t.app.ctx.db, new Date())).map((a) => a.id)).not.toContain(late.json().id);
    const view = (await director.call({ method: "GET", url: `/api/v1/departments/${ops.id}/upstream` })).json();
    expect(view.correctiveActions.map((a: { id: string }) => a.id)).toEqual([late.json().id]);
  });

  it("the monthly job stores a report per department director (not sent: that is the email channel's)", async () => {
    const { ops, director, agent, packaging } = await setUp();
    expect(upstreamReportJob(t.app.ctx).cron).toBe("0 6 1 * *");
    const month = new Date().toISOString().slice(0, 7);
    await upstreamReportJob(t.app.ctx).handler({ month });
    expect(await generateUpstreamReports(t.app.ctx, month)).toBeGreaterThan(0);
    const listed = (
      await director.call({ method: "GET", url: `/api/v1/upstream-reports?departmentId=${ops.id}&month=${month}` })
    ).json().items;
    expect(listed).toHaveLength(1);
    const [report] = listed;
    expect(report).toMatchObject({
      department: { id: ops.id },
      director: { id: director.user.id },
      month,
      sentAt: null,
      content: {
        cases: 4,
        byCategory: [{ category: { id: packaging.id }, cases: 3 }, expect.anything()],
        repeatFailures: [{ category: { id: packaging.id }, count: 3 }],
      },
    });
    expect(report.content.costs[0]).toMatchObject({ currency: "EUR", remediesMinor: 10_000 });
    expect(report.bodyText).toMatch(/Repeat failures:/);
    expect((await director.call({ method: "GET", url: `/api/v1/upstream-reports/${report.id}` })).statusCode).toBe(200);
    expect((await agent.call({ method: "GET", url: `/api/v1/upstream-reports/${report.id}` })).statusCode).toBe(404);
    const forAgent = (
      await agent.call({ method: "GET", url: `/api/v1/upstream-reports?departmentId=${ops.id}` })
    ).json();
    expect(forAgent.items).toEqual([]);
  });
});
