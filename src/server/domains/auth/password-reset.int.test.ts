import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, startTestApp, type TestApp } from "../../../../test/app";
import { makeUser, uniq } from "../../../../test/factories";
import { outboundMailTo, type SmtpSink, startSmtpSink } from "../../../../test/mail";
import { deliverOutbound, dueOutbound } from "../email/outbound.service";

let t: TestApp;
let unconfigured: TestApp;
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startIsolatedTestApp({
    publicUrl: "https://desk.example.com",
    ...outboundMailTo(sink.port, "desk@desk.example.com"),
  });
  unconfigured = await startTestApp();
});
afterAll(async () => {
  await unconfigured.close();
  await t.close();
  await sink.close();
});

const PASSWORD = "the old passphrase";

const sendDue = async () => {
  for (const id of await dueOutbound(t.app.ctx, 100)) await deliverOutbound(t.app.ctx, id);
};

const requestReset = async (email: string) => {
  const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/password-reset", payload: { email } });
  await t.app.ctx.afterResponse.settled();
  return res;
};

const linkMailedTo = async (email: string): Promise<string> => {
  await sendDue();
  const mail = sink.received.filter((m) => m.envelope.to.includes(email)).at(-1);
  const link = /https:\/\/desk\.example\.com\/reset-password\?token=\S+/.exec(mail?.parsed.text ?? "")?.[0];
  if (!link) throw new Error(`no reset link mailed to ${email}`);
  return link;
};

const tokenOf = (link: string): string => new URL(link).searchParams.get("token") ?? "";

const confirm = async (token: string, password: string) =>
  await t.app.inject({ method: "POST", url: "/api/v1/auth/password-reset/confirm", payload: { token, password } });

const signIn = async (email: string, password: string) =>
  await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });

describe("password reset by emailed link", () => {
  it("mails a single-use link over SMTP; the new password works, the old one and old sessions do not", async () => {
    const u = await makeUser(t.app, { role: "agent", password: PASSWORD });
    const before = await signIn(u.user.email, PASSWORD);
    const oldCookie = before.cookies.find((c) => c.name === "extramile_session")?.value ?? "";

    const res = await requestReset(u.user.email);
    expect(res.statusCode).toBe(202);
    const link = await linkMailedTo(u.user.email);
    const mail = sink.received.filter((m) => m.envelope.to.includes(u.user.email)).at(-1);
    expect(mail?.parsed.subject).toBe("Choose a new Extramile password");
    expect(mail?.parsed.headers.get("auto-submitted")).toBe("auto-generated");

    expect((await confirm(tokenOf(link), "a brand new passphrase")).statusCode).toBe(200);
    expect((await signIn(u.user.email, "a brand new passphrase")).statusCode).toBe(200);
    expect((await signIn(u.user.email, PASSWORD)).statusCode).toBe(401);
    const stale = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/session",
      cookies: { extramile_session: oldCookie },
    });
    expect(stale.statusCode).toBe(401);

    const replay = await confirm(tokenOf(link), "yet another passphrase");
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error).toMatchObject({ code: "VALIDATION_FAILED", field: "token" });
  });

  it("answers unknown, deactivated and known addresses alike, and mails only the active employee", async () => {
    const gone = await makeUser(t.app, { role: "employee" });
    const admin = await makeUser(t.app, { role: "admin" });
    expect(
      (await admin.call({ method: "POST", url: `/api/v1/users/${gone.user.id}/deactivate`, payload: {} })).statusCode,
    ).toBe(200);
    const known = await makeUser(t.app, { role: "employee" });
    const answers = await Promise.all(
      [`${uniq()}@nobody.test`, gone.user.email, known.user.email].map(async (email) => {
        const r = await requestReset(email);
        return { status: r.statusCode, body: r.body };
      }),
    );
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    await sendDue();
    expect(sink.received.some((m) => m.envelope.to.includes(gone.user.email))).toBe(false);
    expect(sink.received.some((m) => m.envelope.to.includes(known.user.email))).toBe(true);
  });

  it("answers known and unknown addresses in the same time: the work is done after the answer", async () => {
    const known = await makeUser(t.app, { role: "employee" });
    const timed = async (email: string) => {
      const started = performance.now();
      const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/password-reset", payload: { email } });
      const ms = performance.now() - started;
      expect(res.statusCode).toBe(202);
      await t.app.ctx.afterResponse.settled();
      return ms;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      knownMs.push(await timed(known.user.email));
      unknownMs.push(await timed(`${uniq()}@nobody.test`));
    }
    const rows = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM password_resets WHERE user_id = ${known.user.id}`,
    );
    expect(rows.rows[0]?.n).toBe(3);
    /* Before, a known address took about three times as long (the link, the mail, the transaction). */
    expect(median(knownMs)).toBeLessThan(median(unknownMs) * 1.8 + 5);
  });

  it("revokes the employee's API tokens: whoever read the mailbox may have made some", async () => {
    const u = await makeUser(t.app, { role: "agent", password: PASSWORD });
    expect((await u.call({ method: "GET", url: "/api/v1/me/tokens" })).statusCode).toBe(200);
    await requestReset(u.user.email);
    expect((await confirm(tokenOf(await linkMailedTo(u.user.email)), "after the reset now")).statusCode).toBe(200);
    const refused = await u.call({ method: "GET", url: "/api/v1/me/tokens" });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toMatch(/revoked/);
  });

  it("a newer link voids the older one, and an expired link is refused", async () => {
    const u = await makeUser(t.app, { role: "agent", password: PASSWORD });
    await requestReset(u.user.email);
    const first = await linkMailedTo(u.user.email);
    await requestReset(u.user.email);
    const second = await linkMailedTo(u.user.email);
    expect(second).not.toBe(first);
    expect((await confirm(tokenOf(first), "first link passphrase")).statusCode).toBe(400);

    await t.app.ctx.db.execute(
      sql`UPDATE password_resets SET expires_at = now() - interval '1 minute' WHERE user_id = ${u.user.id}`,
    );
    expect((await confirm(tokenOf(second), "second link passphrase")).statusCode).toBe(400);
    expect((await signIn(u.user.email, PASSWORD)).statusCode).toBe(200);
  });

  it("throttles three requests an hour per address, known or unknown alike", async () => {
    const u = await makeUser(t.app, { role: "employee" });
    const answers: string[] = [];
    for (const email of [u.user.email, `${uniq()}@nobody.test`]) {
      for (let i = 0; i < 3; i++) expect((await requestReset(email)).statusCode).toBe(202);
      const over = await requestReset(email);
      expect([over.statusCode, over.json().error.field]).toEqual([429, "email"]);
      answers.push(over.body);
    }
    expect(answers[0]).toBe(answers[1]);
    const rows = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM password_resets WHERE user_id = ${u.user.id}`,
    );
    expect(rows.rows[0]?.n).toBe(3);
  });

  it("refuses a short password naming the field, and says so when mail is not set up", async () => {
    const short = await confirm("whatever", "short");
    expect(short.statusCode).toBe(400);
    expect(short.json().error.field).toBe("password");
    const off = await unconfigured.app.inject({
      method: "POST",
      url: "/api/v1/auth/password-reset",
      payload: { email: "someone@staff.test" },
    });
    expect(off.statusCode).toBe(503);
    expect(off.json().error.message).toMatch(/administrator/);
  });
});
