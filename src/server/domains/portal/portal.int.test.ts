import { sql } from "drizzle-orm";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, type TestApp, testConfig } from "../../../../test/app";
import { makeUser, type TestUser, uniq } from "../../../../test/factories";
import { makeDesk, outboundMailTo, type SmtpSink, startSmtpSink } from "../../../../test/mail";
import {
  type Customer,
  caseOf,
  magicTokenFor,
  makeContact,
  makeOrganization,
  multipart,
  sendDueMail,
  signInCustomer,
} from "../../../../test/portal";
import { MAGIC_LINK_SENT } from "./portal.service";

let t: TestApp;
let sink: SmtpSink;
let agent: TestUser;

beforeAll(async () => {
  sink = await startSmtpSink();
  const base = testConfig();
  t = await startIsolatedTestApp({
    ...outboundMailTo(sink.port, "portal@desk.example"),
    portal: { ...base.portal, linksPerHour: 3, reopenDays: 7 },
  });
  await makeDesk(t.app);
  agent = await makeUser(t.app, { role: "agent", name: "Alice Agent" });
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

let ipCounter = 0;
const freshIp = () => `10.${(process.pid >> 8) & 255}.${process.pid & 255}.${++ipCounter}`;

const agentReply = async (caseId: string, body: string, kind: "reply" | "note" = "reply") => {
  const res = await agent.call({ method: "POST", url: `/api/v1/cases/${caseId}/messages`, payload: { kind, body } });
  expect(res.statusCode).toBe(201);
};

describe("magic link sign-in", () => {
  it("answers the same for known and unknown addresses, and only mails the known one", async () => {
    const known = await makeContact(t.app);
    const unknown = `${uniq("nobody")}@customer.test`;
    const ip = freshIp();
    const a = await t.app.inject({
      method: "POST",
      url: "/api/v1/portal/magic-links",
      payload: { email: known.email },
      remoteAddress: ip,
    });
    const b = await t.app.inject({
      method: "POST",
      url: "/api/v1/portal/magic-links",
      payload: { email: unknown },
      remoteAddress: ip,
    });
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect(a.json()).toEqual({ message: MAGIC_LINK_SENT });
    expect(b.json()).toEqual(a.json());
    await sendDueMail(t.app);
    expect(magicTokenFor(sink, known.email)).toBeTruthy();
    expect(sink.received.some((m) => m.envelope.to.includes(unknown))).toBe(false);
  });

  it("stores only the token's hash, works once, and not after it expired", async () => {
    const contact = await makeContact(t.app);
    await t.app.inject({
      method: "POST",
      url: "/api/v1/portal/magic-links",
      payload: { email: contact.email },
      remoteAddress: freshIp(),
    });
    await sendDueMail(t.app);
    const token = magicTokenFor(sink, contact.email) as string;
    const stored = await t.app.ctx.db.execute<{ token_hash: string }>(
      sql`SELECT token_hash FROM portal_magic_links WHERE contact_id = ${contact.id}`,
    );
    expect(stored.rows[0]?.token_hash).not.toContain(token);
    const first = await t.app.inject({ method: "POST", url: "/api/v1/portal/sessions", payload: { token } });
    expect(first.statusCode).toBe(201);
    const replay = await t.app.inject({ method: "POST", url: "/api/v1/portal/sessions", payload: { token } });
    expect(replay.statusCode).toBe(401);
    expect(replay.cookies).toEqual([]);

    await t.app.inject({
      method: "POST",
      url: "/api/v1/portal/magic-links",
      payload: { email: contact.email },
      remoteAddress: freshIp(),
    });
    await sendDueMail(t.app);
    const late = magicTokenFor(sink, contact.email) as string;
    expect(late).not.toBe(token);
    await t.app.ctx.db.execute(
      sql`UPDATE portal_magic_links SET expires_at = now() - interval '1 second' WHERE contact_id = ${contact.id} AND used_at IS NULL`,
    );
    const expired = await t.app.inject({ method: "POST", url: "/api/v1/portal/sessions", payload: { token: late } });
    expect(expired.statusCode).toBe(401);
  });

  it("limits links per contact silently and per IP with a 429", async () => {
    const contact = await makeContact(t.app);
    const ask = async (email: string, ip: string) => {
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/portal/magic-links",
        payload: { email },
        remoteAddress: ip,
      });
      await t.app.ctx.afterResponse.settled();
      return res;
    };
    /* Per address, known or not, alike: the answer tells nothing about who exists. */
    const unknown = `${uniq("nobody")}@customer.test`;
    for (const email of [contact.email, unknown]) {
      for (let i = 0; i < t.app.ctx.config.portal.linksPerHour; i++) {
        expect((await ask(email, freshIp())).statusCode).toBe(202);
      }
      const over = await ask(email, freshIp());
      expect([over.statusCode, over.json().error.field]).toEqual([429, "email"]);
      expect(Number(over.headers["retry-after"])).toBeGreaterThan(0);
    }
    const links = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM portal_magic_links WHERE contact_id = ${contact.id}`,
    );
    expect(links.rows[0]?.n).toBe(t.app.ctx.config.portal.linksPerHour);
    const ip = freshIp();
    for (let i = 0; i < t.app.ctx.config.portal.linksPerHour * 10; i++) {
      expect((await ask(`${uniq("x")}@customer.test`, ip)).statusCode).toBe(202);
    }
    const refused = await ask(`${uniq("x")}@customer.test`, ip);
    expect(refused.statusCode).toBe(429);
  });

  it("is refused to employee credentials and without the portal CSRF token on writes", async () => {
    const contact = await makeContact(t.app);
    const customer = await signInCustomer(t.app, sink, contact, freshIp());
    const c = await caseOf(t.app, agent.user.id, contact.id);
    expect((await agent.call({ method: "GET", url: "/api/v1/portal/cases" })).statusCode).toBe(401);
    const noCsrf = await customer.call({
      method: "POST",
      url: `/api/v1/portal/cases/${c.id}/solve`,
      headers: { "x-csrf-token": "wrong" },
    });
    expect(noCsrf.statusCode).toBe(403);
    const staffRoute = await t.app.inject({
      method: "GET",
      url: "/api/v1/cases",
      cookies: { extramile_portal: customer.cookie },
    });
    expect(staffRoute.statusCode).toBe(401);
    const out = await customer.call({ method: "DELETE", url: "/api/v1/portal/session" });
    expect(out.statusCode).toBe(200);
    expect((await customer.call({ method: "GET", url: "/api/v1/portal/cases" })).statusCode).toBe(401);
  });
});

describe("cases in the portal", () => {
  it("shows public replies only, takes a reply with files, solves and reopens", async () => {
    const contact = await makeContact(t.app);
    const customer = await signInCustomer(t.app, sink, contact, freshIp());
    const c = await caseOf(t.app, agent.user.id, contact.id);
    await agentReply(c.id, "We are on it");
    await agentReply(c.id, "INTERNAL: customer is grumpy", "note");
    const list = await customer.call({ method: "GET", url: "/api/v1/portal/cases" });
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    const thread = await customer.call({ method: "GET", url: `/api/v1/portal/cases/${c.id}/messages` });
    expect(thread.statusCode).toBe(200);
    expect(thread.body).toContain("We are on it");
    expect(thread.body).not.toContain("INTERNAL");
    expect(thread.json().items[0]).toMatchObject({ from: "agent", authorName: "Alice Agent" });

    const body = multipart({ body: "Here is the photo" }, [
      { name: "files", filename: "photo.png", type: "image/png", data: Buffer.from("png-bytes") },
    ]);
    const replied = await customer.call({
      method: "POST",
      url: `/api/v1/portal/cases/${c.id}/messages`,
      payload: body.payload,
      headers: body.headers,
    });
    expect(replied.statusCode).toBe(201);
    expect(replied.json()).toMatchObject({ from: "you", bodyText: "Here is the photo" });
    const after = await customer.call({ method: "GET", url: `/api/v1/portal/cases/${c.id}/messages` });
    expect(after.json().items.at(-1)).toEqual(replied.json());
    const fileId = replied.json().attachments[0].id;
    const file = await customer.call({ method: "GET", url: `/api/v1/portal/attachments/${fileId}` });
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe("png-bytes");
    const empty = await customer.call({
      method: "POST",
      url: `/api/v1/portal/cases/${c.id}/messages`,
      ...multipart({ body: "  " }),
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe("body");

    const staffView = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` });
    expect(staffView.json().items.some((m: { bodyText: string }) => m.bodyText === "Here is the photo")).toBe(true);

    const solved = await customer.call({ method: "POST", url: `/api/v1/portal/cases/${c.id}/solve` });
    expect(solved.statusCode).toBe(200);
    expect(solved.json()).toMatchObject({ status: "solved", abilities: { solve: false, reopen: true } });
    const reopened = await customer.call({ method: "POST", url: `/api/v1/portal/cases/${c.id}/reopen` });
    expect(reopened.json()).toMatchObject({ status: "open" });

    await customer.call({ method: "POST", url: `/api/v1/portal/cases/${c.id}/solve` });
    await t.app.ctx.db.execute(sql`UPDATE cases SET solved_at = now() - interval '8 days' WHERE id = ${c.id}`);
    const late = await customer.call({ method: "POST", url: `/api/v1/portal/cases/${c.id}/reopen` });
    expect(late.statusCode).toBe(422);
  });

  it("shows an organization's cases to its managers only", async () => {
    const org = await makeOrganization(t.app);
    const manager = await makeContact(t.app, { organizationId: org, manager: true });
    const colleague = await makeContact(t.app, { organizationId: org });
    const theirs = await caseOf(t.app, agent.user.id, colleague.id);
    const m = await signInCustomer(t.app, sink, { ...manager, organizationId: org }, freshIp());
    const c = await signInCustomer(t.app, sink, { ...colleague, organizationId: org }, freshIp());
    const orgList = await m.call({ method: "GET", url: "/api/v1/portal/cases?scope=organization" });
    expect(orgList.json().items.map((i: { id: string }) => i.id)).toContain(theirs.id);
    expect((await m.call({ method: "GET", url: `/api/v1/portal/cases/${theirs.id}` })).statusCode).toBe(200);
    expect((await c.call({ method: "GET", url: "/api/v1/portal/cases?scope=organization" })).statusCode).toBe(403);
    const session = await m.call({ method: "GET", url: "/api/v1/portal/session" });
    expect(session.json().contact).toMatchObject({ organizationManager: true });
  });
});

describe("portal IDOR matrix", () => {
  /** Every portal route, called by a customer of another organization with the first organization's ids. */
  it("answers another organization's ids with 404/403 and leaks nothing", async () => {
    const orgA = await makeOrganization(t.app);
    const orgB = await makeOrganization(t.app);
    const ownerA = await makeContact(t.app, { organizationId: orgA, manager: true });
    const c = await caseOf(t.app, agent.user.id, ownerA.id);
    const secret = `Secret ${uniq()}`;
    await agentReply(c.id, secret);
    const a = await signInCustomer(t.app, sink, { ...ownerA, organizationId: orgA }, freshIp());
    const file = multipart({ body: secret }, [
      { name: "files", filename: "a.txt", type: "text/plain", data: Buffer.from(secret) },
    ]);
    const posted = await a.call({
      method: "POST",
      url: `/api/v1/portal/cases/${c.id}/messages`,
      payload: file.payload,
      headers: file.headers,
    });
    const attachmentId = posted.json().attachments[0].id as string;
    const intruderContact = await makeContact(t.app, { organizationId: orgB, manager: true });
    const intruder: Customer = await signInCustomer(
      t.app,
      sink,
      { ...intruderContact, organizationId: orgB },
      freshIp(),
    );

    const attempts: Record<string, InjectOptions> = {
      "GET /api/v1/portal/cases/:id": { method: "GET", url: `/api/v1/portal/cases/${c.id}` },
      "GET /api/v1/portal/cases/:id/messages": { method: "GET", url: `/api/v1/portal/cases/${c.id}/messages` },
      "POST /api/v1/portal/cases/:id/messages": {
        method: "POST",
        url: `/api/v1/portal/cases/${c.id}/messages`,
        ...multipart({ body: "let me in" }),
      },
      "POST /api/v1/portal/cases/:id/solve": { method: "POST", url: `/api/v1/portal/cases/${c.id}/solve` },
      "POST /api/v1/portal/cases/:id/reopen": { method: "POST", url: `/api/v1/portal/cases/${c.id}/reopen` },
      "GET /api/v1/portal/attachments/:id": { method: "GET", url: `/api/v1/portal/attachments/${attachmentId}` },
      "GET /api/v1/portal/cases": { method: "GET", url: "/api/v1/portal/cases?scope=organization" },
      "GET /api/v1/portal/session": { method: "GET", url: "/api/v1/portal/session" },
      "POST /api/v1/portal/magic-links": {
        method: "POST",
        url: "/api/v1/portal/magic-links",
        payload: { email: intruderContact.email, caseId: c.id },
      },
      "POST /api/v1/portal/sessions": {
        method: "POST",
        url: "/api/v1/portal/sessions",
        payload: { token: uniq("x").padEnd(30, "x") },
      },
      "DELETE /api/v1/portal/session": { method: "DELETE", url: "/api/v1/portal/session" },
      "GET /api/v1/portal/executive-letter": { method: "GET", url: "/api/v1/portal/executive-letter" },
      "POST /api/v1/portal/executive-letters": {
        method: "POST",
        url: "/api/v1/portal/executive-letters",
        payload: { subject: `Re: #${c.number}`, body: "let me in" },
      },
    };
    const portalRoutes = t.app.apiRoutes
      .filter((r) => r.url.startsWith("/api/v1/portal/"))
      .map((r) => `${r.method} ${r.url}`);
    expect(Object.keys(attempts).sort()).toEqual(portalRoutes.sort());

    const list = await intruder.call({ method: "GET", url: "/api/v1/portal/cases?scope=organization" });
    expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(c.id);
    for (const [route, opts] of Object.entries(attempts)) {
      const res = await intruder.call({ ...opts, remoteAddress: freshIp() });
      expect(res.body, route).not.toContain(secret);
      expect(res.body, route).not.toContain(ownerA.email);
      if (route.includes(":id")) expect([403, 404], route).toContain(res.statusCode);
    }
    await sendDueMail(t.app);
    const mail = sink.received.filter((m) => m.envelope.to.includes(intruderContact.email)).at(-1);
    const signedIn = await t.app.inject({
      method: "POST",
      url: "/api/v1/portal/sessions",
      payload: { token: magicTokenFor(sink, intruderContact.email) },
    });
    expect(mail).toBeTruthy();
    expect(signedIn.json().caseId).toBeNull();
    const unchanged = await a.call({ method: "GET", url: `/api/v1/portal/cases/${c.id}` });
    expect(unchanged.json().status).not.toBe("solved");
  });
});
