import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeUser, type TestUser } from "../../../../test/factories";
import { settle } from "../../../../test/settle";

let t: TestApp;
let admin: TestUser;
let agent: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.app, { role: "admin" });
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => await t.close());

describe("audit log filters", () => {
  it("narrows entries to an entity, an actor and a time window", async () => {
    const before = new Date(Date.now() - 1000);
    const c = await makeCase(t.app, agent.user.id);
    const res = await agent.call({
      method: "PATCH",
      url: `/api/v1/cases/${c.id}`,
      headers: { "if-match": "1" },
      payload: { priority: "high" },
    });
    expect(res.statusCode).toBe(200);
    await settle(t.app, [c.id]);
    const after = new Date(Date.now() + 1000);
    const read = async (query: string) => {
      const r = await admin.call({ method: "GET", url: `/api/v1/audit?entityType=case&entityId=${c.id}${query}` });
      expect(r.statusCode).toBe(200);
      return r.json().items as { action: string; actorId: string | null }[];
    };

    const inWindow = await read(`&from=${before.toISOString()}&to=${after.toISOString()}`);
    expect(inWindow.map((e) => e.action)).toContain("case.updated");
    expect(await read(`&from=${after.toISOString()}`)).toEqual([]);
    expect(await read(`&to=${before.toISOString()}`)).toEqual([]);
    const byAgent = await read(`&actorId=${agent.user.id}`);
    expect(byAgent.length).toBeGreaterThan(0);
    expect(byAgent.every((e) => e.actorId === agent.user.id)).toBe(true);
    expect(await read(`&actorId=${admin.user.id}`)).toEqual([]);

    const bad = await admin.call({ method: "GET", url: "/api/v1/audit?from=yesterday" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("from");
  });
});
