import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../app";
import { makeUser, uniq } from "../factories";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ loginMaxFailures: 3 });
});
afterAll(async () => await t.close());

const login = (email: string, password: string, ip = "10.0.0.1") =>
  t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password }, remoteAddress: ip });

const cookieOf = (res: { cookies: { name: string; value: string }[] }, name: string) =>
  res.cookies.find((c) => c.name === name)?.value;

describe("sessions", () => {
  it("logs in with email and password, sets an httpOnly cookie, and the session works until logout", async () => {
    const u = await makeUser(t.app, { role: "agent", password: "a long enough secret" });
    const res = await login(u.user.email.toUpperCase(), "a long enough secret");
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers["set-cookie"]);
    expect(setCookie).toMatch(/extramile_session=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const session = cookieOf(res, "extramile_session") as string;
    const csrf = res.json().csrfToken as string;
    expect(cookieOf(res, "extramile_csrf")).toBe(csrf);
    const me = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/session",
      cookies: { extramile_session: session },
    });
    expect(me.json().user.id).toBe(u.user.id);
    const out = await t.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      cookies: { extramile_session: session },
      headers: { "x-csrf-token": csrf },
    });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toMatch(/extramile_csrf=;.*Expires=Thu, 01 Jan 1970/i);
    const after = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/session",
      cookies: { extramile_session: session },
    });
    expect(after.statusCode).toBe(401);
  });

  it("refuses cookie-authenticated writes without the CSRF token", async () => {
    const u = await makeUser(t.app, { role: "agent", password: "a long enough secret" });
    const res = await login(u.user.email, "a long enough secret", "10.0.0.2");
    const session = cookieOf(res, "extramile_session") as string;
    const payload = { subject: "csrf", requester: { email: `${uniq()}@c.test` } };
    const without = await t.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      cookies: { extramile_session: session },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe("CSRF_FAILED");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      cookies: { extramile_session: session },
      headers: { "x-csrf-token": "forged" },
      payload,
    });
    expect(wrong.statusCode).toBe(403);
    const right = await t.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      cookies: { extramile_session: session },
      headers: { "x-csrf-token": res.json().csrfToken },
      payload,
    });
    expect(right.statusCode).toBe(201);
  });

  it("answers unknown emails and wrong passwords alike, and rate-limits repeated failures", async () => {
    const u = await makeUser(t.app, { role: "agent", password: "a long enough secret" });
    const unknown = await login(`${uniq()}@nowhere.test`, "whatever", "10.0.0.3");
    const wrong = await login(u.user.email, "not it", "10.0.0.3");
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it("slows down guesses for one account from one address, without locking the owner out", async () => {
    const u = await makeUser(t.app, { role: "admin", password: "a long enough secret" });
    for (let i = 0; i < 3; i++) expect((await login(u.user.email, "guess", "10.0.1.66")).statusCode).toBe(401);
    const slowed = await login(u.user.email, "a long enough secret", "10.0.1.66");
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json().error.code).toBe("RATE_LIMITED");
    const owner = await login(u.user.email, "a long enough secret", "10.0.2.7");
    expect(owner.statusCode).toBe(200);
    /* Unknown addresses are slowed the same way. */
    const nobody = `${uniq()}@nowhere.test`;
    for (let i = 0; i < 3; i++) expect((await login(nobody, "guess", "10.0.1.67")).statusCode).toBe(401);
    expect((await login(nobody, "guess", "10.0.1.67")).statusCode).toBe(429);
    /* The wait is a delay, not a lock: once it has passed, the next try is heard. */
    await t.app.ctx.db.execute(
      sql`UPDATE login_attempts SET created_at = created_at - interval '2 minutes' WHERE email = ${u.user.email}`,
    );
    expect((await login(u.user.email, "a long enough secret", "10.0.1.66")).statusCode).toBe(200);
  });

  it("limits sign-in attempts per client address, the address EXTRAMILE_TRUST_PROXY resolves", async () => {
    const proxied = await startTestApp({ loginMaxFailures: 1, trustProxy: ["10.250.0.0/16"] });
    try {
      const attempt = (client: string, from = "10.250.0.1") =>
        proxied.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: `${uniq()}@nowhere.test`, password: "x" },
          remoteAddress: from,
          headers: { "x-forwarded-for": client },
        });
      for (let i = 0; i < 10; i++) expect((await attempt("203.0.113.9")).statusCode).toBe(401);
      expect((await attempt("203.0.113.9")).statusCode).toBe(429);
      /* Another customer behind the same load balancer is not affected. */
      expect((await attempt("203.0.113.10")).statusCode).toBe(401);
      /* An untrusted sender cannot pick its address: the header is ignored and the socket address counts. */
      for (let i = 0; i < 10; i++) await attempt(`198.51.100.${i}`, "192.0.2.1");
      expect((await attempt("198.51.100.200", "192.0.2.1")).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
  });

  it("stores passwords as salted scrypt hashes, never in clear", async () => {
    const u = await makeUser(t.app, { role: "agent", password: "a long enough secret" });
    const row = await t.app.ctx.db.execute<{ password_hash: string }>(
      sql`SELECT password_hash FROM users WHERE id = ${u.user.id}`,
    );
    const hash = row.rows[0]?.password_hash ?? "";
    expect(hash.startsWith("scrypt$")).toBe(true);
    expect(hash).not.toContain("a long enough secret");
  });

  it("a deactivated employee's session stops working", async () => {
    const admin = await makeUser(t.app, { role: "admin" });
    const u = await makeUser(t.app, { role: "agent", password: "a long enough secret" });
    const session = cookieOf(
      await login(u.user.email, "a long enough secret", "10.0.0.7"),
      "extramile_session",
    ) as string;
    await admin.call({ method: "POST", url: `/api/v1/users/${u.user.id}/deactivate`, payload: {} });
    const me = await t.app.inject({
      method: "GET",
      url: "/api/v1/auth/session",
      cookies: { extramile_session: session },
    });
    expect(me.statusCode).toBe(401);
  });
});

describe("API tokens", () => {
  it("are shown once, stored hashed, scoped, and revocable", async () => {
    const u = await makeUser(t.app, { role: "agent" });
    const created = await u.call({
      method: "POST",
      url: "/api/v1/me/tokens",
      payload: { name: "reader", scopes: ["read"] },
    });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json();
    expect(token).toMatch(/^em_/);
    const stored = await t.app.ctx.db.execute<{ token_hash: string }>(
      sql`SELECT token_hash FROM api_tokens WHERE id = ${apiToken.id}`,
    );
    expect(stored.rows[0]?.token_hash).not.toBe(token);
    expect(JSON.stringify((await u.call({ method: "GET", url: "/api/v1/me/tokens" })).json())).not.toContain(token);
    const read = await t.app.inject({
      method: "GET",
      url: "/api/v1/cases",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.statusCode).toBe(200);
    const write = await t.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      headers: { authorization: `Bearer ${token}` },
      payload: { subject: "x", requester: { email: `${uniq()}@c.test` } },
    });
    expect(write.statusCode).toBe(403);
    await u.call({ method: "DELETE", url: `/api/v1/me/tokens/${apiToken.id}` });
    const revoked = await t.app.inject({
      method: "GET",
      url: "/api/v1/cases",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.statusCode).toBe(401);
  });

  it("expire", async () => {
    const u = await makeUser(t.app, { role: "agent" });
    const { token, apiToken } = (
      await u.call({ method: "POST", url: "/api/v1/me/tokens", payload: { name: "short", expiresInDays: 1 } })
    ).json();
    await t.app.ctx.db.execute(
      sql`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE id = ${apiToken.id}`,
    );
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/cases",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it("cannot grant the admin scope to a non-admin", async () => {
    const u = await makeUser(t.app, { role: "supervisor" });
    const res = await u.call({ method: "POST", url: "/api/v1/me/tokens", payload: { name: "x", scopes: ["admin"] } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.field).toBe("scopes");
  });
});

describe("errors", () => {
  it("unknown routes get a JSON 404", async () => {
    const res = await t.app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("NOT_FOUND");
  });

  it("malformed JSON is a 400, not a 500", async () => {
    const u = await makeUser(t.app);
    const res = await u.call({
      method: "POST",
      url: "/api/v1/cases",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("VALIDATION_FAILED");
  });
});

describe("text the database cannot store", () => {
  it("a NUL character anywhere in the input is a 400 naming the field, not a 500", async () => {
    const u = await makeUser(t.app);
    const res = await u.call({
      method: "POST",
      url: "/api/v1/cases",
      payload: { subject: "ok", requester: { email: `${uniq()}@c.test`, name: "A\u0000B" } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "VALIDATION_FAILED", field: "requester.name" });
  });

  it("an API token that does not resolve says so", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/api/v1/cases",
      headers: { authorization: "Bearer em_nope" },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/token/i);
  });
});
