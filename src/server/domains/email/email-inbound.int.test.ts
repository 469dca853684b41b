import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeUser, type TestUser, uniq } from "../../../../test/factories";
import { mailFixtures } from "../../../../test/fixtures/mail/generate";
import { compose, type Desk, deliver, makeDesk, outboundMailTo, sendRaw } from "../../../../test/mail";
import { SYSTEM } from "../../platform/actor";
import { updateCase } from "../cases/cases.service";
import { emailKeys } from "./email.keys";
import { processInbound } from "./inbound.service";
import { createReplyToken, ourMessageId, replyAddress } from "./reply-token";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

let t: TestApp;
let smtp: SmtpReceiver;
let desk: Desk;
let agent: TestUser;

const MAX_BYTES = 256 * 1024;

beforeAll(async () => {
  t = await startTestApp({
    ...outboundMailTo(9),
  });
  smtp = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: MAX_BYTES });
  desk = await makeDesk(t.app);
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

const db = () => t.app.ctx.db;
const customer = () => `${uniq("cust")}@${uniq("acme")}.example`;

const row = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T> => {
  const result = await db().execute<T>(query);
  const first = result.rows[0];
  if (!first) throw new Error("no row");
  return first as T;
};

const caseOf = async (caseId: string) =>
  (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}` })).json() as {
    id: string;
    number: number;
    status: string;
    channel: string;
    subject: string;
    owner: { id: string } | null;
    team: { id: string } | null;
    requester: { id: string; email: string | null };
    nextStep: string | null;
    nextStepDueAt: string | null;
    followerIds: string[];
    links: { otherCase: { id: string } }[];
    version: number;
  };

const messagesOf = async (caseId: string) =>
  (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}/messages` })).json().items as {
    id: string;
    kind: string;
    author: { type: string; id: string | null };
    bodyText: string;
    bodyHtml: string | null;
    attachments: { id: string; filename: string; contentType: string }[];
  }[];

const emailOf = async (caseId: string) =>
  (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}/email` })).json();

const parsedCase = (outcome: Awaited<ReturnType<typeof deliver>>["outcome"]): string => {
  if (outcome.status !== "parsed") throw new Error(`expected parsed, got ${JSON.stringify(outcome)}`);
  return outcome.caseId;
};

describe("SMTP receiver", () => {
  it("answers 250 only with the raw bytes committed, byte for byte", async () => {
    const raw = await compose({
      from: customer(),
      to: desk.address.address,
      subject: "Printer",
      text: "It is on fire.",
    });
    const { id, response } = await sendRaw(smtp.port, raw, {
      from: "someone@acme.example",
      to: [desk.address.address],
    });
    expect(response).toMatch(/^250 /);
    const stored = await row<{ raw: Buffer; sha256: string; status: string; envelope: { rcptTo: string[] } }>(
      sql`SELECT raw, sha256, status, envelope FROM inbound_messages WHERE id = ${id}`,
    );
    expect(Buffer.compare(stored.raw, raw)).toBe(0);
    expect(stored.sha256).toBe(createHash("sha256").update(raw).digest("hex"));
    expect(stored.status).toBe("received");
    expect(stored.envelope.rcptTo).toEqual([desk.address.address]);
  });

  it("stores the same bytes once and answers both deliveries with the same id", async () => {
    const raw = await compose({ from: customer(), to: desk.address.address, subject: "Twice", text: "Same bytes." });
    const first = await sendRaw(smtp.port, raw, { from: "a@acme.example", to: [desk.address.address] });
    const second = await sendRaw(smtp.port, raw, { from: "a@acme.example", to: [desk.address.address] });
    expect(second.id).toBe(first.id);
    const count = await row<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM inbound_messages WHERE sha256 = ${createHash("sha256").update(raw).digest("hex")}`,
    );
    expect(count.n).toBe(1);
  });

  it("refuses recipients that are not ours with 550 and accepts +tags of ours", async () => {
    const raw = await compose({ from: customer(), to: "nobody@elsewhere.example", subject: "x", text: "x" });
    await expect(
      sendRaw(smtp.port, raw, { from: "a@acme.example", to: ["nobody@elsewhere.example"] }),
    ).rejects.toMatchObject({ responseCode: 550 });
    const tagged = desk.address.address.replace("@", "+anything@");
    const ok = await sendRaw(smtp.port, raw, { from: "a@acme.example", to: [tagged] });
    expect(ok.response).toMatch(/^250 /);
  });

  it("answers 552 for a message over the size limit and stores nothing", async () => {
    const subject = `Too big ${uniq()}`;
    const raw = await compose({
      from: customer(),
      to: desk.address.address,
      subject,
      text: "x".repeat(MAX_BYTES + 10),
    });
    await expect(sendRaw(smtp.port, raw, { from: "a@acme.example", to: [desk.address.address] })).rejects.toMatchObject(
      {
        responseCode: 552,
      },
    );
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtp.port, ignoreTLS: true });
    await transport.verify();
    transport.close();
    const sha = createHash("sha256").update(raw).digest("hex");
    const count = await row<{ n: number }>(sql`SELECT count(*)::int AS n FROM inbound_messages WHERE sha256 = ${sha}`);
    expect(count.n).toBe(0);
  });
});

describe("new cases from mail", () => {
  it("opens an email case for the address's team, owned by the team lead, with a next step due", async () => {
    const from = customer();
    const { outcome } = await deliver(t.app, smtp.port, {
      from: `"Nora Customer" <${from}>`,
      to: desk.address.address,
      subject: "Invoice is wrong",
      text: "Hello, the invoice is wrong.\n\nOn Mon, 23 Nov 2026, Help Desk wrote:\n> earlier mail",
    });
    const c = await caseOf(parsedCase(outcome));
    expect(c).toMatchObject({
      subject: "Invoice is wrong",
      status: "new",
      channel: "email",
      owner: { id: desk.lead.user.id },
      team: { id: desk.teamId },
      requester: { email: from },
    });
    expect(c.nextStep).toBeTruthy();
    expect(c.nextStepDueAt).toBeTruthy();
    const [message] = await messagesOf(c.id);
    expect(message).toMatchObject({ kind: "reply", author: { type: "contact", id: c.requester.id } });
    expect(message?.bodyText).toBe("Hello, the invoice is wrong.");
    const email = await emailOf(c.id);
    expect(email.messages[0]).toMatchObject({ direction: "inbound", fromAddress: from });
    expect(email.messages[0].quotedText).toMatch(/earlier mail/);
  });

  it("falls back to the first active admin when the team has no lead", async () => {
    await makeUser(t.app, { role: "admin" });
    const plainDesk = await makeDesk(t.app, { withLead: false });
    const b = await deliver(t.app, smtp.port, { from: customer(), to: plainDesk.address.address, subject: "Anyone?" });
    const admin = await row<{ id: string }>(
      sql`SELECT id FROM users WHERE role = 'admin' AND active ORDER BY created_at, id LIMIT 1`,
    );
    expect((await caseOf(parsedCase(b.outcome))).owner?.id).toBe(admin.id);
  });

  it("mail to an executive address opens an executive case owned by the executive, whom the team lead cannot remove", async () => {
    const executive = await makeUser(t.app, { role: "executive" });
    const execDesk = await makeDesk(t.app, { executiveUserId: executive.user.id });
    const { outcome } = await deliver(t.app, smtp.port, {
      from: customer(),
      to: execDesk.address.address,
      subject: "Dear CEO",
    });
    const caseId = parsedCase(outcome);
    const c = await caseOf(caseId);
    expect(c.owner?.id).toBe(executive.user.id);
    expect(c.followerIds).toContain(executive.user.id);
    const line = await executive.call({ method: "GET", url: `/api/v1/executive/cases/${caseId}` });
    expect(line.json()).toMatchObject({ stage: "awaiting_delegation", executive: { id: executive.user.id } });
    const removed = await execDesk.lead.call({
      method: "DELETE",
      url: `/api/v1/cases/${caseId}/followers/${executive.user.id}`,
    });
    expect(removed.statusCode).toBe(422);
    expect(removed.json().error.field).toBe("userId");
  });

  it("makes copied people contacts (organization by domain) and participants, at most 40 new per message", async () => {
    const domain = `${uniq("org")}.example`;
    const org = await agent.call({
      method: "POST",
      url: "/api/v1/organizations",
      payload: { name: "Copied Org", domains: [domain] },
    });
    const cc = Array.from({ length: 60 }, (_v, i) => `person${i}@${domain}`);
    const { outcome } = await deliver(t.app, smtp.port, {
      from: customer(),
      to: [desk.address.address, cc[0] as string],
      cc: [...cc.slice(1), agent.user.email],
      subject: "Many copied",
    });
    const caseId = parsedCase(outcome);
    const email = await emailOf(caseId);
    expect(email.participants).toHaveLength(40);
    expect(
      email.participants.every((p: { role: string; pendingReview: boolean }) => p.role === "cc" && !p.pendingReview),
    ).toBe(true);
    const contact = await row<{ organization_id: string | null }>(
      sql`SELECT c.organization_id FROM contacts c JOIN contact_emails e ON e.contact_id = c.id WHERE e.email = ${cc[0]}`,
    );
    expect(contact.organization_id).toBe(org.json().id);
    const staff = await db().execute(sql`SELECT 1 FROM contact_emails WHERE email = ${agent.user.email}`);
    expect(staff.rows).toHaveLength(0);
  });

  it("keeps attachments and inline images with their content id and points cid: links at them", async () => {
    const logo = Buffer.from("89504e470d0a1a0a", "hex");
    const { outcome } = await deliver(t.app, smtp.port, {
      from: customer(),
      to: desk.address.address,
      subject: "With files",
      html: '<p>See <img src="cid:logo@x" alt="logo"> and <script>alert(1)</script><img src="https://tracker.example/p.gif"></p>',
      attachments: [
        { filename: "logo.png", content: logo, contentType: "image/png", cid: "logo@x" },
        { filename: "../../etc/report.pdf", content: Buffer.from("%PDF-1.4"), contentType: "application/pdf" },
      ],
    });
    const caseId = parsedCase(outcome);
    const [message] = await messagesOf(caseId);
    expect(message?.attachments.map((a) => a.filename).sort()).toEqual(["logo.png", "report.pdf"]);
    const inline = message?.attachments.find((a) => a.filename === "logo.png");
    expect(message?.bodyHtml).toContain(`src="/api/v1/attachments/${inline?.id}"`);
    expect(message?.bodyHtml).not.toContain("script");
    expect(message?.bodyHtml).toContain('data-remote-src="https://tracker.example/p.gif"');
    const part = await row<{ content_id: string; inline: boolean }>(
      sql`SELECT content_id, inline FROM email_attachment_parts WHERE attachment_id = ${inline?.id}`,
    );
    expect(part).toEqual({ content_id: "logo@x", inline: true });
    const download = await agent.call({ method: "GET", url: `/api/v1/attachments/${inline?.id}` });
    expect(Buffer.compare(download.rawPayload, logo)).toBe(0);
    expect((await emailOf(caseId)).messages[0].blockedRemoteImages).toBe(1);
  });
});

describe("threading", () => {
  const opened = async (from: string, subject = `Question ${uniq()}`) => {
    const { outcome, raw } = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject,
      text: "First",
    });
    const headerId = /Message-ID: (<[^>]+>)/i.exec(raw.toString())?.[1] as string;
    return { caseId: parsedCase(outcome), subject, headerId };
  };

  it("follows the reply token in the address, even from a new subject", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const keys = await emailKeys(t.app.ctx);
    const to = replyAddress(desk.address.address, createReplyToken(keys.replyToken, { caseId }));
    const { outcome } = await deliver(t.app, smtp.port, { from, to, subject: "Something else", text: "More" });
    expect(parsedCase(outcome)).toBe(caseId);
  });

  it("follows our Message-ID in In-Reply-To or References", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const keys = await emailKeys(t.app.ctx);
    const ours = ourMessageId(desk.domain, createReplyToken(keys.replyToken, { caseId, messageId: caseId }), "abc");
    const { outcome } = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: "Re: whatever",
      inReplyTo: ours,
      references: [ours],
    });
    expect(parsedCase(outcome)).toBe(caseId);
  });

  it("follows the customer's own earlier Message-ID", async () => {
    const from = customer();
    const { caseId, headerId } = await opened(from);
    const { outcome } = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: "Forgot one thing",
      inReplyTo: headerId,
    });
    expect(parsedCase(outcome)).toBe(caseId);
  });

  it("refuses a forged token and opens a new case instead", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const forged = createReplyToken("a-different-secret-of-enough-length", { caseId });
    const { outcome } = await deliver(t.app, smtp.port, {
      from,
      to: replyAddress(desk.address.address, forged),
      subject: "Forged",
    });
    expect(parsedCase(outcome)).not.toBe(caseId);
  });

  it("threads by [#n] in the subject only when the sender is already a participant", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const { number } = await caseOf(caseId);
    const fromRequester = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: `Re: [#${number}] x`,
    });
    expect(parsedCase(fromRequester.outcome)).toBe(caseId);
    const stranger = await deliver(t.app, smtp.port, {
      from: customer(),
      to: desk.address.address,
      subject: `Re: [#${number}] x`,
    });
    expect(parsedCase(stranger.outcome)).not.toBe(caseId);
  });

  it("makes an unknown sender replying into a thread a follower pending review, never the requester", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const keys = await emailKeys(t.app.ctx);
    const stranger = customer();
    const { outcome } = await deliver(t.app, smtp.port, {
      from: stranger,
      to: replyAddress(desk.address.address, createReplyToken(keys.replyToken, { caseId })),
      subject: "I was forwarded this",
    });
    expect(parsedCase(outcome)).toBe(caseId);
    const c = await caseOf(caseId);
    expect(c.requester.email).toBe(from);
    const email = await emailOf(caseId);
    const pending = email.participants.find((p: { email: string }) => p.email === stranger);
    expect(pending).toMatchObject({ role: "follower", pendingReview: true });
    const approved = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${caseId}/email-participants/${pending.contactId}/approve`,
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().participants[0]).toMatchObject({ pendingReview: false });
  });

  it("reopens a pending or solved case on a customer reply, but not on an auto-reply", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const keys = await emailKeys(t.app.ctx);
    const to = replyAddress(desk.address.address, createReplyToken(keys.replyToken, { caseId }));
    await updateCase(t.app.ctx, SYSTEM, caseId, 1, { status: "pending" });
    const ooo = await deliver(t.app, smtp.port, {
      from,
      to,
      subject: "Out of office",
      headers: { "Auto-Submitted": "auto-replied" },
    });
    expect(parsedCase(ooo.outcome)).toBe(caseId);
    expect((await caseOf(caseId)).status).toBe("pending");
    await deliver(t.app, smtp.port, { from, to, subject: "Still broken" });
    const reopened = await caseOf(caseId);
    expect(reopened.status).toBe("open");
    expect(reopened.nextStep).toBe("Answer the customer's reply");
    await db().execute(sql`UPDATE cases SET status = 'solved', solved_at = now() WHERE id = ${caseId}`);
    await deliver(t.app, smtp.port, { from, to, subject: "Again" });
    expect((await caseOf(caseId)).status).toBe("open");
  });

  it("opens a follow-up case linked to a closed one", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    await db().execute(sql`UPDATE cases SET status = 'closed', closed_at = now() WHERE id = ${caseId}`);
    const keys = await emailKeys(t.app.ctx);
    const { outcome } = await deliver(t.app, smtp.port, {
      from,
      to: replyAddress(desk.address.address, createReplyToken(keys.replyToken, { caseId })),
      subject: "It broke again",
    });
    const followUp = await caseOf(parsedCase(outcome));
    expect(followUp.id).not.toBe(caseId);
    expect(followUp.links.map((l) => l.otherCase.id)).toEqual([caseId]);
  });

  it("lets an employee reply as themselves only with a token made for them", async () => {
    const from = customer();
    const { caseId } = await opened(from);
    const keys = await emailKeys(t.app.ctx);
    const agentToken = createReplyToken(keys.agentToken(agent.user.id), { caseId });
    const asAgent = await deliver(t.app, smtp.port, {
      from: agent.user.email,
      to: replyAddress(desk.address.address, agentToken),
      subject: "Re: notification",
      text: "We are on it.",
    });
    expect(parsedCase(asAgent.outcome)).toBe(caseId);
    const messages = await messagesOf(caseId);
    expect(messages.at(-1)).toMatchObject({ kind: "reply", author: { type: "user", id: agent.user.id } });
    const customerToken = createReplyToken(keys.replyToken, { caseId });
    const spoofed = await deliver(t.app, smtp.port, {
      from: agent.user.email,
      to: replyAddress(desk.address.address, customerToken),
      subject: "Re: spoof",
    });
    expect(parsedCase(spoofed.outcome)).toBe(caseId);
    expect((await messagesOf(caseId)).at(-1)?.author.type).toBe("contact");
  });
});

describe("loops and acknowledgements", () => {
  it("acknowledges a new sender once per window, with auto-replied headers", async () => {
    const from = customer();
    const first = await deliver(t.app, smtp.port, { from, to: desk.address.address, subject: "One" });
    const second = await deliver(t.app, smtp.port, { from, to: desk.address.address, subject: "Two" });
    const acks = await db().execute<{ headers: { extra: Record<string, string> }; to: string[] }>(
      sql`SELECT headers, "to" FROM outbound_messages WHERE kind = 'acknowledgement' AND ${from} = ANY("to")`,
    );
    expect(acks.rows).toHaveLength(1);
    expect(acks.rows[0]?.headers.extra["Auto-Submitted"]).toBe("auto-replied");
    expect(first.outcome.status === "parsed" && first.outcome.outboundIds).toHaveLength(1);
    expect(second.outcome.status === "parsed" && second.outcome.outboundIds).toHaveLength(0);
  });

  it("never acknowledges automatic mail, lists or null senders, and opens no case for automatic mail", async () => {
    const automatic: Record<string, string>[] = [{ "Auto-Submitted": "auto-generated" }, { Precedence: "bulk" }];
    for (const headers of automatic) {
      const { outcome } = await deliver(t.app, smtp.port, {
        from: customer(),
        to: desk.address.address,
        subject: "Auto",
        headers,
      });
      expect(outcome.status).toBe("ignored");
    }
    const list = await deliver(t.app, smtp.port, {
      from: customer(),
      to: desk.address.address,
      subject: "From the users list",
      headers: { "List-Id": "<news.lists.example>" },
    });
    expect(list.outcome.status === "parsed" && list.outcome.outboundIds).toEqual([]);
    const from = customer();
    const raw = await compose({ from, to: desk.address.address, subject: "Null sender" });
    const { id } = await sendRaw(smtp.port, raw, { from: "", to: [desk.address.address] });
    const outcome = await processInbound(t.app.ctx, id);
    expect(outcome.status === "parsed" && outcome.outboundIds).toEqual([]);
  });

  it("ignores our own mail coming back", async () => {
    const keys = await emailKeys(t.app.ctx);
    const { caseId } = await (async () => {
      const { outcome } = await deliver(t.app, smtp.port, { from: customer(), to: desk.address.address, subject: "x" });
      return { caseId: parsedCase(outcome) };
    })();
    const looped = await deliver(t.app, smtp.port, {
      from: customer(),
      to: desk.address.address,
      subject: "Our own",
      messageId: ourMessageId(desk.domain, createReplyToken(keys.replyToken, { caseId, messageId: caseId }), "loop"),
    });
    expect(looped.outcome).toEqual({ status: "ignored", reason: "own-message" });
    const fromUs = await deliver(t.app, smtp.port, {
      from: desk.address.address,
      to: desk.address.address,
      subject: "Me",
    });
    expect(fromUs.outcome).toEqual({ status: "ignored", reason: "own-address" });
  });
});

describe("quarantine", () => {
  it("quarantines what cannot be parsed, keeps the bytes for download, and retries on request", async () => {
    const admin = await makeUser(t.app, { role: "admin" });
    const nesting = mailFixtures().find((f) => f.name === "nesting-1000");
    if (!nesting) throw new Error("fixture missing");
    const raw = Buffer.concat([Buffer.from(`To: ${desk.address.address}\r\nSubject: deep ${uniq()}\r\n`), nesting.raw]);
    const { id } = await sendRaw(smtp.port, raw, { from: "a@acme.example", to: [desk.address.address] });
    const outcome = await processInbound(t.app.ctx, id);
    if (outcome.status !== "quarantined") {
      expect(outcome.status).toBe("parsed");
      return;
    }
    const list = await admin.call({ method: "GET", url: "/api/v1/inbound-emails?status=quarantined&limit=100" });
    const entry = list.json().items.find((i: { id: string }) => i.id === id);
    expect(entry.problems.join(" ")).toMatch(/parse-failed/);
    const download = await admin.call({ method: "GET", url: `/api/v1/inbound-emails/${id}/raw` });
    expect(download.headers["content-disposition"]).toMatch(/^attachment; filename="[0-9a-f-]+\.eml"$/);
    expect(Buffer.compare(download.rawPayload, raw)).toBe(0);
    const retried = await admin.call({ method: "POST", url: `/api/v1/inbound-emails/${id}/retry` });
    expect(retried.statusCode).toBe(200);
    expect(["quarantined", "parsed"]).toContain(retried.json().status);
    expect(retried.json().parseAttempts).toBe(1);
  });

  it("quarantines a message without any sender", async () => {
    const raw = Buffer.from(`To: ${desk.address.address}\r\nSubject: nobody ${uniq()}\r\n\r\nWho am I?\r\n`);
    const { id } = await sendRaw(smtp.port, raw, { from: "", to: [desk.address.address] });
    expect(await processInbound(t.app.ctx, id)).toMatchObject({
      status: "quarantined",
      problems: ["missing-from", "missing-message-id", "no-sender"],
    });
  });
});
