import { generateKeyPairSync } from "node:crypto";
import { sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { publishDns, txt } from "../../../../test/dns";
import { makeUser, type TestUser, uniq } from "../../../../test/factories";
import { compose, type Desk, deliver, makeDesk, outboundMailTo, type SimpleMail, sendRaw } from "../../../../test/mail";
import { SYSTEM } from "../../platform/actor";
import { updateCase } from "../cases/cases.service";
import { createMailbox } from "./email.service";
import { type InboundOutcome, processInbound, receiveInbound } from "./inbound.service";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

let t: TestApp;
let smtp: SmtpReceiver;
let desk: Desk;
let second: Desk;
let agent: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await startTestApp({ ...outboundMailTo(9) });
  smtp = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: 1024 * 1024 });
  desk = await makeDesk(t.app);
  second = await makeDesk(t.app);
  agent = await makeUser(t.app, { role: "agent" });
  admin = await makeUser(t.app, { role: "admin" });
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

const db = () => t.app.ctx.db;
const customer = () => `${uniq("cust")}@${uniq("acme")}.example`;

const parsedCase = (outcome: InboundOutcome): string => {
  if (outcome.status !== "parsed") throw new Error(`expected parsed, got ${JSON.stringify(outcome)}`);
  return outcome.caseId;
};

const caseOf = async (caseId: string) =>
  (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}` })).json() as {
    id: string;
    number: number;
    status: string;
    requester: { email: string | null; name: string };
    nextStep: string | null;
    nextStepDueAt: string | null;
  };

const messagesOf = async (caseId: string) =>
  (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}/messages` })).json().items as {
    id: string;
    kind: string;
    author: { type: string };
    bodyText: string;
  }[];

const emailOf = async (caseId: string) =>
  (await agent.call({ method: "GET", url: `/api/v1/cases/${caseId}/email` })).json();

const casesFrom = async (address: string) =>
  (
    await db().execute<{ id: string }>(
      sql`SELECT c.id FROM cases c JOIN contact_emails e ON e.contact_id = c.requester_id WHERE e.email = ${address}`,
    )
  ).rows;

const acknowledgementsTo = async (address: string) =>
  (
    await db().execute<{ id: string }>(
      sql`SELECT id FROM outbound_messages WHERE kind = 'acknowledgement' AND ${address} = ANY("to")`,
    )
  ).rows;

const inboundRow = async (id: string) =>
  (
    await db().execute<{ status: string; problems: string[]; case_id: string | null; raw: Buffer }>(
      sql`SELECT status, problems, case_id, raw FROM inbound_messages WHERE id = ${id}`,
    )
  ).rows[0];

describe("Reply-To of contact forms", () => {
  it("makes the person in Reply-To the requester when a no-reply or form sender relays them, and acknowledges them", async () => {
    for (const relay of [`noreply@${uniq("site")}.example`, `wordpress@${uniq("site")}.example`]) {
      const person = customer();
      const { outcome } = await deliver(t.app, smtp.port, {
        from: `"Website" <${relay}>`,
        to: desk.address.address,
        subject: "Contact form: where is my order?",
        text: "Name: Cara\nMessage: my order never came",
        headers: { "Reply-To": `"Cara Customer" <${person}>` },
      });
      const c = await caseOf(parsedCase(outcome));
      expect(c.requester).toMatchObject({ email: person, name: "Cara Customer" });
      expect(await acknowledgementsTo(person)).toHaveLength(1);
      expect(await acknowledgementsTo(relay)).toHaveLength(0);
      expect(await casesFrom(relay)).toHaveLength(0);
    }
  });

  it("keeps the From address when Reply-To names only another no-reply address", async () => {
    const { outcome } = await deliver(t.app, smtp.port, {
      from: `noreply@${uniq("shop")}.example`,
      to: desk.address.address,
      subject: "Your receipt",
      headers: { "Reply-To": `no-reply@${uniq("shop")}.example` },
    });
    expect(outcome).toEqual({ status: "ignored", reason: "automatic:no-reply-sender" });
  });
});

describe("forwards and quoted history", () => {
  const forwardedText = [
    "Can you help with this?",
    "",
    "---------- Forwarded message ---------",
    "From: Vendor Billing <billing@vendor.example>",
    "Date: Mon, 23 Nov 2026 at 09:00",
    "Subject: Invoice 4711",
    "To: <me@acme.example>",
    "",
    "The invoice total is 500 EUR, due on 1 December.",
  ].join("\n");

  it("shows a plain-text inline forward whole, with or without Fwd: in the subject", async () => {
    for (const subject of ["Fwd: Invoice 4711", "Invoice question"]) {
      const { outcome } = await deliver(t.app, smtp.port, {
        from: customer(),
        to: desk.address.address,
        subject,
        text: forwardedText,
      });
      const caseId = parsedCase(outcome);
      const [message] = await messagesOf(caseId);
      expect(message?.bodyText).toContain("The invoice total is 500 EUR, due on 1 December.");
      expect(message?.bodyText).toContain("From: Vendor Billing");
      expect((await emailOf(caseId)).messages[0].quotedText).toBeNull();
    }
  });

  it("keeps a reply's quoted history for the thread to show collapsed", async () => {
    const { outcome } = await deliver(t.app, smtp.port, {
      from: customer(),
      to: desk.address.address,
      subject: "Re: your answer",
      text: "Still broken.\n\nOn Mon, 23 Nov 2026, Help Desk wrote:\n> Try restarting it.",
    });
    const caseId = parsedCase(outcome);
    expect((await messagesOf(caseId))[0]?.bodyText).toBe("Still broken.");
    expect((await emailOf(caseId)).messages[0].quotedText).toMatch(/Try restarting it/);
  });
});

describe("the same mail twice", () => {
  const mail = (): SimpleMail => ({
    from: customer(),
    to: [desk.address.address, second.address.address],
    subject: `Twice ${uniq()}`,
    text: "Please help, once.",
    messageId: `<${uniq("twice")}@acme.example>`,
  });

  const expectOneCase = async (ids: string[], from: string) => {
    const cases = await casesFrom(from);
    expect(cases).toHaveLength(1);
    const rows = await Promise.all(ids.map(inboundRow));
    expect(rows.filter((r) => r?.status === "parsed")).toHaveLength(1);
    const copies = rows.filter((r) => r?.status === "ignored");
    expect(copies).toHaveLength(ids.length - 1);
    for (const copy of copies) {
      expect(copy?.problems.some((p) => p.startsWith("duplicate-of:"))).toBe(true);
      expect(copy?.case_id).toBe(cases[0]?.id);
      expect(copy?.raw.length).toBeGreaterThan(0);
    }
    expect(await messagesOf(cases[0]?.id ?? "")).toHaveLength(1);
  };

  it("files one message when it was delivered to two support addresses", async () => {
    const m = mail();
    const raw = await compose(m);
    const a = await sendRaw(smtp.port, Buffer.concat([Buffer.from(`Delivered-To: ${desk.address.address}\r\n`), raw]), {
      from: m.from,
      to: [desk.address.address],
    });
    const b = await sendRaw(
      smtp.port,
      Buffer.concat([Buffer.from(`Delivered-To: ${second.address.address}\r\n`), raw]),
      { from: m.from, to: [second.address.address] },
    );
    await processInbound(t.app.ctx, a.id);
    await processInbound(t.app.ctx, b.id);
    await expectOneCase([a.id, b.id], m.from);
  });

  it("files one message when it came once over SMTP and once over IMAP", async () => {
    const mailbox = await createMailbox(t.app.ctx, SYSTEM, {
      name: `Box ${uniq()}`,
      supportAddressId: second.address.id,
      host: "93.184.216.34",
      port: 993,
      tls: true,
      username: "desk",
      password: "secret",
      folder: "INBOX",
      afterImport: "mark_seen",
      moveToFolder: null,
      pollIntervalSeconds: 60,
      active: false,
    });
    const m = mail();
    const raw = await compose(m);
    const bySmtp = await sendRaw(smtp.port, raw, { from: m.from, to: [desk.address.address] });
    const byImap = await receiveInbound(t.app.ctx, {
      source: `imap:${mailbox.id}`,
      raw,
      envelope: { mailFrom: null, rcptTo: [], remoteAddress: mailbox.host, heloName: null, imapUid: 7 },
    });
    expect(byImap.duplicate).toBe(false);
    await processInbound(t.app.ctx, byImap.id);
    await processInbound(t.app.ctx, bySmtp.id);
    await expectOneCase([bySmtp.id, byImap.id], m.from);
  });

  it("files one message when it is re-delivered with an extra Received: line, even when both are filed at once", async () => {
    const m = mail();
    const raw = await compose(m);
    const first = await sendRaw(smtp.port, raw, { from: m.from, to: [desk.address.address] });
    const again = await sendRaw(
      smtp.port,
      Buffer.concat([Buffer.from("Received: from relay.acme.example by mx.desk.example; Mon, 7 Dec 2026\r\n"), raw]),
      { from: m.from, to: [desk.address.address] },
    );
    await Promise.all([processInbound(t.app.ctx, first.id), processInbound(t.app.ctx, again.id)]);
    await expectOneCase([first.id, again.id], m.from);
  });

  it("recognises a mail without a Message-ID by sender, date, subject and text; without a date it does not guess", async () => {
    const from = customer();
    const body = (date: string | null) =>
      [`From: ${from}`, `To: ${desk.address.address}`, "Subject: no id", ...(date ? [`Date: ${date}`] : []), "", "Hi"]
        .join("\r\n")
        .concat("\r\n");
    const dated = body("Mon, 07 Dec 2026 10:00:00 +0000");
    const ids = [];
    for (const prefix of ["", "Received: from a by b; Mon, 7 Dec 2026\r\n"]) {
      ids.push((await sendRaw(smtp.port, prefix + dated, { from, to: [desk.address.address] })).id);
    }
    for (const id of ids) await processInbound(t.app.ctx, id);
    await expectOneCase(ids, from);
    const undated = [];
    for (const prefix of ["", "Received: from a by b; Mon, 7 Dec 2026\r\n"]) {
      undated.push((await sendRaw(smtp.port, prefix + body(null), { from, to: [desk.address.address] })).id);
    }
    for (const id of undated) expect((await processInbound(t.app.ctx, id)).status).toBe("parsed");
  });
});

describe("automatic mail", () => {
  it("never acknowledges no-reply senders and opens no case for them; admins see them as ignored", async () => {
    for (const local of ["noreply", "no-reply", "donotreply", "notifications"]) {
      const from = `${local}@${uniq("svc")}.example`;
      const { id, outcome } = await deliver(t.app, smtp.port, {
        from,
        to: desk.address.address,
        subject: "Your weekly summary",
      });
      expect(outcome).toEqual({ status: "ignored", reason: "automatic:no-reply-sender" });
      expect(await acknowledgementsTo(from)).toHaveLength(0);
      expect(await casesFrom(from)).toHaveLength(0);
      const list = (await admin.call({ method: "GET", url: "/api/v1/inbound-emails?status=ignored&limit=100" })).json();
      expect(list.items.find((i: { id: string }) => i.id === id)?.problems).toContain("automatic:no-reply-sender");
    }
  });

  it("opens no case and sends nothing for an out-of-office reply without standard headers (Exchange)", async () => {
    const from = customer();
    const { outcome } = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: "Automatic reply: Your order",
      text: "I am out of the office until Monday.",
    });
    expect(outcome).toEqual({ status: "ignored", reason: "automatic:auto-reply" });
    expect(await acknowledgementsTo(from)).toHaveLength(0);
    expect(await casesFrom(from)).toHaveLength(0);
  });

  it("adds an out-of-office reply to the thread it answers without reopening the case or starting a clock", async () => {
    const from = customer();
    const opened = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: "Broken",
      messageId: `<${uniq("first")}@acme.example>`,
    });
    const caseId = parsedCase(opened.outcome);
    await updateCase(t.app.ctx, SYSTEM, caseId, 1, { status: "pending" });
    const before = await caseOf(caseId);
    const headerId = /Message-ID: (<[^>]+>)/i.exec(opened.raw.toString())?.[1] as string;
    const ooo = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: `Automatic reply: [#${before.number}] Broken`,
      inReplyTo: headerId,
      text: "I am away until Monday.",
    });
    expect(parsedCase(ooo.outcome)).toBe(caseId);
    const after = await caseOf(caseId);
    expect(after).toMatchObject({ status: "pending", nextStep: before.nextStep, nextStepDueAt: before.nextStepDueAt });
    const last = (await messagesOf(caseId)).at(-1);
    expect(last).toMatchObject({ kind: "note", author: { type: "system" } });
    expect(last?.bodyText.trim()).toBe("I am away until Monday.");
    const email = await emailOf(caseId);
    expect(email.messages.find((m: { messageId: string }) => m.messageId === last?.id)).toMatchObject({
      automatic: "auto-reply",
      fromAddress: from,
    });
    expect(await acknowledgementsTo(from)).toHaveLength(1);
  });
});

describe("SPF, DKIM and DMARC on receipt", () => {
  const domain = `${uniq("signed")}.example`;
  const selector = "mail";
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const publicDer = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

  beforeAll(() => {
    publishDns(`${selector}._domainkey.${domain}`, "TXT", [txt(`v=DKIM1; k=rsa; p=${publicDer}`)]);
    publishDns(domain, "TXT", [txt("v=spf1 -all")]);
    publishDns(`_dmarc.${domain}`, "TXT", [txt("v=DMARC1; p=reject")]);
  });

  const signed = async (mail: SimpleMail): Promise<Buffer> => {
    const transport = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: "windows",
      dkim: { domainName: domain, keySelector: selector, privateKey: privatePem },
    });
    return (await transport.sendMail({ ...mail, text: mail.text ?? "Hello" })).message as Buffer;
  };

  const send = async (raw: Buffer, from: string) => {
    const { id } = await sendRaw(smtp.port, raw, { from, to: [desk.address.address] });
    const outcome = await processInbound(t.app.ctx, id);
    await t.app.ctx.events.drain();
    return { id, outcome };
  };

  it("files a signed reply into the customer's case and shows that it passed", async () => {
    const from = `ann-${uniq()}@${domain}`;
    const first = await send(await signed({ from, to: desk.address.address, subject: "Order missing" }), from);
    const caseId = parsedCase(first.outcome);
    const { number } = await caseOf(caseId);
    const replied = await send(
      await signed({ from, to: desk.address.address, subject: `Re: [#${number}] Order missing`, text: "Any news?" }),
      from,
    );
    expect(parsedCase(replied.outcome)).toBe(caseId);
    const email = await emailOf(caseId);
    expect(email.messages.map((m: { auth: { verdict: string; dkim: string; dmarc: string } }) => m.auth)).toEqual([
      expect.objectContaining({ verdict: "pass", dkim: "pass", dmarc: "pass", fromDomain: domain }),
      expect.objectContaining({ verdict: "pass", dkim: "pass", dmarc: "pass", fromDomain: domain }),
    ]);
  });

  it("quarantines a forged From threading by [#n] into that customer's case", async () => {
    const from = `bob-${uniq()}@${domain}`;
    const first = await send(await signed({ from, to: desk.address.address, subject: "Refund" }), from);
    const caseId = parsedCase(first.outcome);
    const { number } = await caseOf(caseId);
    const forged = await compose({
      from,
      to: desk.address.address,
      subject: `Re: [#${number}] Refund`,
      text: "Please send the refund to my new account instead.",
    });
    const attack = await send(forged, "attacker@evil.example");
    expect(attack.outcome.status).toBe("quarantined");
    const row = await inboundRow(attack.id);
    expect(row?.problems.find((p) => p.startsWith("auth-failed:"))).toMatch(
      new RegExp(`^auth-failed:dmarc=fail spf=\\w+ dkim=none \\(${domain.replace(/\./g, "\\.")}\\)$`),
    );
    expect(await messagesOf(caseId)).toHaveLength(1);
    const quarantined = (
      await admin.call({ method: "GET", url: "/api/v1/inbound-emails?status=quarantined&limit=100" })
    )
      .json()
      .items.find((i: { id: string }) => i.id === attack.id);
    expect(quarantined?.problems.join(" ")).toMatch(/auth-failed/);
  });

  it("still opens a new case for unverifiable mail, and shows the failure on it", async () => {
    const from = `carl-${uniq()}@${domain}`;
    const { outcome } = await send(await compose({ from, to: desk.address.address, subject: "Hello" }), from);
    const email = await emailOf(parsedCase(outcome));
    expect(email.messages[0].auth).toMatchObject({ verdict: "fail", dmarc: "fail" });
  });
});
