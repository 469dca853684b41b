import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeUser, type TestUser } from "../../../../test/factories";
import { createApiToken } from "../auth/auth.service";
import { loadActor } from "./users.service";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => await t.close());

const PASSWORD = "the first passphrase";

const signIn = async (email: string, password: string) => {
  const res = await t.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password } });
  expect(res.statusCode).toBe(200);
  const session = res.cookies.find((c) => c.name === "extramile_session")?.value ?? "";
  return { session, csrf: res.json().csrfToken as string };
};

const asSession = (s: { session: string; csrf: string }) => ({
  cookies: { extramile_session: s.session },
  headers: { "x-csrf-token": s.csrf },
});

const sessionWorks = async (s: { session: string }) =>
  (await t.app.inject({ method: "GET", url: "/api/v1/auth/session", cookies: { extramile_session: s.session } }))
    .statusCode === 200;

/** A token of this user with exactly these scopes. */
const tokenWith = async (u: TestUser, scopes: ("read" | "write" | "admin")[]) => {
  const actor = await loadActor(t.app.ctx.db, u.user.id, null);
  if (!actor) throw new Error("inactive");
  return (await createApiToken(t.app.ctx, actor, { name: "scoped", scopes, expiresInDays: 1 })).token;
};

describe("user administration needs the admin scope", () => {
  it("refuses an admin's read+write token to make someone admin or set their password", async () => {
    const admin = await makeUser(t.app, { role: "admin" });
    const victim = await makeUser(t.app, { role: "employee", password: PASSWORD });
    const token = await tokenWith(admin, ["read", "write"]);
    for (const payload of [{ role: "admin" }, { password: "chosen by the attacker" }, { name: "Renamed" }]) {
      const res = await t.app.inject({
        method: "PATCH",
        url: `/api/v1/users/${victim.user.id}`,
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toMatch(/admin/);
    }
    const row = await t.app.ctx.db.execute<{ role: string }>(sql`SELECT role FROM users WHERE id = ${victim.user.id}`);
    expect(row.rows[0]?.role).toBe("employee");
    await signIn(victim.user.email, PASSWORD);
  });

  it("lets an admin-scoped token of an admin change roles", async () => {
    const admin = await makeUser(t.app, { role: "admin" });
    const u = await makeUser(t.app, { role: "employee" });
    const res = await admin.call({ method: "PATCH", url: `/api/v1/users/${u.user.id}`, payload: { role: "agent" } });
    expect(res.statusCode).toBe(200);
    expect(res.json().role).toBe("agent");
  });

  it("refuses employees editing themselves through the admin route (they use /me)", async () => {
    const u = await makeUser(t.app, { role: "agent" });
    const res = await u.call({ method: "PATCH", url: `/api/v1/users/${u.user.id}`, payload: { name: "Me" } });
    expect(res.statusCode).toBe(403);
  });
});

describe("my account (/api/v1/me)", () => {
  it("reads and edits the caller's own name and time zone, nothing else", async () => {
    const u = await makeUser(t.app, { role: "agent" });
    const me = await u.call({ method: "GET", url: "/api/v1/me" });
    expect(me.json()).toMatchObject({ id: u.user.id, email: u.user.email });
    const res = await u.call({
      method: "PATCH",
      url: "/api/v1/me",
      payload: { name: "Alex Agent", timeZone: "Europe/Berlin" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: "Alex Agent", timeZone: "Europe/Berlin", role: "agent" });
    for (const field of ["role", "departmentId", "password", "email"]) {
      const refused = await u.call({ method: "PATCH", url: "/api/v1/me", payload: { [field]: "admin" } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.field).toBe(field);
    }
  });

  it("a read-only token cannot edit the account", async () => {
    const u = await makeUser(t.app, { role: "agent" });
    const token = await tokenWith(u, ["read"]);
    const res = await t.app.inject({
      method: "PATCH",
      url: "/api/v1/me",
      headers: { authorization: `Bearer ${token}` },
      payload: { name: "Nope" },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe("password change and sessions", () => {
  it("needs the current password, then ends every other session and keeps this one", async () => {
    const u = await makeUser(t.app, { role: "agent", password: PASSWORD });
    const here = await signIn(u.user.email, PASSWORD);
    const elsewhere = await signIn(u.user.email, PASSWORD);

    const missing = await t.app.inject({
      method: "POST",
      url: "/api/v1/me/password",
      ...asSession(here),
      payload: { newPassword: "a second passphrase" },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.field).toBe("currentPassword");
    const wrong = await t.app.inject({
      method: "POST",
      url: "/api/v1/me/password",
      ...asSession(here),
      payload: { currentPassword: "not the password", newPassword: "a second passphrase" },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe("currentPassword");
    expect(await sessionWorks(elsewhere)).toBe(true);

    const ok = await t.app.inject({
      method: "POST",
      url: "/api/v1/me/password",
      ...asSession(here),
      payload: { currentPassword: PASSWORD, newPassword: "a second passphrase" },
    });
    expect(ok.statusCode).toBe(200);
    expect(await sessionWorks(here)).toBe(true);
    expect(await sessionWorks(elsewhere)).toBe(false);
    await signIn(u.user.email, "a second passphrase");
  });

  it("an admin setting someone's password ends all of that person's sessions", async () => {
    const admin = await makeUser(t.app, { role: "admin" });
    const u = await makeUser(t.app, { role: "agent", password: PASSWORD });
    const s = await signIn(u.user.email, PASSWORD);
    const res = await admin.call({
      method: "PATCH",
      url: `/api/v1/users/${u.user.id}`,
      payload: { password: "set by the admin now" },
    });
    expect(res.statusCode).toBe(200);
    expect(await sessionWorks(s)).toBe(false);
  });

  it("deactivating someone ends all of their sessions", async () => {
    const admin = await makeUser(t.app, { role: "admin" });
    const u = await makeUser(t.app, { role: "agent", password: PASSWORD });
    await signIn(u.user.email, PASSWORD);
    const res = await admin.call({ method: "POST", url: `/api/v1/users/${u.user.id}/deactivate`, payload: {} });
    expect(res.statusCode).toBe(200);
    const left = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${u.user.id}`,
    );
    expect(left.rows[0]?.n).toBe(0);
  });
});

describe("names refuse line breaks and bidi controls", () => {
  it("answers 400 naming the field for an employee's or a contact's name", async () => {
    const u = await makeUser(t.app, { role: "agent" });
    const bad = fc.constantFrom("\r\n", "\n", "\u202e", "\u2066", "\u200f", "\u061c");
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), bad, async (rest, control) => {
        const name = `Mallory${control}${rest}`;
        const own = await u.call({ method: "PATCH", url: "/api/v1/me", payload: { name } });
        expect(own.statusCode).toBe(400);
        expect(own.json().error.field).toBe("name");
        const contact = await u.call({
          method: "POST",
          url: "/api/v1/contacts",
          payload: { name, emails: [`${crypto.randomUUID()}@c.test`] },
        });
        expect(contact.statusCode).toBe(400);
        expect(contact.json().error.field).toBe("name");
      }),
      { numRuns: 12 },
    );
  });
});
