import type { AddressInfo } from "node:net";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/server/domains/auth/auth.service";
import { openCase } from "../../src/server/domains/cases/cases.service";
import { addMessage, uploadAttachment } from "../../src/server/domains/messages/messages.service";
import { loadActor } from "../../src/server/domains/users/users.service";
import { createView } from "../../src/server/domains/views/views.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeDepartment, makeUser, type TestUser, uniq } from "../factories";

/**
 * Every API route × every kind of caller. The table below is the specification: a route missing
 * from it fails the suite, so a new route cannot ship without saying who may call it.
 */
const ROLES = ["anonymous", "admin", "supervisor", "agent", "employee", "otherDepartment", "executive"] as const;
type Role = (typeof ROLES)[number];
type Outcome = "ok" | "denied" | "hidden" | "unauthenticated";

const statusOutcome = (status: number): Outcome | `unexpected ${number}` => {
  if (status >= 200 && status < 300) return "ok";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "denied";
  if (status === 404) return "hidden";
  return `unexpected ${status}`;
};

let t: TestApp;
const who = {} as Record<Exclude<Role, "anonymous">, TestUser>;

type Prepared = Omit<InjectOptions, "headers"> & { headers?: Record<string, string> };
interface Entry {
  prepare: () => Promise<Prepared>;
  expect: Partial<Record<Role, Outcome>> & { default: Outcome };
}

const caseOfAgent = async () => await makeCase(t.app, who.agent.user.id);
const staff: Outcome = "ok";
const visibleToAllButOtherDepartment = { default: "ok", otherDepartment: "hidden" } as const;
const adminOnly = { default: "denied", admin: "ok" } as const;

const MATRIX: Record<string, Entry> = {
  "POST /api/v1/auth/login": {
    prepare: async () => {
      const u = await makeUser(t.app, { role: "employee", password: "correct horse battery" });
      return { payload: { email: u.user.email, password: "correct horse battery" } };
    },
    expect: { default: "ok", anonymous: "ok" },
  },
  "POST /api/v1/auth/logout": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/auth/session": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/me/tokens": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/me/tokens": {
    prepare: async () => ({ payload: { name: "ci", scopes: ["read"] } }),
    expect: { default: staff },
  },
  "DELETE /api/v1/me/tokens/:id": {
    prepare: async () => {
      const actor = await loadActor(t.app.ctx.db, who.agent.user.id, null);
      if (!actor) throw new Error("agent inactive");
      const { apiToken } = await createApiToken(t.app.ctx, actor, { name: uniq(), scopes: ["read"], expiresInDays: 1 });
      return { url: `/api/v1/me/tokens/${apiToken.id}` };
    },
    expect: { default: "hidden", agent: "ok" },
  },
  "GET /api/v1/users": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/users": {
    prepare: async () => ({ payload: { email: `${uniq()}@staff.test`, name: "New Hire", role: "employee" } }),
    expect: adminOnly,
  },
  "GET /api/v1/users/:id": {
    prepare: async () => ({ url: `/api/v1/users/${who.agent.user.id}` }),
    expect: { default: staff },
  },
  "PATCH /api/v1/users/:id": {
    prepare: async () => ({ url: `/api/v1/users/${(await makeUser(t.app)).user.id}`, payload: { name: "Renamed" } }),
    expect: adminOnly,
  },
  "POST /api/v1/users/:id/deactivate": {
    prepare: async () => ({ url: `/api/v1/users/${(await makeUser(t.app)).user.id}/deactivate`, payload: {} }),
    expect: adminOnly,
  },
  "GET /api/v1/departments": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/departments": { prepare: async () => ({ payload: { name: uniq("d") } }), expect: adminOnly },
  "PATCH /api/v1/departments/:id": {
    prepare: async () => ({
      url: `/api/v1/departments/${(await makeDepartment(t.app)).id}`,
      payload: { hourlyCostMinor: 7000 },
    }),
    expect: adminOnly,
  },
  "GET /api/v1/teams": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/teams": {
    prepare: async () => ({ payload: { name: uniq("team") } }),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "PATCH /api/v1/teams/:id": {
    prepare: async () => {
      const res = await who.admin.call({ method: "POST", url: "/api/v1/teams", payload: { name: uniq("team") } });
      return { url: `/api/v1/teams/${res.json().id}`, payload: { name: uniq("renamed") } };
    },
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "GET /api/v1/organizations": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/organizations": {
    prepare: async () => ({ payload: { name: uniq("Org") } }),
    expect: { default: staff },
  },
  "GET /api/v1/organizations/:id": {
    prepare: async () => {
      const res = await who.admin.call({
        method: "POST",
        url: "/api/v1/organizations",
        payload: { name: uniq("Org") },
      });
      return { url: `/api/v1/organizations/${res.json().id}` };
    },
    expect: { default: staff },
  },
  "PATCH /api/v1/organizations/:id": {
    prepare: async () => {
      const res = await who.admin.call({
        method: "POST",
        url: "/api/v1/organizations",
        payload: { name: uniq("Org") },
      });
      return { url: `/api/v1/organizations/${res.json().id}`, payload: { notes: "VIP" } };
    },
    expect: { default: "denied", admin: "ok", supervisor: "ok", agent: "ok" },
  },
  "GET /api/v1/contacts": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/contacts": {
    prepare: async () => ({ payload: { name: "Pat", emails: [`${uniq()}@c.test`] } }),
    expect: { default: staff },
  },
  "GET /api/v1/contacts/:id": {
    prepare: async () => ({ url: `/api/v1/contacts/${(await caseOfAgent()).requester.id}` }),
    expect: { default: staff },
  },
  "PATCH /api/v1/contacts/:id": {
    prepare: async () => ({
      url: `/api/v1/contacts/${(await caseOfAgent()).requester.id}`,
      payload: { phones: ["+49 30 1234"] },
    }),
    expect: { default: staff },
  },
  "GET /api/v1/custom-fields": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/custom-fields": {
    prepare: async () => ({ payload: { key: `f_${uniq("").replace(/-/g, "")}`, label: "Serial", type: "text" } }),
    expect: adminOnly,
  },
  "PATCH /api/v1/custom-fields/:id": {
    prepare: async () => {
      const res = await who.admin.call({
        method: "POST",
        url: "/api/v1/custom-fields",
        payload: { key: `f_${uniq("").replace(/-/g, "")}`, label: "Serial", type: "text" },
      });
      return { url: `/api/v1/custom-fields/${res.json().id}`, payload: { label: "Serial number" } };
    },
    expect: adminOnly,
  },
  "GET /api/v1/cases": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/cases/count": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/cases": {
    prepare: async () => ({ payload: { subject: "Help", requester: { email: `${uniq()}@c.test` } } }),
    expect: { default: staff },
  },
  "GET /api/v1/cases/:id": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}` }),
    expect: visibleToAllButOtherDepartment,
  },
  "PATCH /api/v1/cases/:id": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}`,
      headers: { "if-match": '"1"' },
      payload: { priority: "high" },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/merge": {
    prepare: async () => {
      const [a, b] = [await caseOfAgent(), await caseOfAgent()];
      return { url: `/api/v1/cases/${a.id}/merge`, payload: { targetCaseId: b.id } };
    },
    expect: { default: "ok", employee: "denied", executive: "denied", otherDepartment: "hidden" },
  },
  "POST /api/v1/cases/:id/links": {
    prepare: async () => {
      const [a, b] = [await caseOfAgent(), await caseOfAgent()];
      return { url: `/api/v1/cases/${a.id}/links`, payload: { otherCaseId: b.id, kind: "related" } };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "DELETE /api/v1/cases/:id/links/:linkId": {
    prepare: async () => {
      const [a, b] = [await caseOfAgent(), await caseOfAgent()];
      const res = await who.agent.call({
        method: "POST",
        url: `/api/v1/cases/${a.id}/links`,
        payload: { otherCaseId: b.id, kind: "duplicate" },
      });
      return { url: `/api/v1/cases/${a.id}/links/${res.json().links[0].id}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/followers": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/followers`,
      payload: { userId: who.admin.user.id },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "DELETE /api/v1/cases/:id/followers/:userId": {
    prepare: async () => {
      const c = await makeCase(t.app, who.agent.user.id, { followerIds: [who.supervisor.user.id] });
      return { url: `/api/v1/cases/${c.id}/followers/${who.supervisor.user.id}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/search": { prepare: async () => ({ url: "/api/v1/search?q=printer" }), expect: { default: staff } },
  "GET /api/v1/cases/:id/messages": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/messages` }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/messages": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/messages`,
      payload: { kind: "note", body: "hi" },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/attachments": {
    prepare: async () => {
      const boundary = "----matrix";
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`;
      return {
        url: `/api/v1/cases/${(await caseOfAgent()).id}/attachments`,
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: body,
      };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/attachments/:id": {
    prepare: async () => {
      const c = await caseOfAgent();
      const agentActor = await loadActor(t.app.ctx.db, who.agent.user.id, null);
      if (!agentActor) throw new Error("agent inactive");
      const a = await uploadAttachment(t.app.ctx, agentActor, c.id, {
        filename: "log.txt",
        contentType: "text/plain",
        data: Buffer.from("log"),
      });
      await addMessage(t.app.ctx, agentActor, c.id, {
        kind: "note",
        body: "see log",
        format: "text",
        attachmentIds: [a.id],
      });
      return { url: `/api/v1/attachments/${a.id}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/views": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/views": {
    prepare: async () => ({ payload: { name: "Mine", filters: { ownerId: "me" } } }),
    expect: { default: staff },
  },
  "PATCH /api/v1/views/:id": {
    prepare: async () => ({ url: `/api/v1/views/${(await agentView()).id}`, payload: { name: "Renamed" } }),
    expect: { default: "hidden", agent: "ok" },
  },
  "DELETE /api/v1/views/:id": {
    prepare: async () => ({ url: `/api/v1/views/${(await agentView()).id}` }),
    expect: { default: "hidden", agent: "ok" },
  },
  "GET /api/v1/stream": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/cases/:id/presence": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/presence`, payload: { state: "viewing" } }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/audit": { prepare: async () => ({}), expect: adminOnly },
};

const agentView = async () => {
  const actor = await loadActor(t.app.ctx.db, who.agent.user.id, null);
  if (!actor) throw new Error("agent inactive");
  return await createView(t.app.ctx, actor, {
    name: uniq("view"),
    filters: {},
    sort: "-updated_at",
    shared: false,
    position: 1,
  });
};

/** The stream never ends, so it is checked over a real socket: status code only. */
const streamStatus = async (token: string | null): Promise<number> => {
  const address = t.app.server.address() as AddressInfo;
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/stream`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  controller.abort();
  return res.status;
};

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const deptA = await makeDepartment(t.app, "service");
  const deptB = await makeDepartment(t.app, "operations");
  who.admin = await makeUser(t.app, { role: "admin" });
  who.supervisor = await makeUser(t.app, { role: "supervisor", departmentId: deptA.id });
  who.agent = await makeUser(t.app, { role: "agent", departmentId: deptA.id });
  who.employee = await makeUser(t.app, { role: "employee", departmentId: deptA.id });
  who.otherDepartment = await makeUser(t.app, { role: "employee", departmentId: deptB.id });
  who.executive = await makeUser(t.app, { role: "executive" });
  await openCase(t.app.ctx, SYSTEM, {
    subject: "printer",
    requester: { email: `${uniq()}@c.test` },
    status: "new",
    priority: "normal",
    type: "question",
    channel: "api",
    tags: [],
    customFields: {},
    followerIds: [],
    ownerId: who.agent.user.id,
  });
});
afterAll(async () => await t.close());

describe("authorization matrix", () => {
  it("covers every API route, and nothing else", () => {
    const routes = t.app.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(routes).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [key, entry] of Object.entries(MATRIX)) {
    const [method, path] = key.split(" ") as [string, string];
    it(`${key}`, async () => {
      const observed: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const role of ROLES) {
        expected[role] =
          role === "anonymous"
            ? (entry.expect.anonymous ?? "unauthenticated")
            : (entry.expect[role] ?? entry.expect.default);
        if (path === "/api/v1/stream") {
          observed[role] = statusOutcome(await streamStatus(role === "anonymous" ? null : who[role].token));
          continue;
        }
        const prepared = await entry.prepare();
        const res = await t.app.inject({
          method: method as InjectOptions["method"],
          url: path,
          ...prepared,
          headers: {
            ...(prepared.headers ?? {}),
            ...(role === "anonymous" ? {} : { authorization: `Bearer ${who[role].token}` }),
          },
        } as InjectOptions);
        observed[role] = statusOutcome(res.statusCode);
      }
      expect(observed).toEqual(expected);
    });
  }
});
