import { and, eq, sql } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../src/server/db/schema/index";
import { createMailbox } from "../../src/server/domains/email/email.service";
import { pollMailboxOnce } from "../../src/server/domains/email/imap-poller";
import {
  type InboundOutcome,
  processInbound,
  processInboundBatch,
} from "../../src/server/domains/email/inbound.service";
import { type SmtpReceiver, startSmtpReceiver } from "../../src/server/domains/email/smtp-receiver";
import { executiveAlertsProcessor } from "../../src/server/domains/executive/alerts.processor";
import { SYSTEM } from "../../src/server/platform/actor";
import { inTransaction } from "../../src/server/platform/context";
import type { StoredEvent } from "../../src/server/platform/events";
import { startTestApp, type TestApp } from "../app";
import { makeTeam, makeUser, type TestUser, uniq } from "../factories";
import {
  compose,
  type Dovecot,
  deliver,
  makeDesk,
  outboundMailTo,
  type SmtpSink,
  startDovecot,
  startSmtpSink,
  store,
} from "../mail";
import { sendDueMail } from "../portal";

/**
 * Mail to an executive's support address, over SMTP and IMAP and through the batch intake: an executive case owned by
 * the executive, the executive alerted, a second letter joining the first, and the line handed over explicitly
 * before its executive can leave.
 */
let t: TestApp;
let smtp: SmtpReceiver;
let sink: SmtpSink;
let dovecot: Dovecot;
let admin: TestUser;
let agent: TestUser;

beforeAll(async () => {
  sink = await startSmtpSink();
  dovecot = await startDovecot();
  const mail = outboundMailTo(sink.port, "line@desk.example");
  /* The IMAP server of the test runs on 127.0.0.1, which mailboxes may only name when allowed. */
  t = await startTestApp({ email: { ...mail.email, allowPrivateHosts: ["127.0.0.1"] } });
  smtp = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: 1024 * 1024 });
  admin = await makeUser(t.app, { role: "admin" });
  agent = await makeUser(t.app, { role: "agent" });
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
  await sink?.close();
  await dovecot?.stop();
});

const customer = () => `${uniq("cust")}@${uniq("home")}.example`;

const caseIdOf = (outcome: InboundOutcome): string => {
  if (outcome.status !== "parsed") throw new Error(`expected parsed, got ${JSON.stringify(outcome)}`);
  return outcome.caseId;
};

/** An executive with a support address of their own (a team with a lead behind it, as in real set-ups). */
const executiveDesk = async (opts: { autoAcknowledge?: boolean } = {}) => {
  const executive = await makeUser(t.app, { role: "executive", name: uniq("Chief") });
  const desk = await makeDesk(t.app, { executiveUserId: executive.user.id, ...opts });
  return { executive, desk };
};

const line = async (caseId: string, as: TestUser = admin) =>
  (await as.call({ method: "GET", url: `/api/v1/executive/cases/${caseId}` })).json();

const caseOf = async (caseId: string) => (await admin.call({ method: "GET", url: `/api/v1/cases/${caseId}` })).json();

const threadOf = async (caseId: string): Promise<{ kind: string; bodyText: string }[]> =>
  (await admin.call({ method: "GET", url: `/api/v1/cases/${caseId}/messages` })).json().items;

const queueOf = async (executive: TestUser): Promise<string[]> =>
  (await executive.call({ method: "GET", url: "/api/v1/executive/queue" }))
    .json()
    .items.map((i: { caseId: string }) => i.caseId);

const noticesOf = async (u: TestUser) =>
  (await u.call({ method: "GET", url: "/api/v1/me/notifications" })).json().items as {
    kind: string;
    caseId: string | null;
    title: string;
    body: string;
  }[];

/** Delegated, reported (with a root cause: mail makes complaints), solved and verified: closed. */
const closeByTheLine = async (caseId: string, executive: TestUser) => {
  await executive.call({
    method: "POST",
    url: `/api/v1/executive/cases/${caseId}/delegate`,
    payload: { ownerId: agent.user.id, note: "Please sort it out." },
  });
  await agent.call({
    method: "PUT",
    url: `/api/v1/executive/cases/${caseId}/report`,
    payload: { customerSaid: "Late.", actionsTaken: "Rebooked.", remedyGiven: "Refund.", customerSatisfied: true },
  });
  const category = await admin.call({
    method: "POST",
    url: "/api/v1/root-cause-categories",
    payload: { name: uniq("Late") },
  });
  await agent.call({
    method: "PUT",
    url: `/api/v1/cases/${caseId}/root-cause`,
    payload: { origin: "customer", categoryId: category.json().id, description: "Wrong address" },
  });
  const { version } = await caseOf(caseId);
  const solved = await agent.call({
    method: "PATCH",
    url: `/api/v1/cases/${caseId}`,
    headers: { "if-match": String(version) },
    payload: { status: "solved" },
  });
  expect(solved.statusCode, solved.body).toBe(200);
  const called = await executive.call({
    method: "POST",
    url: `/api/v1/executive/cases/${caseId}/verification-calls`,
    payload: { outcome: "satisfied" },
  });
  expect(called.json().status).toBe("closed");
};

describe("mail to an executive address (SMTP)", () => {
  it("opens an executive case owned by the executive, in their queue, and alerts them in the app and by email", async () => {
    const { executive, desk } = await executiveDesk();
    const from = customer();
    const { outcome } = await deliver(t.app, smtp.port, {
      from: `"Carla Customer" <${from}>`,
      to: desk.address.address,
      subject: "Three deliveries late",
      text: "Nobody called me back. I am writing to you directly.",
    });
    const caseId = caseIdOf(outcome);
    expect(await caseOf(caseId)).toMatchObject({
      owner: { id: executive.user.id },
      channel: "email",
      type: "complaint",
      priority: "high",
      team: { id: desk.teamId },
    });
    expect(await line(caseId)).toMatchObject({ stage: "awaiting_delegation", executive: { id: executive.user.id } });
    expect(await queueOf(executive)).toContain(caseId);
    expect(await noticesOf(executive)).toContainEqual(
      expect.objectContaining({
        kind: "executive_letter",
        caseId,
        title: expect.stringContaining("Three deliveries late"),
        body: expect.stringContaining("Carla Customer wrote to you by email"),
      }),
    );
    // The run's database holds other tests' due mail too, and the sink records a mail once parsed: deliver until it is in.
    const alerted = () => sink.received.find((m) => m.envelope.to.includes(executive.user.email));
    await expect
      .poll(
        async () => {
          await sendDueMail(t.app);
          return alerted() !== undefined;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const mail = alerted();
    expect(mail?.parsed.subject).toContain("Three deliveries late");
    expect(mail?.parsed.text).toContain("I am writing to you directly.");
    expect(mail?.parsed.text).toContain(`/cases/${caseId}`);
    expect((await threadOf(caseId)).map((m) => m.bodyText)).toContainEqual(
      `${executive.user.name} was alerted: in the app and by email (${executive.user.email}).`,
    );
  });

  it("a second mail from the same customer joins the open executive case: a new mail or a reply", async () => {
    const { executive, desk } = await executiveDesk();
    const from = customer();
    const firstId = `<${uniq("m")}@home.example>`;
    const first = caseIdOf(
      (
        await deliver(t.app, smtp.port, {
          from,
          to: desk.address.address,
          subject: "Refund?",
          messageId: firstId,
        })
      ).outcome,
    );
    const again = await deliver(t.app, smtp.port, { from, to: desk.address.address, subject: "Still waiting" });
    const reply = await deliver(t.app, smtp.port, {
      from,
      to: desk.address.address,
      subject: "Re: Refund?",
      inReplyTo: firstId,
      references: [firstId],
    });
    const other = await deliver(t.app, smtp.port, { from: customer(), to: desk.address.address, subject: "Me too" });
    expect([caseIdOf(again.outcome), caseIdOf(reply.outcome)]).toEqual([first, first]);
    expect(caseIdOf(other.outcome)).not.toBe(first);
    expect((await threadOf(first)).filter((m) => m.kind === "reply")).toHaveLength(3);
    expect((await noticesOf(executive)).filter((n) => n.caseId === first)).toHaveLength(1);
    expect(await queueOf(executive)).toEqual(expect.arrayContaining([first, caseIdOf(other.outcome)]));
  });

  it("once that case is closed, the customer's next mail opens a new executive case, linked to the one it answers", async () => {
    const { executive, desk } = await executiveDesk();
    const from = customer();
    const firstId = `<${uniq("m")}@home.example>`;
    const first = caseIdOf(
      (await deliver(t.app, smtp.port, { from, to: desk.address.address, subject: "A", messageId: firstId })).outcome,
    );
    await closeByTheLine(first, executive);
    const answer = caseIdOf(
      (
        await deliver(t.app, smtp.port, {
          from,
          to: desk.address.address,
          subject: "Re: A",
          inReplyTo: firstId,
          references: [firstId],
        })
      ).outcome,
    );
    const fresh = caseIdOf((await deliver(t.app, smtp.port, { from, to: desk.address.address, subject: "B" })).outcome);
    expect(answer).not.toBe(first);
    expect(await line(answer)).toMatchObject({ stage: "awaiting_delegation", owner: { id: executive.user.id } });
    expect((await caseOf(answer)).links.map((l: { otherCase: { id: string } }) => l.otherCase.id)).toEqual([first]);
    expect(fresh).toBe(answer);
  });

  it("copying the executive's address on a mail to the help desk, or answering an ordinary case there, writes to the executive", async () => {
    const { executive, desk: execDesk } = await executiveDesk();
    const help = await makeDesk(t.app);
    const from = customer();
    const copied = await deliver(t.app, smtp.port, {
      from,
      to: help.address.address,
      cc: execDesk.address.address,
      subject: "Cc to the boss",
    });
    expect((await caseOf(caseIdOf(copied.outcome))).owner.id).toBe(executive.user.id);

    const other = customer();
    const ordinaryId = `<${uniq("m")}@home.example>`;
    const ordinary = caseIdOf(
      (
        await deliver(t.app, smtp.port, {
          from: other,
          to: help.address.address,
          subject: "Help",
          messageId: ordinaryId,
        })
      ).outcome,
    );
    expect((await caseOf(ordinary)).owner.id).toBe(help.lead.user.id);
    const escalated = caseIdOf(
      (
        await deliver(t.app, smtp.port, {
          from: other,
          to: execDesk.address.address,
          subject: "Re: Help",
          inReplyTo: ordinaryId,
          references: [ordinaryId],
        })
      ).outcome,
    );
    expect(escalated).not.toBe(ordinary);
    const detail = await caseOf(escalated);
    expect(detail.owner.id).toBe(executive.user.id);
    expect(detail.links.map((l: { otherCase: { id: string } }) => l.otherCase.id)).toContain(ordinary);
  });

  it("the executive is alerted even when the address sends no acknowledgements, once per letter however often the alert is delivered", async () => {
    const { executive, desk } = await executiveDesk({ autoAcknowledge: false });
    const caseId = caseIdOf(
      (await deliver(t.app, smtp.port, { from: customer(), to: desk.address.address, subject: "Quiet" })).outcome,
    );
    const [opened] = (await t.app.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, caseId), eq(events.type, "executive_case.opened")))) as unknown as StoredEvent[];
    if (!opened) throw new Error("no executive_case.opened event");
    await inTransaction(t.app.ctx, async (tx) => {
      await executiveAlertsProcessor(t.app.ctx).handle(tx, opened);
      await executiveAlertsProcessor(t.app.ctx).handle(tx, opened);
    });
    expect((await noticesOf(executive)).filter((n) => n.caseId === caseId)).toHaveLength(1);
    const mails = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM outbound_messages WHERE case_id = ${caseId} AND purpose = 'executive_letter'`,
    );
    expect(mails.rows[0]?.n).toBe(1);
    const alerted = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE case_id = ${caseId} AND type = 'executive_case.alerted'`,
    );
    expect(alerted.rows[0]?.n).toBe(1);
  });
});

describe("the batch intake and IMAP", () => {
  it("files a batch through the executive line: one case per customer, ordinary mail to the team lead", async () => {
    const { executive, desk } = await executiveDesk({ autoAcknowledge: false });
    const help = await makeDesk(t.app, { autoAcknowledge: false });
    const alice = customer();
    const bob = customer();
    const ids = [
      (await store(smtp.port, { from: alice, to: desk.address.address, subject: "One" })).id,
      (await store(smtp.port, { from: bob, to: desk.address.address, subject: "Two" })).id,
      (await store(smtp.port, { from: alice, to: desk.address.address, subject: "Three" })).id,
      (await store(smtp.port, { from: customer(), to: help.address.address, subject: "Ordinary" })).id,
    ];
    const outcomes = await processInboundBatch(t.app.ctx, ids);
    await t.app.ctx.events.drain();
    const [one, two, three, ordinary] = ids.map((id) => caseIdOf(outcomes.get(id) as InboundOutcome));
    expect(three).toBe(one);
    expect(two).not.toBe(one);
    for (const id of [one, two]) expect(await line(id as string)).toMatchObject({ owner: { id: executive.user.id } });
    expect((await caseOf(ordinary as string)).owner.id).toBe(help.lead.user.id);
    expect((await noticesOf(executive)).filter((n) => n.kind === "executive_letter")).toHaveLength(2);
  });

  it("over IMAP: a mailbox of the executive's address opens executive cases", async () => {
    const { executive, desk } = await executiveDesk({ autoAcknowledge: false });
    const folder = `exec-${uniq()}`;
    const raw = await compose({ from: customer(), to: "chief@elsewhere.example", subject: "Via IMAP", text: "Hello" });
    const client = new ImapFlow({
      host: "127.0.0.1",
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await client.connect();
    await client.mailboxCreate(folder);
    await client.append(folder, raw);
    await client.logout();
    const box = await createMailbox(t.app.ctx, SYSTEM, {
      name: "Chief's inbox",
      supportAddressId: desk.address.id,
      host: "127.0.0.1",
      port: dovecot.port,
      tls: false,
      username: dovecot.user,
      password: dovecot.password,
      folder,
      afterImport: "mark_seen",
      moveToFolder: null,
      pollIntervalSeconds: 60,
      active: false,
    });
    expect(await pollMailboxOnce(t.app.ctx, box.id)).toEqual({ imported: 1, error: null });
    const stored = await t.app.ctx.db.execute<{ id: string }>(
      sql`SELECT id FROM inbound_messages WHERE source = ${`imap:${box.id}`}`,
    );
    const caseId = caseIdOf(await processInbound(t.app.ctx, stored.rows[0]?.id ?? ""));
    await t.app.ctx.events.drain();
    expect(await line(caseId)).toMatchObject({ stage: "awaiting_delegation", owner: { id: executive.user.id } });
    expect((await noticesOf(executive)).map((n) => n.caseId)).toContain(caseId);
  });
});

describe("an executive leaving: the line is handed over explicitly, never dropped", () => {
  it("an address names an active executive to be saved", async () => {
    const team = await makeTeam(t.app);
    const notExecutive = await admin.call({
      method: "POST",
      url: "/api/v1/support-addresses",
      payload: { address: `ceo@${uniq("d")}.test`, name: "CEO", teamId: team.id, executiveUserId: agent.user.id },
    });
    expect([notExecutive.statusCode, notExecutive.json().error.field]).toEqual([400, "executiveUserId"]);
  });

  it("an admin taking an address away from its executive tells the executive", async () => {
    const { executive, desk } = await executiveDesk();
    const res = await admin.call({
      method: "PATCH",
      url: `/api/v1/support-addresses/${desk.address.id}`,
      payload: { executiveUserId: null },
    });
    expect(res.statusCode).toBe(200);
    await t.app.ctx.events.drain();
    expect(await noticesOf(executive)).toContainEqual(
      expect.objectContaining({
        kind: "executive_line_changed",
        title: `Mail to ${desk.address.address} no longer reaches you`,
      }),
    );
  });

  it("deactivating an executive with an address or open letters is refused until an admin hands the line over", async () => {
    const { executive, desk } = await executiveDesk({ autoAcknowledge: false });
    const successor = await makeUser(t.app, { role: "executive", name: uniq("Successor") });
    const open = caseIdOf(
      (await deliver(t.app, smtp.port, { from: customer(), to: desk.address.address, subject: "Before" })).outcome,
    );
    const refused = await admin.call({
      method: "POST",
      url: `/api/v1/users/${executive.user.id}/deactivate`,
      payload: { reassignToId: agent.user.id },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ field: "id", message: expect.stringContaining(desk.address.address) });
    expect(refused.json().error.message).toContain("1 executive case not closed yet");
    expect(await line(open)).toMatchObject({ owner: { id: executive.user.id } });

    const byAgent = await agent.call({
      method: "POST",
      url: "/api/v1/executive/handovers",
      payload: { fromExecutiveId: executive.user.id, toExecutiveId: successor.user.id },
    });
    expect(byAgent.statusCode).toBe(403);
    const toAgent = await admin.call({
      method: "POST",
      url: "/api/v1/executive/handovers",
      payload: { fromExecutiveId: executive.user.id, toExecutiveId: agent.user.id },
    });
    expect([toAgent.statusCode, toAgent.json().error.field]).toEqual([400, "toExecutiveId"]);
    const handed = await admin.call({
      method: "POST",
      url: "/api/v1/executive/handovers",
      payload: { fromExecutiveId: executive.user.id, toExecutiveId: successor.user.id },
    });
    expect(handed.json()).toMatchObject({ supportAddresses: 1, openCases: 1, customerPages: false });
    await t.app.ctx.events.drain();
    expect(await line(open)).toMatchObject({ owner: { id: successor.user.id }, executive: { id: successor.user.id } });
    expect(await queueOf(successor)).toContain(open);
    expect((await noticesOf(successor)).map((n) => n.caseId)).toContain(open);

    const deactivated = await admin.call({
      method: "POST",
      url: `/api/v1/users/${executive.user.id}/deactivate`,
      payload: { reassignToId: agent.user.id },
    });
    expect(deactivated.statusCode).toBe(200);
    const after = caseIdOf(
      (await deliver(t.app, smtp.port, { from: customer(), to: desk.address.address, subject: "After" })).outcome,
    );
    expect(await line(after)).toMatchObject({ owner: { id: successor.user.id } });
  });

  it("a letter to an address whose executive is gone is quarantined for an admin, never filed to an ordinary queue", async () => {
    const { executive, desk } = await executiveDesk({ autoAcknowledge: false });
    // What a race with the deactivation could leave behind; the guard above prevents it through the API.
    await t.app.ctx.db.execute(sql`UPDATE users SET active = false WHERE id = ${executive.user.id}`);
    const { outcome } = await deliver(t.app, smtp.port, { from: customer(), to: desk.address.address, subject: "Hi" });
    expect(outcome.status).toBe("quarantined");
    expect(outcome.status === "quarantined" && outcome.problems.join(" ")).toMatch(/deactivated/);
  });
});
