import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { startBackground } from "../../src/server/app";
import { defineJob } from "../../src/server/platform/jobs";
import { startIsolatedTestApp, type TestApp } from "../app";

/** The queue as `npm start` runs it (jobs on), on a database of its own so its workers touch nobody else's data. */
let t: TestApp;
const handled: string[] = [];
const echo = defineJob({
  name: "test.echo",
  payload: z.object({ word: z.string() }),
  handler: async ({ word }) => {
    handled.push(word);
  },
});

beforeAll(async () => {
  t = await startIsolatedTestApp({ jobs: true });
  t.app.ctx.jobs.register(echo);
  await startBackground(t.app);
});
afterAll(async () => await t.close());

describe("the job queue", () => {
  it("runs sent jobs to completion and keeps running", async () => {
    await t.app.ctx.jobs.send(echo, { word: "first" });
    await t.app.ctx.jobs.send(echo, { word: "second" });
    const deadline = Date.now() + 20_000;
    while (handled.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(handled.sort()).toEqual(["first", "second"]);
    const completed = async () =>
      (
        await t.app.ctx.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'test.echo' AND state = 'completed'`,
        )
      ).rows[0]?.n;
    while ((await completed()) !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await completed()).toBe(2);
    const health = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(health.statusCode).toBe(200);
  });
});
