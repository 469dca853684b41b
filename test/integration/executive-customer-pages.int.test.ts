import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, type TestApp } from "../app";
import { makeUser, type TestUser, uniq } from "../factories";
import { makeDesk, outboundMailTo, type SmtpSink, startSmtpSink } from "../mail";
import { type Customer, makeContact, multipart, sendDueMail, signInCustomer } from "../portal";

/**
 * "Write to the chief executive" on the customer pages: off by default, turned on by an admin with an active
 * executive and the executive's own message, and then the portal and the web form open executive cases. The option
 * is installation-wide, so these tests run on a database of their own, in order.
 */
let t: TestApp;
let sink: SmtpSink;
let admin: TestUser;
let agent: TestUser;
let executive: TestUser;
let customer: Customer;

const MESSAGE = "I read every letter myself.\n\nTell me what went wrong <and> I will see that it is put right.";

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startIsolatedTestApp(outboundMailTo(sink.port, "pages@desk.example"));
  await makeDesk(t.app);
  admin = await makeUser(t.app, { role: "admin" });
  agent = await makeUser(t.app, { role: "agent" });
  executive = await makeUser(t.app, { role: "executive", name: "Alexandra Chief" });
  customer = await signInCustomer(t.app, sink, await makeContact(t.app));
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

let ipCounter = 0;
const freshIp = () => `10.77.${(process.pid & 127) + 1}.${++ipCounter}`;

const settings = async (payload: Record<string, unknown>, as: TestUser = admin) =>
  await as.call({ method: "PATCH", url: "/api/v1/executive/letter-settings", payload });

const lineOf = async (caseId: string) =>
  (await admin.call({ method: "GET", url: `/api/v1/executive/cases/${caseId}` })).json();

const channelOf = async (caseId: string) =>
  (await t.app.ctx.db.execute<{ channel: string }>(sql`SELECT channel FROM cases WHERE id = ${caseId}`)).rows[0]
    ?.channel;

const repliesOf = async (caseId: string): Promise<string[]> =>
  (await admin.call({ method: "GET", url: `/api/v1/cases/${caseId}/messages` }))
    .json()
    .items.filter((m: { kind: string }) => m.kind === "reply")
    .map((m: { bodyText: string }) => m.bodyText);

const caseIdByNumber = async (n: number): Promise<string> =>
  (await t.app.ctx.db.execute<{ id: string }>(sql`SELECT id FROM cases WHERE number = ${n}`)).rows[0]?.id ?? "";

const portalLetter = async (subject: string, body: string) =>
  await customer.call({ method: "POST", url: "/api/v1/portal/executive-letters", payload: { subject, body } });

const formPost = async (fields: Record<string, string>, html = false) => {
  const body = multipart(fields);
  return await t.app.inject({
    method: "POST",
    url: "/api/v1/webform/submissions",
    payload: body.payload,
    headers: { ...body.headers, ...(html ? { accept: "text/html" } : {}) },
    remoteAddress: freshIp(),
  });
};

const letterFields = (email: string, subject: string) => ({
  name: "Wanda Webform",
  email,
  subject,
  description: "Your driver drove over my flower bed.",
  addressedTo: "executive",
});

describe("the option is off by default and turned on only with an executive and their message", () => {
  it("is off: the portal offers nothing, the form shows no choice, a letter is refused naming the field", async () => {
    expect((await admin.call({ method: "GET", url: "/api/v1/executive/letter-settings" })).json()).toMatchObject({
      enabled: false,
      executive: null,
      message: "",
    });
    expect((await customer.call({ method: "GET", url: "/api/v1/portal/executive-letter" })).json()).toEqual({
      available: false,
      executiveName: null,
      message: null,
    });
    expect((await portalLetter("Dear CEO", "Hello")).statusCode).toBe(404);
    const form = await t.app.inject({ method: "GET", url: "/form" });
    expect(form.body).not.toContain("addressedTo");
    const refused = await formPost(letterFields(`${uniq("w")}@customer.test`, "To the top"));
    expect([refused.statusCode, refused.json().error.field]).toEqual([400, "addressedTo"]);
  });

  it("validates: admins only, an active executive, the executive's message", async () => {
    expect((await settings({ enabled: true }, agent)).statusCode).toBe(403);
    const noExecutive = await settings({ enabled: true });
    expect([noExecutive.statusCode, noExecutive.json().error.field]).toEqual([422, "executiveId"]);
    const notExecutive = await settings({ executiveId: agent.user.id });
    expect([notExecutive.statusCode, notExecutive.json().error.field]).toEqual([400, "executiveId"]);
    const noMessage = await settings({ enabled: true, executiveId: executive.user.id });
    expect([noMessage.statusCode, noMessage.json().error.field]).toEqual([422, "message"]);
    const on = await settings({ enabled: true, executiveId: executive.user.id, message: MESSAGE });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toMatchObject({
      enabled: true,
      executive: { id: executive.user.id, name: "Alexandra Chief" },
      message: MESSAGE,
    });
    const leaving = await admin.call({
      method: "POST",
      url: `/api/v1/users/${executive.user.id}/deactivate`,
      payload: {},
    });
    expect(leaving.statusCode).toBe(422);
    expect(leaving.json().error.message).toContain("customer pages");
  });
});

describe("the portal", () => {
  it("shows the executive's message and opens an executive case; the next letter joins it", async () => {
    expect((await customer.call({ method: "GET", url: "/api/v1/portal/executive-letter" })).json()).toEqual({
      available: true,
      executiveName: "Alexandra Chief",
      message: MESSAGE,
    });
    const first = await portalLetter("The delivery fiasco", "Three deliveries late. Nobody called back.");
    expect(first.statusCode).toBe(201);
    const caseId = first.json().id;
    expect(first.json()).toMatchObject({ subject: "The delivery fiasco", status: "open", abilities: { reply: true } });
    expect(await lineOf(caseId)).toMatchObject({
      owner: { id: executive.user.id },
      executive: { id: executive.user.id },
      stage: "awaiting_delegation",
      loggedBy: null,
    });
    expect(await channelOf(caseId)).toBe("portal");
    const second = await portalLetter("And another thing", "The refund has not arrived either.");
    expect(second.json().id).toBe(caseId);
    expect(await repliesOf(caseId)).toEqual([
      "Three deliveries late. Nobody called back.",
      "And another thing\n\nThe refund has not arrived either.",
    ]);
    await t.app.ctx.events.drain();
    const notices = (await executive.call({ method: "GET", url: "/api/v1/me/notifications" })).json().items;
    expect(notices.filter((n: { caseId: string }) => n.caseId === caseId)).toHaveLength(1);
    expect((await customer.call({ method: "GET", url: "/api/v1/portal/cases" })).json().items[0].id).toBe(caseId);
  });

  it("names the field of an empty letter", async () => {
    const res = await portalLetter("Subject", " ");
    expect([res.statusCode, res.json().error.field]).toEqual([400, "body"]);
  });
});

describe("the web form", () => {
  it("shows the choice with the executive's own words, escaped, and files a letter as an executive case", async () => {
    const form = await t.app.inject({ method: "GET", url: "/form" });
    expect(form.body).toContain("Write to the chief executive, Alexandra Chief");
    expect(form.body).toContain("<p>Tell me what went wrong &lt;and&gt; I will see that it is put right.</p>");
    expect(form.body).not.toContain("<and>");
    const email = `${uniq("wanda")}@customer.test`;
    const res = await formPost(letterFields(email, "Flower bed"));
    expect(res.statusCode).toBe(201);
    const caseId = await caseIdByNumber(res.json().caseNumber);
    expect(await lineOf(caseId)).toMatchObject({ owner: { id: executive.user.id }, stage: "awaiting_delegation" });
    expect(await channelOf(caseId)).toBe("web_form");
    const again = await formPost(letterFields(email, "Still the flower bed"));
    expect(again.json().caseNumber).toBe(res.json().caseNumber);
    await sendDueMail(t.app);
    const ack = sink.received.find((m) => m.envelope.to.includes(email));
    expect(ack?.parsed.text).toContain("is with Alexandra Chief, who reads it personally");
    const alert = sink.received.find(
      (m) => m.envelope.to.includes(executive.user.email) && m.parsed.subject?.includes("Flower bed"),
    );
    expect(alert?.parsed.text).toContain("Wanda Webform wrote to you through the web form");
  });

  it("an ordinary request from the same form still goes to the team", async () => {
    const res = await formPost({ ...letterFields(`${uniq("w")}@customer.test`, "Opening hours"), addressedTo: "team" });
    const caseId = await caseIdByNumber(res.json().caseNumber);
    expect((await admin.call({ method: "GET", url: `/api/v1/executive/cases/${caseId}` })).statusCode).toBe(404);
  });

  it("turned off again: the form refuses a letter to the executive and shows the form with the problem", async () => {
    expect((await settings({ enabled: false })).statusCode).toBe(200);
    const res = await formPost(letterFields(`${uniq("w")}@customer.test`, "Too late"), true);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Writing to the chief executive is not offered here");
    expect((await customer.call({ method: "GET", url: "/api/v1/portal/executive-letter" })).json().available).toBe(
      false,
    );
    await t.app.ctx.events.drain();
    // The executive learns that the channel stopped reaching them.
    const after = (await executive.call({ method: "GET", url: "/api/v1/me/notifications" })).json().items;
    expect(after).toContainEqual(
      expect.objectContaining({
        kind: "executive_line_changed",
        title: '"Write to the chief executive" on the customer pages no longer reaches you',
      }),
    );
  });
});
