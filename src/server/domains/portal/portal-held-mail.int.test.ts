import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeUser, type TestUser, uniq } from "../../../../test/factories";
import { compose, type Desk, makeDesk } from "../../../../test/mail";
import { makeContact } from "../../../../test/portal";
import { PORTAL_COOKIE } from "../../platform/http";
import { sha256 } from "../../platform/secrets";
import { emailKeys } from "../email/email.keys";
import { processInbound, receiveInbound } from "../email/inbound.service";
import { createReplyToken, replyAddress } from "../email/reply-token";

let t: TestApp;
let agent: TestUser;
let desk: Desk;

beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.app, { role: "agent" });
  desk = await makeDesk(t.app);
});
afterAll(async () => await t.close());

/** The case's requester signed in to the portal. */
const portalOf = async (contactId: string) => {
  const cookie = uniq("portal-session");
  await t.app.ctx.db.execute(sql`
    INSERT INTO portal_sessions (token_hash, contact_id, csrf_token, expires_at)
    VALUES (${sha256(cookie)}, ${contactId}, ${uniq("csrf")}, now() + interval '1 day')`);
  return (url: string) => t.app.inject({ method: "GET", url, cookies: { [PORTAL_COOKIE]: cookie } });
};

/** Mail into the case's thread (its reply address) from someone who is not on the case. */
const strangerWrites = async (caseId: string, from: string, text: string) => {
  const keys = await emailKeys(t.app.ctx);
  const raw = await compose({
    from,
    to: replyAddress(desk.address.address, createReplyToken(keys.replyToken, { caseId })),
    subject: "I was forwarded this",
    text,
    attachments: [{ filename: "offer.txt", content: Buffer.from("click here"), contentType: "text/plain" }],
  });
  const { id } = await receiveInbound(t.app.ctx, {
    source: "smtp",
    raw,
    envelope: { mailFrom: from, rcptTo: [desk.address.address], remoteAddress: null, heloName: null },
  });
  const outcome = await processInbound(t.app.ctx, id);
  expect(outcome).toMatchObject({ status: "parsed", caseId });
};

type PortalMessage = { bodyText: string; attachments: { id: string }[] };

describe("mail from a sender pending review", () => {
  it("stays out of the portal until an employee approves the sender", async () => {
    const requester = await makeContact(t.app);
    const c = await makeCase(t.app, agent.user.id, { requester: { contactId: requester.id } });
    const portal = await portalOf(requester.id);
    const stranger = `${uniq("stranger")}@elsewhere.example`;
    await strangerWrites(c.id, stranger, "Pay the new invoice to account 666");

    const staffThread = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` })).json();
    type StaffMessage = { id: string; bodyText: string; heldForReview: boolean; attachments: { id: string }[] };
    const held = (staffThread.items as StaffMessage[]).find((m) => m.bodyText.includes("account 666"));
    expect(held?.heldForReview).toBe(true);

    const before = await portal(`/api/v1/portal/cases/${c.id}/messages`);
    expect(before.statusCode).toBe(200);
    expect(before.body).not.toContain("account 666");
    const file = held?.attachments[0]?.id ?? "";
    expect((await portal(`/api/v1/portal/attachments/${file}`)).statusCode).toBe(404);

    const email = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/email` })).json();
    const pending = (email.participants as { contactId: string; email: string }[]).find((p) => p.email === stranger);
    const approved = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/email-participants/${pending?.contactId}/approve`,
    });
    expect(approved.statusCode).toBe(200);

    const after = (await portal(`/api/v1/portal/cases/${c.id}/messages`)).json() as { items: PortalMessage[] };
    expect(after.items.map((m) => m.bodyText)).toContainEqual(expect.stringContaining("account 666"));
    expect((await portal(`/api/v1/portal/attachments/${file}`)).statusCode).toBe(200);
    const released = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` })).json();
    expect((released.items as { id: string; heldForReview: boolean }[]).find((m) => m.id === held?.id)).toMatchObject({
      heldForReview: false,
    });
  });

  it("stays out of the portal when the sender is removed instead", async () => {
    const requester = await makeContact(t.app);
    const c = await makeCase(t.app, agent.user.id, { requester: { contactId: requester.id } });
    const portal = await portalOf(requester.id);
    const stranger = `${uniq("stranger")}@elsewhere.example`;
    await strangerWrites(c.id, stranger, "Unsubscribe from everything");
    const email = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/email` })).json();
    const pending = (email.participants as { contactId: string; email: string }[]).find((p) => p.email === stranger);
    const removed = await agent.call({
      method: "DELETE",
      url: `/api/v1/cases/${c.id}/email-participants/${pending?.contactId}`,
    });
    expect(removed.statusCode).toBe(200);
    expect((await portal(`/api/v1/portal/cases/${c.id}/messages`)).body).not.toContain("Unsubscribe from everything");
  });
});
