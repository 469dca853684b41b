import { sql } from "drizzle-orm";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTAL_COOKIE } from "../../src/server/platform/http";
import { sha256 } from "../../src/server/platform/secrets";
import { CASE_SORTS } from "../../src/shared/contracts/cases";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeUser, type TestUser, uniq } from "../factories";
import { makeContact } from "../portal";

/**
 * Every list that takes `cursor`, found in the served OpenAPI document (so a new list is covered
 * without being named here): a cursor it did not write answers 400 naming `cursor`, never 500.
 */
let t: TestApp;
let admin: TestUser;
const customer = { cookie: uniq("portal-session"), csrfToken: uniq("csrf") };
let listRoutes: string[] = [];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const ID = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";

const call = (url: string): Promise<LightMyRequestResponse> => {
  const opts: InjectOptions = { method: "GET", url };
  return url.startsWith("/api/v1/portal/")
    ? t.app.inject({ ...opts, cookies: { [PORTAL_COOKIE]: customer.cookie } })
    : admin.call(opts);
};

const withCursor = (path: string, cursor: string, extra = "") => `${path}?cursor=${encodeURIComponent(cursor)}${extra}`;

/** 200, or 400 naming the cursor: nothing else is an acceptable answer to a cursor. */
const expectHandled = (res: LightMyRequestResponse, what: string) => {
  if (res.statusCode === 200) return;
  expect({ what, status: res.statusCode, body: res.json() }).toMatchObject({
    status: 400,
    body: { error: { code: "VALIDATION_FAILED", field: "cursor" } },
  });
};

const MALFORMED = [
  "%%%not-base64%%%",
  "bm90IGpzb24",
  b64("a string"),
  b64([1, 2]),
  b64({ v: "2026-01-01T00:00:00.000Z" }),
  b64({ v: "2026-01-01T00:00:00.000Z", id: "not-a-uuid" }),
  b64({ v: "2026-01-01T00:00:00.000Z", id: "1' OR '1'='1" }),
  b64({ v: { nested: true }, id: ID }),
  b64({ v: 1e308, id: ID }),
  b64({ v: null, id: "-1" }),
  b64({ v: null, id: "99999999999999999999999" }),
  b64({ v: "2026-01-01T00:00:00.000Z", id: ID, extra: 1 }),
];

/** Not an instant PostgreSQL takes: refused by the lists ordered by a time (all but names and the audit log). */
const NOT_AN_INSTANT = [b64({ v: "yesterday", id: ID }), b64({ v: "0000-01-01T00:00:00.000Z", id: ID })];
const ORDERED_BY_TIME = (path: string) => !/\/(contacts|organizations|audit)$/.test(path);

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.app, { role: "admin" });
  const contact = await makeContact(t.app);
  await t.app.ctx.db.execute(sql`
    INSERT INTO portal_sessions (token_hash, contact_id, csrf_token, expires_at)
    VALUES (${sha256(customer.cookie)}, ${contact.id}, ${customer.csrfToken}, now() + interval '1 day')`);
  for (let i = 0; i < 2; i += 1) await makeCase(t.app, admin.user.id, { requester: { contactId: contact.id } });
  const doc = (await t.app.inject({ method: "GET", url: "/api/openapi.json" })).json() as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  };
  listRoutes = Object.entries(doc.paths)
    .filter(([, ops]) => ops.get?.parameters?.some((p) => p.in === "query" && p.name === "cursor"))
    .map(([path]) => path);
});
afterAll(async () => await t?.close());

describe("list cursors", () => {
  it("finds every list that takes a cursor, none behind a path parameter", () => {
    expect(listRoutes).toEqual(
      expect.arrayContaining([
        "/api/v1/cases",
        "/api/v1/contacts",
        "/api/v1/organizations",
        "/api/v1/audit",
        "/api/v1/inbound-emails",
        "/api/v1/sla/breaching",
        "/api/v1/portal/cases",
      ]),
    );
    expect(listRoutes.filter((p) => p.includes("{"))).toEqual([]);
  });

  it("answers a malformed cursor with 400 naming cursor on every list", async () => {
    for (const path of listRoutes) {
      for (const cursor of [...MALFORMED, ...(ORDERED_BY_TIME(path) ? NOT_AN_INSTANT : [])]) {
        const res = await call(withCursor(path, cursor));
        expect({ path, cursor, status: res.statusCode, body: res.json() }).toMatchObject({
          status: 400,
          body: { error: { code: "VALIDATION_FAILED", field: "cursor" } },
        });
      }
    }
  });

  it("follows the cursor a list wrote, in every sort of the case list", async () => {
    for (const path of listRoutes) {
      const first = await call(`${path}?limit=1`);
      expect({ path, status: first.statusCode }).toEqual({ path, status: 200 });
      const next = (first.json() as { nextCursor: string | null }).nextCursor;
      if (next)
        expect({ path, status: (await call(withCursor(path, next, "&limit=1"))).statusCode }).toEqual({
          path,
          status: 200,
        });
    }
    for (const sort of CASE_SORTS) {
      const first = await call(`/api/v1/cases?limit=1&sort=${sort}`);
      const next = (first.json() as { nextCursor: string | null }).nextCursor;
      expect(next).not.toBeNull();
      expect((await call(withCursor("/api/v1/cases", next ?? "", `&limit=1&sort=${sort}`))).statusCode).toBe(200);
    }
  });

  it("answers any cursor text with 200 or 400, never 500 (property)", async () => {
    const cursorText = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.record({ v: fc.jsonValue({ maxDepth: 2 }), id: fc.oneof(fc.uuid(), fc.string(), fc.integer()) }).map(b64),
      fc
        .record({
          v: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.integer(),
            fc.constant("infinity"),
          ),
          id: fc.oneof(fc.uuid(), fc.bigInt({ min: -5n, max: 10n ** 20n }).map(String)),
        })
        .map(b64),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...listRoutes),
        cursorText,
        fc.constantFrom(...CASE_SORTS),
        async (path, cursor, sort) => {
          expectHandled(await call(withCursor(path, cursor, path === "/api/v1/cases" ? `&sort=${sort}` : "")), path);
        },
      ),
      { numRuns: 150 },
    );
  });
});
