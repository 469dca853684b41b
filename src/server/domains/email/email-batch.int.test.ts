import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeUser, uniq } from "../../../../test/factories";
import { type Desk, makeDesk, type SimpleMail, store as storeMail } from "../../../../test/mail";
import { SYSTEM } from "../../platform/actor";
import { createOrganization } from "../organizations/organizations.service";
import { emailKeys } from "./email.keys";
import { type InboundOutcome, processInbound, processInboundBatch } from "./inbound.service";
import { createReplyToken, replyAddress } from "./reply-token";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

let t: TestApp;
let smtp: SmtpReceiver;
let desk: Desk;

beforeAll(async () => {
  t = await startTestApp();
  smtp = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: 1024 * 1024 });
  desk = await makeDesk(t.app);
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

const customer = () => `${uniq("cust")}@${uniq("acme")}.example`;

const store = async (mail: SimpleMail): Promise<string> => (await storeMail(smtp.port, mail)).id;

const parsed = (outcome: InboundOutcome | undefined) => {
  if (outcome?.status !== "parsed") throw new Error(`expected parsed, got ${JSON.stringify(outcome)}`);
  return outcome;
};

const requesterOf = async (caseId: string): Promise<string> => {
  const result = await t.app.ctx.db.execute<{ requester_id: string }>(
    sql`SELECT requester_id FROM cases WHERE id = ${caseId}`,
  );
  return result.rows[0]?.requester_id ?? "";
};

const statusOf = async (id: string) =>
  (
    await t.app.ctx.db.execute<{ status: string; problems: string[] }>(
      sql`SELECT status, problems FROM inbound_messages WHERE id = ${id}`,
    )
  ).rows[0];

describe("filing a batch of stored messages", () => {
  it("files in arrival order: one contact per new sender, and a reply to an earlier message of the batch joins its case", async () => {
    const alice = customer();
    const bob = customer();
    const first = await store({
      from: alice,
      to: desk.address.address,
      subject: "Order 1 is late",
      messageId: `<${uniq("m")}@alice.example>`,
      // parsed last of the three, so only arrival order puts it first
      attachments: [{ filename: "photos.bin", content: Buffer.alloc(700 * 1024, 7) }],
    });
    const firstMessageId = (
      await t.app.ctx.db.execute<{ header: string }>(
        sql`SELECT substring(convert_from(raw, 'UTF8') from 'Message-ID: (<[^>]+>)') AS header FROM inbound_messages WHERE id = ${first}`,
      )
    ).rows[0]?.header;
    const second = await store({ from: alice, to: desk.address.address, subject: "Order 2 is late too" });
    const reply = await store({
      from: bob,
      to: desk.address.address,
      subject: "Re: Order 1 is late",
      inReplyTo: firstMessageId,
      references: firstMessageId ? [firstMessageId] : [],
    });
    const outcomes = await processInboundBatch(t.app.ctx, [reply, second, first]);
    const one = parsed(outcomes.get(first));
    const two = parsed(outcomes.get(second));
    expect(two.caseId).not.toBe(one.caseId);
    expect(await requesterOf(two.caseId)).toBe(await requesterOf(one.caseId));
    const contacts = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM contact_emails WHERE email = ${alice}`,
    );
    expect(contacts.rows[0]?.n).toBe(1);
    expect(parsed(outcomes.get(reply)).caseId).toBe(one.caseId);
    const follower = await t.app.ctx.db.execute<{ pending_review: boolean }>(
      sql`SELECT p.pending_review FROM email_participants p JOIN contact_emails ce ON ce.contact_id = p.contact_id
          WHERE p.case_id = ${one.caseId} AND ce.email = ${bob}`,
    );
    expect(follower.rows).toEqual([{ pending_review: true }]);
    await t.app.ctx.events.drain();
    const events = await t.app.ctx.db.execute<{ type: string }>(
      sql`SELECT type FROM events WHERE case_id = ${one.caseId} ORDER BY id`,
    );
    expect(events.rows.map((e) => e.type).slice(0, 2)).toEqual(["case.created", "message.added"]);
  });

  it("files a burst of plain new mail set-based: one contact per new sender, organization by domain, each case complete", async () => {
    const domain = `${uniq("globex")}.example`;
    const organization = await createOrganization(t.app.ctx, SYSTEM, { name: "Globex", domains: [domain], notes: "" });
    const carol = `carol@${domain}`;
    const dave = customer();
    const ids = [
      await store({
        from: `"Carol Globex" <${carol}>`,
        to: desk.address.address,
        subject: "Pump 1 leaks",
        text: "Leak.\n\n> old",
      }),
      await store({ from: dave, to: desk.address.address, subject: "Pump 2 hums" }),
      await store({ from: carol, to: desk.address.address, subject: "Pump 3 is fine now" }),
    ];
    const outcomes = await processInboundBatch(t.app.ctx, ids);
    const filed = ids.map((id) => parsed(outcomes.get(id)));
    expect(new Set(filed.map((o) => o.caseId)).size).toBe(3);
    const rows = await t.app.ctx.db.execute<{
      subject: string;
      status: string;
      channel: string;
      owner_id: string;
      team_id: string;
      next_step_due_at: Date | null;
      email: string;
      contact_name: string;
      organization_id: string | null;
      body_text: string;
      from_address: string;
      quoted_text: string | null;
      inbound_status: string;
      inbound_case: string;
    }>(sql`
      SELECT c.subject, c.status, c.channel, c.owner_id, c.team_id, c.next_step_due_at, ce.email,
             ct.name AS contact_name, ct.organization_id, m.body_text, d.from_address, d.quoted_text,
             i.status AS inbound_status, i.case_id AS inbound_case
      FROM inbound_messages i
      JOIN cases c ON c.id = i.case_id
      JOIN contacts ct ON ct.id = c.requester_id
      JOIN contact_emails ce ON ce.contact_id = ct.id
      JOIN messages m ON m.id = i.message_id AND m.case_id = c.id
      JOIN email_message_details d ON d.message_id = m.id AND d.inbound_message_id = i.id
      WHERE i.id IN (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})
      ORDER BY c.number`);
    expect(rows.rows.map((r) => [r.subject, r.email, r.organization_id])).toEqual([
      ["Pump 1 leaks", carol, organization.id],
      ["Pump 2 hums", dave, null],
      ["Pump 3 is fine now", carol, organization.id],
    ]);
    for (const r of rows.rows) {
      expect(r).toMatchObject({
        status: "new",
        channel: "email",
        owner_id: desk.lead.user.id,
        team_id: desk.teamId,
        inbound_status: "parsed",
        from_address: r.email,
      });
      expect(r.next_step_due_at).toBeTruthy();
    }
    expect(rows.rows[0]).toMatchObject({ contact_name: "Carol Globex", body_text: "Leak.", quoted_text: "> old" });
    const carols = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM contact_emails WHERE email = ${carol}`,
    );
    expect(carols.rows[0]?.n).toBe(1);
    await t.app.ctx.events.drain();
    const clocks = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(DISTINCT case_id)::int AS n FROM sla_clocks WHERE case_id IN (${sql.join(
        filed.map((o) => sql`${o.caseId}::uuid`),
        sql`, `,
      )})`,
    );
    expect(clocks.rows[0]?.n).toBe(3);
  });

  it("files the rest of a batch when one message breaks a rule, and quarantines that one", async () => {
    const outsider = await makeUser(t.app, { role: "employee" });
    const customerOfCase = customer();
    const opened = parsed(
      await processInbound(t.app.ctx, await store({ from: customerOfCase, to: desk.address.address, subject: "Help" })),
    );
    const keys = await emailKeys(t.app.ctx);
    const token = createReplyToken(keys.agentToken(outsider.user.id), { caseId: opened.caseId });
    const before = await store({ from: customer(), to: desk.address.address, subject: "Before" });
    const refused = await store({
      from: outsider.user.email,
      to: replyAddress(desk.address.address, token),
      subject: "Re: Help",
      text: "I am not on this case.",
    });
    const after = await store({ from: customer(), to: desk.address.address, subject: "After" });
    const outcomes = await processInboundBatch(t.app.ctx, [before, refused, after]);
    expect(outcomes.get(before)?.status).toBe("parsed");
    expect(outcomes.get(after)?.status).toBe("parsed");
    expect(outcomes.get(refused)?.status).toBe("quarantined");
    expect(await statusOf(refused)).toMatchObject({
      status: "quarantined",
      problems: expect.arrayContaining([expect.stringMatching(/^intake-failed:/)]),
    });
    expect((await statusOf(before))?.status).toBe("parsed");
  });

  it("quarantines what intake cannot place without holding back the batch, and skips what is filed already", async () => {
    const elsewhere = await makeDesk(t.app);
    const stray = await store({ from: customer(), to: elsewhere.address.address, subject: "To a closed desk" });
    await t.app.ctx.db.execute(sql`UPDATE support_addresses SET active = false WHERE id = ${elsewhere.address.id}`);
    const fine = await store({ from: customer(), to: desk.address.address, subject: "Fine" });
    const done = await store({ from: customer(), to: desk.address.address, subject: "Already filed" });
    parsed(await processInbound(t.app.ctx, done));
    const outcomes = await processInboundBatch(t.app.ctx, [stray, fine, done]);
    expect(outcomes.get(fine)?.status).toBe("parsed");
    expect(outcomes.get(done)).toEqual({ status: "skipped" });
    expect(outcomes.get(stray)).toMatchObject({
      status: "quarantined",
      problems: expect.arrayContaining(["no-support-address"]),
    });
    expect((await statusOf(stray))?.status).toBe("quarantined");
  });
});
