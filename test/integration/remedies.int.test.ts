import { sql } from "drizzle-orm";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateDepartment } from "../../src/server/domains/departments/departments.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeDepartment, makeUser, type TestUser, uniq } from "../factories";

let t: TestApp;
let admin: TestUser;
let supervisor: TestUser;
let executive: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.app, { role: "admin" });
  supervisor = await makeUser(t.app, { role: "supervisor" });
  executive = await makeUser(t.app, { role: "executive" });
});
afterAll(async () => await t.close());

const grant = async (u: TestUser, caseId: string, payload: Record<string, unknown>) =>
  await u.call({ method: "POST", url: `/api/v1/cases/${caseId}/remedies`, payload });

const refund = (amountMinor: number, currency = "EUR", justification?: string) => ({
  kind: "refund",
  amountMinor,
  currency,
  description: "Refund of the delivery fee",
  ...(justification ? { justification } : {}),
});

const limitFor = async (payload: Record<string, unknown>) => {
  const res = await admin.call({ method: "POST", url: "/api/v1/authority-limits", payload });
  expect(res.statusCode).toBe(201);
  return res.json();
};

describe("delegated authority", () => {
  it("within the limit a remedy is granted at once, recorded on the case, with the remaining authority", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    const c = await makeCase(t.app, agent.user.id);
    const res = await grant(agent, c.id, refund(5000));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      remedy: { kind: "refund", amountMinor: 5000, currency: "EUR", aboveLimit: "no", reviewStatus: "not_required" },
      authority: { perRemedyMinor: 25_000, per30DaysMinor: 150_000, usedLast30DaysMinor: 5000, source: "default" },
    });
    expect(res.json().authority.remainingLast30DaysMinor).toBe(145_000);
    const list = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/remedies` })).json();
    expect(list.totals).toEqual([{ currency: "EUR", amountMinor: 5000 }]);
    expect(list.authority.remainingLast30DaysMinor).toBe(145_000);
    const thread = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` })).json().items;
    expect(thread.at(-1).bodyText).toMatch(/granted refund \(€50\.00\)/);
  });

  it("above the limit it is still granted, with a written justification, and flagged for review", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    const c = await makeCase(t.app, agent.user.id);
    const unjustified = await grant(agent, c.id, refund(40_000));
    expect(unjustified.statusCode).toBe(422);
    expect(unjustified.json().error.field).toBe("justification");
    const justified = await grant(agent, c.id, refund(40_000, "EUR", "Third failed delivery; customer lost a day"));
    expect(justified.statusCode).toBe(201);
    expect(justified.json().remedy).toMatchObject({ aboveLimit: "per_remedy", reviewStatus: "pending" });
    expect(justified.json().authority.remainingLast30DaysMinor).toBe(110_000);
  });

  it("the rolling 30 days count what the person granted in that currency, and nothing older", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    await limitFor({ userId: agent.user.id, currency: "EUR", perRemedyMinor: 8000, per30DaysMinor: 10_000 });
    const c = await makeCase(t.app, agent.user.id);
    expect((await grant(agent, c.id, refund(6000))).json().remedy.aboveLimit).toBe("no");
    const second = await grant(agent, c.id, refund(5000));
    expect(second.statusCode).toBe(422);
    const flagged = await grant(agent, c.id, refund(5000, "EUR", "Customer waited two weeks"));
    expect(flagged.json()).toMatchObject({
      remedy: { aboveLimit: "per_30_days" },
      authority: { source: "user", usedLast30DaysMinor: 11_000, remainingLast30DaysMinor: 0 },
    });
    expect((await grant(agent, c.id, refund(6000, "USD"))).json().remedy.aboveLimit).toBe("no");
    await t.app.ctx.db.execute(
      sql`UPDATE remedies SET granted_at = now() - interval '31 days' WHERE granted_by_id = ${agent.user.id}`,
    );
    const fresh = (await agent.call({ method: "GET", url: "/api/v1/remedies/authority?currency=EUR" })).json();
    expect(fresh).toMatchObject({ usedLast30DaysMinor: 0, remainingLast30DaysMinor: 10_000 });
  });

  it("a person's own limit beats their role's, which beats the default; limits are per currency", async () => {
    const currency = "SEK";
    await limitFor({ role: "employee", currency, perRemedyMinor: 2000, per30DaysMinor: 3000 });
    const employee = await makeUser(t.app, { role: "employee" });
    const special = await makeUser(t.app, { role: "employee" });
    await limitFor({ userId: special.user.id, currency, perRemedyMinor: 90_000, per30DaysMinor: 90_000 });
    const mine = (
      await employee.call({ method: "GET", url: `/api/v1/remedies/authority?currency=${currency}` })
    ).json();
    expect(mine).toMatchObject({ perRemedyMinor: 2000, source: "role" });
    const theirs = (
      await special.call({ method: "GET", url: `/api/v1/remedies/authority?currency=${currency}` })
    ).json();
    expect(theirs).toMatchObject({ perRemedyMinor: 90_000, source: "user" });
    const eur = (await employee.call({ method: "GET", url: "/api/v1/remedies/authority?currency=EUR" })).json();
    expect(eur).toMatchObject({ perRemedyMinor: 10_000, source: "default" });
  });

  it("only admins manage limits; a limit names a role or a person, once per currency", async () => {
    const agent = await makeUser(t.app, { role: "agent" });
    const denied = await agent.call({
      method: "POST",
      url: "/api/v1/authority-limits",
      payload: { role: "agent", currency: "DKK", perRemedyMinor: 1, per30DaysMinor: 1 },
    });
    expect(denied.statusCode).toBe(403);
    const both = await admin.call({
      method: "POST",
      url: "/api/v1/authority-limits",
      payload: { role: "agent", userId: agent.user.id, currency: "DKK", perRemedyMinor: 1, per30DaysMinor: 1 },
    });
    expect(both.statusCode).toBe(400);
    const created = await limitFor({ role: "agent", currency: "DKK", perRemedyMinor: 5000, per30DaysMinor: 9000 });
    const again = await admin.call({
      method: "POST",
      url: "/api/v1/authority-limits",
      payload: { role: "agent", currency: "DKK", perRemedyMinor: 1, per30DaysMinor: 1 },
    });
    expect(again.statusCode).toBe(409);
    const changed = await admin.call({
      method: "PATCH",
      url: `/api/v1/authority-limits/${created.id}`,
      headers: { "if-match": `"${created.version}"` },
      payload: { per30DaysMinor: 20_000 },
    });
    expect(changed.json()).toMatchObject({ role: "agent", perRemedyMinor: 5000, per30DaysMinor: 20_000 });
    const listed = (await admin.call({ method: "GET", url: "/api/v1/authority-limits" })).json().items;
    expect(listed.map((l: { id: string }) => l.id)).toContain(created.id);
    expect((await admin.call({ method: "DELETE", url: `/api/v1/authority-limits/${created.id}` })).statusCode).toBe(
      200,
    );
  });

  it("a case the employee cannot see takes no remedy from them", async () => {
    const ops = await makeDepartment(t.app, "operations");
    const outsider = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    const agent = await makeUser(t.app, { role: "agent" });
    const c = await makeCase(t.app, agent.user.id);
    expect((await grant(outsider, c.id, refund(100))).statusCode).toBe(404);
  });
});

describe("after-the-fact review", () => {
  it("supervisors and the granter's director review flagged remedies; discussing never takes the remedy back", async () => {
    const dept = await makeDepartment(t.app, "service");
    const director = await makeUser(t.app, { role: "employee", departmentId: dept.id });
    await updateDepartment(t.app.ctx, SYSTEM, dept.id, dept.version, { directorId: director.user.id });
    const agent = await makeUser(t.app, { role: "agent", departmentId: dept.id });
    const c = await makeCase(t.app, agent.user.id);
    const flagged = (await grant(agent, c.id, refund(30_000, "EUR", "Lost a production day"))).json().remedy;
    const within = (await grant(agent, c.id, refund(100))).json().remedy;

    const directorQueue = (await director.call({ method: "GET", url: "/api/v1/remedies/reviews" })).json().items;
    expect(directorQueue.map((r: { id: string }) => r.id)).toEqual([flagged.id]);
    expect(
      (await supervisor.call({ method: "GET", url: "/api/v1/remedies/reviews" }))
        .json()
        .items.map((r: { id: string }) => r.id),
    ).toContain(flagged.id);
    expect((await agent.call({ method: "GET", url: "/api/v1/remedies/reviews" })).statusCode).toBe(403);

    const url = `/api/v1/remedies/${flagged.id}/review`;
    expect((await agent.call({ method: "POST", url, payload: { outcome: "approve" } })).statusCode).toBe(403);
    const noNote = await director.call({ method: "POST", url, payload: { outcome: "discuss" } });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.field).toBe("note");
    const discuss = await director.call({
      method: "POST",
      url,
      payload: { outcome: "discuss", note: "Fine this time; next time call the carrier first." },
    });
    expect(discuss.json()).toMatchObject({
      reviewStatus: "discuss",
      amountMinor: 30_000,
      review: { by: { id: director.user.id } },
    });
    const onCase = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/remedies` })).json();
    expect(onCase.totals).toEqual([{ currency: "EUR", amountMinor: 30_100 }]);
    expect((await supervisor.call({ method: "POST", url, payload: { outcome: "approve" } })).json().reviewStatus).toBe(
      "approved",
    );
    expect((await supervisor.call({ method: "POST", url, payload: { outcome: "approve" } })).statusCode).toBe(422);
    const nothing = await supervisor.call({
      method: "POST",
      url: `/api/v1/remedies/${within.id}/review`,
      payload: { outcome: "approve" },
    });
    expect(nothing.statusCode).toBe(422);
  });

  it("nobody reviews their own remedy", async () => {
    const lead = await makeUser(t.app, { role: "supervisor" });
    const c = await makeCase(t.app, lead.user.id);
    const mine = (await grant(lead, c.id, refund(200_000, "EUR", "Whole order refunded"))).json().remedy;
    const res = await lead.call({
      method: "POST",
      url: `/api/v1/remedies/${mine.id}/review`,
      payload: { outcome: "approve" },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe("the remedy ledger", () => {
  it("totals by department, person, organization and month, scoped for directors, and exports CSV", async () => {
    const currency = "NOK";
    const deptA = await makeDepartment(t.app, "service");
    const deptB = await makeDepartment(t.app, "service");
    const director = await makeUser(t.app, { role: "employee", departmentId: deptA.id });
    await updateDepartment(t.app.ctx, SYSTEM, deptA.id, deptA.version, { directorId: director.user.id });
    const ann = await makeUser(t.app, { role: "agent", departmentId: deptA.id, name: `Ann ${uniq()}` });
    const bob = await makeUser(t.app, { role: "agent", departmentId: deptB.id, name: `Bob ${uniq()}` });
    const org = (
      await admin.call({ method: "POST", url: "/api/v1/organizations", payload: { name: uniq("Org") } })
    ).json();
    const c = await makeCase(t.app, ann.user.id, { organizationId: org.id });
    await grant(ann, c.id, { ...refund(1000, currency), description: '=HYPERLINK("http://x")' });
    await grant(ann, c.id, { kind: "goodwill_gift", amountMinor: 500, currency, description: "Flowers" });
    await grant(bob, c.id, {
      kind: "credit",
      amountMinor: 70_000,
      currency,
      description: "Credit note",
      justification: "Contract penalty",
    });

    const ledger = async (u: TestUser, groupBy: string) =>
      await u.call({ method: "GET", url: `/api/v1/remedies/ledger?groupBy=${groupBy}&currency=${currency}` });
    const byDept = (await ledger(supervisor, "department")).json().rows;
    expect(byDept.find((r: { key: string }) => r.key === deptA.id)).toMatchObject({
      label: deptA.name,
      remedies: 2,
      totalMinor: 1500,
      aboveLimit: 0,
    });
    expect(byDept.find((r: { key: string }) => r.key === deptB.id)).toMatchObject({
      totalMinor: 70_000,
      aboveLimit: 1,
    });
    const byPerson = (await ledger(executive, "person")).json().rows;
    expect(byPerson.find((r: { key: string }) => r.key === bob.user.id)?.label).toBe(bob.user.name);
    const byOrg = (await ledger(admin, "organization")).json().rows;
    expect(byOrg.find((r: { key: string }) => r.key === org.id)).toMatchObject({ remedies: 3, totalMinor: 71_500 });
    const byMonth = (await ledger(admin, "month")).json().rows;
    expect(
      byMonth.find((r: { key: string }) => r.key === new Date().toISOString().slice(0, 7))?.totalMinor,
    ).toBeGreaterThanOrEqual(71_500);
    const directorView = (await ledger(director, "department")).json().rows;
    expect(directorView.map((r: { key: string }) => r.key)).toEqual([deptA.id]);
    expect((await ledger(ann, "department")).statusCode).toBe(403);

    const csv = await admin.call({ method: "GET", url: `/api/v1/remedies/ledger/export?currency=${currency}` });
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const parsed = Papa.parse<Record<string, string>>(csv.body, { header: true, skipEmptyLines: true });
    const mine = parsed.data.filter((row) => row.case_number === String(c.number));
    expect(mine).toHaveLength(3);
    expect(mine.find((row) => row.kind === "credit")).toMatchObject({
      amount_minor: "70000",
      granted_by: bob.user.name,
      department: deptB.name,
      organization: org.name,
      above_limit: "per_remedy",
      review_status: "pending",
    });
    expect(mine.find((row) => row.kind === "refund")?.description?.startsWith("'=")).toBe(true);
    const directorCsv = await director.call({
      method: "GET",
      url: `/api/v1/remedies/ledger/export?currency=${currency}`,
    });
    expect(Papa.parse(directorCsv.body, { header: true, skipEmptyLines: true }).data).toHaveLength(2);
  });
});
