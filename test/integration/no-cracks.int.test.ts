import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_PRIORITIES, CASE_STATUSES } from "../../src/shared/domain";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeTeam, makeUser, type TestUser } from "../factories";

let t: TestApp;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.app, { role: "admin" });
});
afterAll(async () => await t.close());

/** Open cases (not closed) that break the rule: no owner, an inactive owner, or no next step with a due time. */
const cracks = async (): Promise<number> => {
  const res = await t.app.ctx.db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM cases c LEFT JOIN users u ON u.id = c.owner_id
    WHERE c.status <> 'closed'
      AND (c.owner_id IS NULL OR u.active IS NOT TRUE OR c.next_step IS NULL OR c.next_step_due_at IS NULL)`);
  return res.rows[0]?.n ?? -1;
};

describe("no cracks: every open case has an active owner and a next step with a due time", () => {
  it("deactivating an owner hands their open cases to the chosen colleague", async () => {
    const leaver = await makeUser(t.app, { role: "employee" });
    const taker = await makeUser(t.app, { role: "agent" });
    const cases = [await makeCase(t.app, leaver.user.id), await makeCase(t.app, leaver.user.id)];
    const res = await admin.call({
      method: "POST",
      url: `/api/v1/users/${leaver.user.id}/deactivate`,
      payload: { reassignToId: taker.user.id },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().reassignedCases).toBe(2);
    for (const c of cases) {
      const now = (await admin.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
      expect(now.owner.id).toBe(taker.user.id);
    }
    expect(await cracks()).toBe(0);
  });

  it("without a chosen colleague, the team lead takes over; with no lead, the API refuses naming reassignToId", async () => {
    const lead = await makeUser(t.app, { role: "supervisor" });
    const leaver = await makeUser(t.app, { role: "agent" });
    const team = await makeTeam(t.app, { leadId: lead.user.id, memberIds: [leaver.user.id] });
    const teamCase = await makeCase(t.app, leaver.user.id, { teamId: team.id });
    const res = await admin.call({ method: "POST", url: `/api/v1/users/${leaver.user.id}/deactivate`, payload: {} });
    expect(res.statusCode).toBe(200);
    expect((await admin.call({ method: "GET", url: `/api/v1/cases/${teamCase.id}` })).json().owner.id).toBe(
      lead.user.id,
    );

    const loner = await makeUser(t.app, { role: "agent" });
    const orphan = await makeCase(t.app, loner.user.id);
    const refused = await admin.call({ method: "POST", url: `/api/v1/users/${loner.user.id}/deactivate`, payload: {} });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.field).toBe("reassignToId");
    const still = (await admin.call({ method: "GET", url: `/api/v1/users/${loner.user.id}` })).json();
    expect(still.active).toBe(true);
    expect((await admin.call({ method: "GET", url: `/api/v1/cases/${orphan.id}` })).json().owner.id).toBe(
      loner.user.id,
    );
  });

  it("cannot assign a case to a deactivated employee", async () => {
    const gone = await makeUser(t.app, { role: "agent" });
    await admin.call({ method: "POST", url: `/api/v1/users/${gone.user.id}/deactivate`, payload: {} });
    const c = await makeCase(t.app, admin.user.id);
    const res = await admin.call({
      method: "PATCH",
      url: `/api/v1/cases/${c.id}`,
      headers: { "if-match": "1" },
      payload: { ownerId: gone.user.id },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.field).toBe("ownerId");
  });

  it("holds under any sequence of API writes (property)", async () => {
    const people = [admin, await makeUser(t.app, { role: "agent" }), await makeUser(t.app, { role: "employee" })];
    const op = fc.oneof(
      fc.record({ kind: fc.constant("status" as const), status: fc.constantFrom(...CASE_STATUSES) }),
      fc.record({ kind: fc.constant("owner" as const), owner: fc.option(fc.nat(people.length - 1), { nil: null }) }),
      fc.record({ kind: fc.constant("step" as const), clearStep: fc.boolean(), clearDue: fc.boolean() }),
      fc.record({ kind: fc.constant("priority" as const), priority: fc.constantFrom(...CASE_PRIORITIES) }),
      fc.record({ kind: fc.constant("reply" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const c = await makeCase(t.app, people[1]?.user.id as string);
        for (const o of ops) {
          const current = (await admin.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
          const payload =
            o.kind === "status"
              ? { status: o.status }
              : o.kind === "owner"
                ? { ownerId: o.owner === null ? null : people[o.owner]?.user.id }
                : o.kind === "step"
                  ? { ...(o.clearStep ? { nextStep: null } : {}), ...(o.clearDue ? { nextStepDueAt: null } : {}) }
                  : o.kind === "priority"
                    ? { priority: o.priority }
                    : null;
          const res = payload
            ? await admin.call({
                method: "PATCH",
                url: `/api/v1/cases/${c.id}`,
                headers: { "if-match": String(current.version) },
                payload,
              })
            : await admin.call({
                method: "POST",
                url: `/api/v1/cases/${c.id}/messages`,
                payload: { kind: "reply", body: "ok" },
              });
          expect([200, 201, 400, 422]).toContain(res.statusCode);
        }
        expect(await cracks()).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});
