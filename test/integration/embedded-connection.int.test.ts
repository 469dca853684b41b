import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/server/db/connection";
import { departments } from "../../src/server/db/schema/index";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeUser, uniq } from "../factories";

const embedded = process.env.EXTRAMILE_TEST_DB !== "server";
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => await t.close());

describe("the database connection under concurrency", () => {
  it("answers many parallel requests from different employees each with their own data", async () => {
    const people = await Promise.all([makeUser(t.app), makeUser(t.app), makeUser(t.app)]);
    const cases = await Promise.all(people.map((p) => makeCase(t.app, p.user.id, { subject: `Mine ${uniq()}` })));
    const calls = Array.from({ length: 60 }, (_, i) => {
      const k = i % people.length;
      const who = people[k] as (typeof people)[number];
      return who
        .call({ method: "GET", url: `/api/v1/cases/${cases[k]?.id}` })
        .then((res) => ({ k, status: res.statusCode, body: res.json() as { subject: string; owner: { id: string } } }));
    });
    for (const r of await Promise.all(calls)) {
      expect(r.status).toBe(200);
      expect(r.body.subject).toBe(cases[r.k]?.subject);
      expect(r.body.owner.id).toBe(people[r.k]?.user.id);
    }
  });

  it.runIf(embedded)(
    "a read through the app's db inside a transaction runs in that transaction, not on a second connection",
    async () => {
      const name = uniq("dept");
      const seen = await t.app.ctx.db.transaction(async (tx) => {
        await tx.insert(departments).values({ name, kind: "service" });
        return await t.app.ctx.db.select().from(departments).where(eq(departments.name, name));
      });
      expect(seen).toHaveLength(1);
    },
  );
});

describe("the embedded database on disk", () => {
  it("creates a new data directory (in a worker that ends with it) and keeps what was written across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "extramile-embedded-"));
    const dataDir = join(dir, "pg");
    const query = async (url: string, text: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    };
    try {
      const first = await startEmbeddedPostgres(dataDir);
      expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
      await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
      await first.stop();
      const second = await startEmbeddedPostgres(dataDir);
      expect(await query(second.url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
      await second.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
