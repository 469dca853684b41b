import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeUser, type TestUser, uniq } from "../../../../test/factories";
import { outboundMailTo } from "../../../../test/mail";
import { makeContact } from "../../../../test/portal";
import { SYSTEM } from "../../platform/actor";
import { createOrganization } from "../organizations/organizations.service";

let t: TestApp;
let owner: TestUser;
let agent: TestUser;
let supervisor: TestUser;

beforeAll(async () => {
  /* Outbound mail "configured" towards a closed port: mail is queued (jobs are off) and read from the outbox. */
  t = await startTestApp(outboundMailTo(9, "desk@contacts.test"));
  owner = await makeUser(t.app, { role: "employee" });
  agent = await makeUser(t.app, { role: "agent" });
  supervisor = await makeUser(t.app, { role: "supervisor" });
});
afterAll(async () => await t.close());

const accountContact = async () => {
  const org = await createOrganization(t.app.ctx, SYSTEM, {
    name: uniq("Acme"),
    domains: [],
    accountOwnerId: owner.user.id,
    notes: "",
  });
  return await makeContact(t.app, { organizationId: org.id });
};

/** An edit of the contact as it stands now (If-Match its current version): these tests are about who may edit. */
const patch = async (who: TestUser, id: string, payload: Record<string, unknown>) => {
  const current = await t.app.ctx.db.execute<{ version: number }>(sql`SELECT version FROM contacts WHERE id = ${id}`);
  const version = current.rows[0]?.version ?? 0;
  return await who.call({
    method: "PATCH",
    url: `/api/v1/contacts/${id}`,
    headers: { "if-match": `"${version}"` },
    payload,
  });
};

const mailedToken = async (to: string): Promise<string> => {
  const rows = await t.app.ctx.db.execute<{ body_text: string }>(
    sql`SELECT body_text FROM outbound_messages WHERE ${to} = ANY("to") AND purpose = 'contact_email_confirmation'
        ORDER BY created_at DESC LIMIT 1`,
  );
  const token = /confirm-email#token=(\S+)/.exec(rows.rows[0]?.body_text ?? "")?.[1];
  if (!token) throw new Error(`no confirmation mailed to ${to}`);
  return decodeURIComponent(token);
};

const signInLinksOf = async (contactId: string) =>
  (
    await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM portal_magic_links WHERE contact_id = ${contactId}`,
    )
  ).rows[0]?.n ?? 0;

const askSignIn = async (email: string) => {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/v1/portal/magic-links",
    payload: { email },
    remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.1`,
  });
  expect(res.statusCode).toBe(202);
  await t.app.ctx.afterResponse.settled();
};

describe("who may change a customer's addresses and portal rights", () => {
  it("refuses an employee who is not the account owner, naming the field; name and phones stay open to all", async () => {
    const c = await accountContact();
    const email = await patch(agent, c.id, { emails: ["attacker@evil.test"] });
    expect(email.statusCode).toBe(403);
    expect(email.json().error.field).toBe("emails");
    const manager = await patch(agent, c.id, { organizationManager: true });
    expect(manager.statusCode).toBe(403);
    expect(manager.json().error.field).toBe("organizationManager");
    const moved = await patch(agent, c.id, { organizationId: null });
    expect(moved.statusCode).toBe(403);
    expect(moved.json().error.field).toBe("organizationId");
    const phones = await patch(agent, c.id, { phones: ["+49 30 1234"], name: "Casey Renamed" });
    expect(phones.statusCode).toBe(200);
    expect(phones.json()).toMatchObject({ emails: [c.email], organizationManager: false });
  });

  it("lets the account owner and supervisors decide; a contact without account only supervisors and admins", async () => {
    const c = await accountContact();
    expect((await patch(owner, c.id, { organizationManager: true })).statusCode).toBe(200);
    expect((await patch(supervisor, c.id, { organizationManager: false })).statusCode).toBe(200);
    const loose = await makeContact(t.app);
    expect((await patch(owner, loose.id, { organizationManager: true })).statusCode).toBe(403);
    expect((await patch(supervisor, loose.id, { organizationManager: true })).statusCode).toBe(200);
    const created = await agent.call({
      method: "POST",
      url: "/api/v1/contacts",
      payload: { name: "Pat", emails: [`${uniq()}@c.test`], organizationManager: true },
    });
    expect(created.statusCode).toBe(403);
    expect(created.json().error.field).toBe("organizationManager");
  });
});

describe("a new address is confirmed by its mailbox before it is used", () => {
  it("keeps the old address until the mailed link is used; then the portal signs in with the new one only", async () => {
    const c = await accountContact();
    const newAddress = `${uniq("new")}@customer.test`;
    const res = await patch(owner, c.id, { emails: [newAddress] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ emails: [c.email], pendingEmail: newAddress });

    await askSignIn(newAddress);
    expect(await signInLinksOf(c.id)).toBe(0);
    await askSignIn(c.email);
    expect(await signInLinksOf(c.id)).toBe(1);

    const confirmed = await t.app.inject({
      method: "POST",
      url: "/api/v1/contact-email-confirmations",
      payload: { token: await mailedToken(newAddress) },
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toEqual({ email: newAddress });
    const after = await owner.call({ method: "GET", url: `/api/v1/contacts/${c.id}` });
    expect(after.json()).toMatchObject({ emails: [newAddress], pendingEmail: null });

    await askSignIn(newAddress);
    expect(await signInLinksOf(c.id)).toBe(2);
    await askSignIn(c.email);
    expect(await signInLinksOf(c.id)).toBe(2);
  });

  it("spends the link once, and a newer request voids the older link", async () => {
    const c = await accountContact();
    const first = `${uniq("first")}@customer.test`;
    const second = `${uniq("second")}@customer.test`;
    await patch(owner, c.id, { emails: [c.email, first] });
    const firstToken = await mailedToken(first);
    await patch(owner, c.id, { emails: [c.email, second] });
    const confirm = (token: string) =>
      t.app.inject({ method: "POST", url: "/api/v1/contact-email-confirmations", payload: { token } });
    const stale = await confirm(firstToken);
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error.field).toBe("token");
    const secondToken = await mailedToken(second);
    expect((await confirm(secondToken)).statusCode).toBe(200);
    expect((await confirm(secondToken)).statusCode).toBe(400);
    const after = await owner.call({ method: "GET", url: `/api/v1/contacts/${c.id}` });
    expect(after.json().emails).toEqual([c.email, second]);
  });

  it("adds one new address at a time", async () => {
    const c = await accountContact();
    const res = await patch(owner, c.id, { emails: [c.email, `${uniq()}@a.test`, `${uniq()}@b.test`] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe("emails");
  });
});
