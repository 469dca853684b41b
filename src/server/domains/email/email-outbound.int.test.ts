import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeUser, type TestUser, uniq } from "../../../../test/factories";
import {
  type Desk,
  deliver,
  makeDesk,
  outboundMailTo,
  type SmtpSink,
  sendRaw,
  startSmtpSink,
} from "../../../../test/mail";
import { SYSTEM } from "../../platform/actor";
import { emailKeys } from "./email.keys";
import { createSupportAddress } from "./email.service";
import { processInbound } from "./inbound.service";
import {
  deliverOutbound,
  dueOutbound,
  MAX_DELIVERY_ATTEMPTS,
  NO_SUPPORT_ADDRESS,
  OUTBOUND_NOT_CONFIGURED,
} from "./outbound.service";
import { extractTokens, verifyReplyToken } from "./reply-token";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

let t: TestApp;
let unconfigured: TestApp;
let sink: SmtpSink;
let smtp: SmtpReceiver;
let desk: Desk;
let agent: TestUser;
let admin: TestUser;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startIsolatedTestApp({
    ...outboundMailTo(sink.port, "bounces@desk.example"),
  });
  unconfigured = await startTestApp();
  smtp = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: 10 * 1024 * 1024 });
  desk = await makeDesk(t.app, { autoAcknowledge: false });
  agent = await makeUser(t.app, { role: "agent", name: "Alice Agent" });
  admin = await makeUser(t.app, { role: "admin" });
});
afterAll(async () => {
  await smtp.close();
  await unconfigured.close();
  await t.close();
  await sink.close();
});

const customer = () => `${uniq("cust")}@${uniq("acme")}.example`;

/** Sends what is due now, as the delivery job would. */
const sendDue = async () => {
  await t.app.ctx.events.drain();
  for (const id of await dueOutbound(t.app.ctx, 100)) await deliverOutbound(t.app.ctx, id);
};

const received = (to: string) => sink.received.filter((m) => m.envelope.to.includes(to));

const reply = async (caseId: string, body: string, extra: Record<string, unknown> = {}) => {
  const res = await agent.call({
    method: "POST",
    url: `/api/v1/cases/${caseId}/messages`,
    payload: { kind: "reply", body, ...extra },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string };
};

describe("outbound mail", () => {
  it("sends a public reply with our Message-ID, threading headers, the agent's name and a tokenized Reply-To", async () => {
    const from = customer();
    const cc = customer();
    const incoming = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      cc,
      subject: "Printer on fire",
      text: "Help!",
      messageId: `<first-${uniq()}@acme.example>`,
    });
    if (incoming.outcome.status !== "parsed") throw new Error("not parsed");
    const caseId = incoming.outcome.caseId;
    const upload = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${caseId}/attachments`,
      headers: { "content-type": "multipart/form-data; boundary=b" },
      payload:
        '--b\r\nContent-Disposition: form-data; name="file"; filename="steps.txt"\r\nContent-Type: text/plain\r\n\r\nUnplug it.\r\n--b--\r\n',
    });
    const message = await reply(caseId, "<p>Please <b>unplug</b> it.</p>", {
      format: "html",
      attachmentIds: [upload.json().id],
    });
    await sendDue();
    const [mail] = received(from);
    if (!mail) throw new Error("nothing sent");
    const number = (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}` })).json().number;
    expect(mail.parsed.subject).toBe(`Re: [#${number}] Printer on fire`);
    expect(mail.parsed.from?.value[0]).toEqual({ name: "Alice Agent (Help Desk)", address: desk.address.address });
    expect(mail.parsed.to && !Array.isArray(mail.parsed.to) && mail.parsed.to.value[0]?.address).toBe(from);
    expect(mail.parsed.cc && !Array.isArray(mail.parsed.cc) && mail.parsed.cc.value[0]?.address).toBe(cc);
    // VERP: the envelope sender names this mail, so a bounce to it finds it
    const [, verp] = /^bounces\+bounce-([a-z2-7]+)@desk\.example$/.exec(mail.envelope.from) ?? [];
    const sentRow = await t.app.ctx.db.execute<{ id: string }>(
      sql`SELECT id FROM outbound_messages WHERE message_id = ${message.id}`,
    );
    expect(verifyReplyToken((await emailKeys(t.app.ctx)).bounceToken, verp ?? "")).toEqual({
      caseId: sentRow.rows[0]?.id,
    });
    expect(mail.parsed.inReplyTo).toMatch(/^<first-/);
    expect(mail.parsed.references).toContain(mail.parsed.inReplyTo);
    expect(mail.parsed.html).toContain("<b>unplug</b>");
    expect(mail.parsed.text).toContain("Please unplug it.");
    expect(mail.parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ["steps.txt", "Unplug it."],
    ]);
    const keys = await emailKeys(t.app.ctx);
    const replyTo = mail.parsed.replyTo?.value[0]?.address ?? "";
    const [addressToken] = extractTokens([replyTo], []);
    expect(verifyReplyToken(keys.replyToken, addressToken ?? "")).toEqual({ caseId });
    const [idToken] = extractTokens([], [mail.parsed.messageId ?? ""]);
    expect(verifyReplyToken(keys.replyToken, idToken ?? "")?.caseId).toBe(caseId);

    const status = (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}/email` })).json();
    const sent = status.messages.find((m: { messageId: string }) => m.messageId === message.id);
    expect(sent).toMatchObject({ direction: "outbound", delivery: { status: "sent", attempts: 1 } });

    const answer = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: "Re: something my client made up",
      inReplyTo: mail.parsed.messageId,
      references: [mail.parsed.messageId ?? ""],
      text: "Unplugged, thanks.",
    });
    expect(answer.outcome).toMatchObject({ status: "parsed", caseId });
  });

  it("fails for good on a 5xx answer and tells the author in an internal note", async () => {
    const from = customer();
    const c = await makeCase(t.app, agent.user.id, { requester: { email: from } });
    sink.reject.set(from, { code: 550, message: "5.1.1 No such user" });
    await reply(c.id, "Hello?");
    await sendDue();
    const row = await t.app.ctx.db.execute<{ status: string; last_response: string; attempts: number }>(
      sql`SELECT status, last_response, attempts FROM outbound_messages WHERE case_id = ${c.id}`,
    );
    expect(row.rows[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.rows[0]?.last_response).toMatch(/550/);
    const notes = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` }))
      .json()
      .items.filter((m: { kind: string }) => m.kind === "note");
    expect(notes[0].bodyText).toMatch(/could not be delivered to .*550/);
    const failures = await admin.call({ method: "GET", url: "/api/v1/outbound-emails?status=failed&limit=100" });
    const failure = failures.json().items.find((f: { caseId: string }) => f.caseId === c.id);
    expect(failure).toBeTruthy();
    sink.reject.delete(from);
    const retried = await admin.call({ method: "POST", url: `/api/v1/outbound-emails/${failure.id}/retry` });
    expect(retried.json()).toMatchObject({ status: "sent", attempts: 1 });
    expect(received(from)).toHaveLength(1);
  });

  it("retries temporary failures with backoff and gives up after the last attempt", async () => {
    const from = customer();
    const c = await makeCase(t.app, agent.user.id, { requester: { email: from } });
    sink.reject.set(from, { code: 451, message: "4.7.1 Try again later" });
    await reply(c.id, "Hello again");
    await sendDue();
    const first = await t.app.ctx.db.execute<{ id: string; status: string; attempts: number; next_attempt_at: Date }>(
      sql`SELECT id, status, attempts, next_attempt_at FROM outbound_messages WHERE case_id = ${c.id}`,
    );
    const row = first.rows[0];
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(new Date(row?.next_attempt_at ?? 0).getTime()).toBeGreaterThan(Date.now() + 30_000);
    for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      await t.app.ctx.db.execute(sql`UPDATE outbound_messages SET next_attempt_at = now() WHERE id = ${row?.id}`);
      await deliverOutbound(t.app.ctx, row?.id ?? "");
    }
    const last = await t.app.ctx.db.execute<{ status: string; attempts: number }>(
      sql`SELECT status, attempts FROM outbound_messages WHERE id = ${row?.id}`,
    );
    expect(last.rows[0]).toEqual({ status: "failed", attempts: MAX_DELIVERY_ATTEMPTS });
    sink.reject.delete(from);
  });

  it("sends nothing twice when the reply event is processed again", async () => {
    const from = customer();
    const c = await makeCase(t.app, agent.user.id, { requester: { email: from } });
    await reply(c.id, "Once");
    await sendDue();
    await t.app.ctx.db.execute(
      sql`UPDATE events SET dispatched_at = NULL WHERE case_id = ${c.id} AND type = 'message.added'`,
    );
    await sendDue();
    expect(received(from)).toHaveLength(1);
  });

  it("without outbound mail configured, stores replies, sends nothing and says so", async () => {
    const other = await makeUser(unconfigured.app, { role: "agent" });
    const otherAdmin = await makeUser(unconfigured.app, { role: "admin" });
    const from = customer();
    const c = await makeCase(unconfigured.app, other.user.id, { requester: { email: from } });
    const res = await other.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: { kind: "reply", body: "Hi" },
    });
    expect(res.statusCode).toBe(201);
    await unconfigured.app.ctx.events.drain();
    const rows = await unconfigured.app.ctx.db.execute<{ status: string; last_response: string }>(
      sql`SELECT status, last_response FROM outbound_messages WHERE case_id = ${c.id}`,
    );
    expect(rows.rows).toEqual([{ status: "failed", last_response: OUTBOUND_NOT_CONFIGURED }]);
    const email = (await other.call({ method: "GET", url: `/api/v1/cases/${c.id}/email` })).json();
    expect(email.outboundConfigured).toBe(false);
    expect(email.replyBlocked).toBe(OUTBOUND_NOT_CONFIGURED);
    expect(email.messages.find((m: { messageId: string }) => m.messageId === res.json().id)).toMatchObject({
      direction: "outbound",
      delivery: { status: "failed", lastResponse: OUTBOUND_NOT_CONFIGURED },
    });
    const settings = (await otherAdmin.call({ method: "GET", url: "/api/v1/email-settings" })).json();
    expect(settings.outbound).toMatchObject({ configured: false });
    expect(settings.outbound.summary).toMatch(/stored on the case but not sent/);
  });
});

/** A delivery status notification as a receiving MTA writes it, returning the headers of `original`. */
const dsn = (o: { to: string; recipient: string; originalHeaders: string; action?: string }) =>
  [
    "From: Mail Delivery System <MAILER-DAEMON@mx.acme.example>",
    `To: ${o.to}`,
    "Subject: Undelivered Mail Returned to Sender",
    `Message-ID: <bounce-${uniq()}@mx.acme.example>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
    "",
    "--dsn",
    "Content-Type: text/plain",
    "",
    "Your message could not be delivered.",
    "--dsn",
    "Content-Type: message/delivery-status",
    "",
    "Reporting-MTA: dns; mx.acme.example",
    "",
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Action: ${o.action ?? "failed"}`,
    "Status: 5.1.1",
    "Diagnostic-Code: smtp; 550 5.1.1 mailbox does not exist",
    "",
    "--dsn",
    "Content-Type: text/rfc822-headers",
    "",
    o.originalHeaders.trim(),
    "",
    "--dsn--",
    "",
  ].join("\r\n");

describe("bounces of our mail", () => {
  const sentReply = async () => {
    const from = customer();
    const owner = await makeUser(t.app, { role: "agent" });
    const c = await makeCase(t.app, owner.user.id, { requester: { email: from } });
    const message = await reply(c.id, "Here is your answer");
    await sendDue();
    const [mail] = received(from);
    if (!mail) throw new Error("nothing sent");
    const casesBefore = await t.app.ctx.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases`);
    return { from, c, owner, message, mail, casesBefore: casesBefore.rows[0]?.n ?? 0 };
  };

  const outboundOf = async (messageId: string) =>
    (
      await t.app.ctx.db.execute<{ id: string; status: string; last_response: string }>(
        sql`SELECT id, status, last_response FROM outbound_messages WHERE message_id = ${messageId}`,
      )
    ).rows[0];

  it("marks the reply failed on its case, tells the owner and the author, and opens no case (VERP)", async () => {
    // the envelope sender must be an address we receive mail for
    await createSupportAddress(t.app.ctx, SYSTEM, {
      address: "bounces@desk.example",
      name: "Bounces",
      teamId: desk.teamId,
      executiveUserId: null,
      autoAcknowledge: true,
      active: true,
    });
    const { from, c, owner, message, mail, casesBefore } = await sentReply();
    const raw = dsn({
      to: mail.envelope.from,
      recipient: from,
      originalHeaders: "Subject: unrelated\r\nX-Note: no ids",
    });
    const { id } = await sendRaw(smtp.port, raw, { from: "", to: [mail.envelope.from] });
    const outcome = await processInbound(t.app.ctx, id);
    await t.app.ctx.events.drain();
    const row = await outboundOf(message.id);
    expect(outcome).toEqual({ status: "ignored", reason: `bounce-of:${row?.id}` });
    expect(row?.status).toBe("failed");
    expect(row?.last_response).toMatch(/mx\.acme\.example: .*5\.1\.1 .*mailbox does not exist/);
    const after = await t.app.ctx.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases`);
    expect(after.rows[0]?.n).toBe(casesBefore);

    const status = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/email` })).json();
    expect(status.messages.find((m: { messageId: string }) => m.messageId === message.id).delivery).toMatchObject({
      status: "failed",
    });
    const notes = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/messages` }))
      .json()
      .items.filter((m: { kind: string }) => m.kind === "note");
    expect(notes.at(-1).bodyText).toMatch(/returned undelivered from .*mailbox does not exist/);
    for (const person of [owner, agent]) {
      const notices = (await person.call({ method: "GET", url: "/api/v1/me/notifications" })).json().items;
      expect(notices.find((n: { caseId: string }) => n.caseId === c.id)).toMatchObject({ kind: "mail_not_delivered" });
    }
    const inbound = (
      await admin.call({ method: "GET", url: "/api/v1/inbound-emails?status=ignored&limit=100" })
    ).json();
    expect(inbound.items.find((i: { id: string }) => i.id === id)).toMatchObject({ caseId: c.id });
  });

  it("finds the reply by the Message-ID the bounce returns when it comes to the support address", async () => {
    const { from, message, mail } = await sentReply();
    const raw = dsn({
      to: desk.address.address,
      recipient: from,
      originalHeaders: `From: ${desk.address.address}\r\nTo: ${from}\r\nMessage-ID: ${mail.parsed.messageId}`,
    });
    const { id } = await sendRaw(smtp.port, raw, { from: "", to: [desk.address.address] });
    const outcome = await processInbound(t.app.ctx, id);
    const row = await outboundOf(message.id);
    expect(outcome).toEqual({ status: "ignored", reason: `bounce-of:${row?.id}` });
    expect(row?.status).toBe("failed");
  });

  it("keeps a delay report or a bounce of nothing of ours as ignored, never a case", async () => {
    const { from, message, mail } = await sentReply();
    const delayed = dsn({
      to: desk.address.address,
      recipient: from,
      action: "delayed",
      originalHeaders: `Message-ID: ${mail.parsed.messageId}`,
    });
    const first = await sendRaw(smtp.port, delayed, { from: "", to: [desk.address.address] });
    expect((await processInbound(t.app.ctx, first.id)).status).toBe("ignored");
    expect((await outboundOf(message.id))?.status).toBe("sent");
    const stranger = dsn({
      to: desk.address.address,
      recipient: "x@y.example",
      originalHeaders: "Message-ID: <no@one>",
    });
    const second = await sendRaw(smtp.port, stranger, { from: "", to: [desk.address.address] });
    expect(await processInbound(t.app.ctx, second.id)).toEqual({ status: "ignored", reason: "bounce-unmatched" });
  });
});

describe("replies that cannot be sent", () => {
  it("are shown as not sent with the reason when there is no support address to send from", async () => {
    const lone = await startIsolatedTestApp({ ...outboundMailTo(sink.port) });
    try {
      const writer = await makeUser(lone.app, { role: "agent" });
      const c = await makeCase(lone.app, writer.user.id, { requester: { email: customer() } });
      const before = (await writer.call({ method: "GET", url: `/api/v1/cases/${c.id}/email` })).json();
      expect(before.replyBlocked).toBe(NO_SUPPORT_ADDRESS);
      const res = await writer.call({
        method: "POST",
        url: `/api/v1/cases/${c.id}/messages`,
        payload: { kind: "reply", body: "Hello" },
      });
      await lone.app.ctx.events.drain();
      const email = (await writer.call({ method: "GET", url: `/api/v1/cases/${c.id}/email` })).json();
      expect(email.messages.find((m: { messageId: string }) => m.messageId === res.json().id)).toMatchObject({
        delivery: { status: "failed", lastResponse: NO_SUPPORT_ADDRESS },
      });
    } finally {
      await lone.close();
    }
  }, 120_000);
});
