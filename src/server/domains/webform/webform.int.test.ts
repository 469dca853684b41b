import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, type TestApp } from "../../../../test/app";
import { makeTeam, makeUser, type TestUser, uniq } from "../../../../test/factories";
import { makeDesk, outboundMailTo, type SmtpSink, startSmtpSink } from "../../../../test/mail";
import { multipart, sendDueMail } from "../../../../test/portal";

let t: TestApp;
let sink: SmtpSink;
let admin: TestUser;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startIsolatedTestApp({
    ...outboundMailTo(sink.port, "form@desk.example"),
    webform: { perIpPerHour: 4, perEmailPerHour: 2, frameAncestors: ["*"] },
  });
  await makeDesk(t.app);
  admin = await makeUser(t.app, { role: "admin" });
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

let ipCounter = 0;
const freshIp = () => `10.${(process.pid >> 8) & 255}.${(process.pid & 255) ^ 1}.${++ipCounter}`;
const email = () => `${uniq("form")}@customer.test`;
const fields = (address: string) => ({
  name: "Fran Form",
  email: address,
  subject: "Broken kettle",
  description: "It does not boil",
});

describe("web form", () => {
  it("opens a web_form case from a found-or-created contact, with files, and acknowledges by mail", async () => {
    const address = email();
    const body = multipart(fields(address), [
      { name: "files", filename: "receipt.pdf", type: "application/pdf", data: Buffer.from("%PDF-1.4") },
    ]);
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/webform/submissions",
      ...body,
      remoteAddress: freshIp(),
    });
    expect(res.statusCode).toBe(201);
    const { caseNumber } = res.json() as { caseNumber: number };
    const stored = await t.app.ctx.db.execute<{ id: string; channel: string; status: string }>(
      sql`SELECT id, channel, status FROM cases WHERE number = ${caseNumber}`,
    );
    const c = stored.rows[0];
    expect(c).toMatchObject({ channel: "web_form", status: "new" });
    const thread = await admin.call({ method: "GET", url: `/api/v1/cases/${c?.id}/messages` });
    expect(thread.json().items[0]).toMatchObject({
      kind: "reply",
      bodyText: "It does not boil",
      author: { type: "contact", name: "Fran Form" },
      attachments: [{ filename: "receipt.pdf" }],
    });
    await sendDueMail(t.app);
    const ack = sink.received.find((m) => m.envelope.to.includes(address));
    expect(ack?.parsed.subject).toContain(`#${caseNumber}`);
    expect(ack?.parsed.text).toContain(`/portal/cases/${c?.id}`);
  });

  it("a form for a team whose lead was deactivated goes to the first active admin, not to the former lead", async () => {
    const lead = await makeUser(t.app, { role: "supervisor" });
    const team = await makeTeam(t.app, { leadId: lead.user.id });
    const set = await admin.call({ method: "PATCH", url: "/api/v1/webform/settings", payload: { teamId: team.id } });
    expect(set.statusCode).toBe(200);
    try {
      const off = await admin.call({ method: "POST", url: `/api/v1/users/${lead.user.id}/deactivate`, payload: {} });
      expect(off.statusCode).toBe(200);
      const res = await t.app.inject({
        method: "POST",
        url: "/api/v1/webform/submissions",
        ...multipart(fields(email()), []),
        remoteAddress: freshIp(),
      });
      expect(res.statusCode).toBe(201);
      const owner = await t.app.ctx.db.execute<{ owner_id: string; team_id: string; first_admin: string }>(sql`
        SELECT owner_id, team_id,
          (SELECT id FROM users WHERE role = 'admin' AND active ORDER BY created_at, id LIMIT 1) AS first_admin
        FROM cases WHERE number = ${(res.json() as { caseNumber: number }).caseNumber}`);
      expect(owner.rows[0]?.team_id).toBe(team.id);
      expect(owner.rows[0]?.owner_id).toBe(owner.rows[0]?.first_admin);
    } finally {
      await admin.call({ method: "PATCH", url: "/api/v1/webform/settings", payload: { teamId: null } });
    }
  });

  it("redirects a browser to the confirmation page and shows the form again with the problem", async () => {
    const good = multipart(fields(email()));
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/webform/submissions",
      payload: good.payload,
      headers: { ...good.headers, accept: "text/html" },
      remoteAddress: freshIp(),
    });
    expect([ok.statusCode, ok.headers.location]).toEqual([303, expect.stringMatching(/^\/form\/sent\?n=\d+$/)]);
    const bad = multipart({ ...fields("not-an-address"), subject: "<script>alert(1)</script>" });
    const again = await t.app.inject({
      method: "POST",
      url: "/api/v1/webform/submissions",
      payload: bad.payload,
      headers: { ...bad.headers, accept: "text/html" },
      remoteAddress: freshIp(),
    });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('id="email" name="email"');
    expect(again.body).toContain('aria-invalid="true"');
    expect(again.body).not.toContain("<script>alert(1)</script>");
    expect(again.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(again.headers["content-security-policy"]).toContain("default-src 'none'");
  });

  it("names the field of a bad submission", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/webform/submissions",
      payload: { ...fields(email()), description: "" },
      remoteAddress: freshIp(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe("description");
    const tooMany = multipart(
      fields(email()),
      Array.from({ length: 6 }, (_, i) => ({
        name: "files",
        filename: `${i}.txt`,
        type: "text/plain",
        data: Buffer.from("x"),
      })),
    );
    const files = await t.app.inject({
      method: "POST",
      url: "/api/v1/webform/submissions",
      ...tooMany,
      remoteAddress: freshIp(),
    });
    expect(files.statusCode).toBe(413);
  });

  it("answers a filled-in honeypot like a success and creates nothing", async () => {
    const address = email();
    const res = await t.app.inject({
      method: "POST",
      url: "/api/v1/webform/submissions",
      payload: { ...fields(address), website: "http://spam.example" },
      remoteAddress: freshIp(),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().caseNumber).toBeNull();
    const contacts = await t.app.ctx.db.execute(sql`SELECT 1 FROM contact_emails WHERE email = ${address}`);
    expect(contacts.rows).toHaveLength(0);
  });

  it("limits submissions per email address and per IP", async () => {
    const address = email();
    const send = (to: string, ip: string) =>
      t.app.inject({ method: "POST", url: "/api/v1/webform/submissions", payload: fields(to), remoteAddress: ip });
    expect((await send(address, freshIp())).statusCode).toBe(201);
    expect((await send(address, freshIp())).statusCode).toBe(201);
    const third = await send(address, freshIp());
    expect([third.statusCode, third.json().error.field]).toEqual([429, "email"]);
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expect((await send(email(), ip)).statusCode).toBe(201);
    expect((await send(email(), ip)).statusCode).toBe(429);
  });

  it("serves the hosted form with the branding and the embed script", async () => {
    const page = await t.app.inject({ method: "GET", url: "/form" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post" action="/api/v1/webform/submissions"');
    expect(page.body).toContain('name="website"');
    const script = await t.app.inject({ method: "GET", url: "/form/embed.js" });
    expect(script.body).toContain("/form?embed=1");
  });

  it("never stores or echoes unescaped markup from any field (property)", async () => {
    const ip = () => freshIp();
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (s) => {
        const payload = multipart({ ...fields("bad"), name: `<b>${s}</b>` });
        const res = await t.app.inject({
          method: "POST",
          url: "/api/v1/webform/submissions",
          payload: payload.payload,
          headers: { ...payload.headers, accept: "text/html" },
          remoteAddress: ip(),
        });
        expect(res.statusCode).toBe(400);
        expect(res.body).not.toContain("<b>");
      }),
      { numRuns: 25 },
    );
  });
});
