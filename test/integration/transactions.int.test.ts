import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../../src/server/platform/context";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeUser } from "../factories";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Resolves once `count` callers have arrived: both transactions hold their first lock before taking the second. */
const barrier = (count: number) => {
  let arrived = 0;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived++;
    if (arrived === count) open();
    await gate;
  };
};

describe("transactions", () => {
  // Embedded PGlite runs on one connection, so two transactions never hold locks at the same time there.
  it.skipIf(process.env.EXTRAMILE_TEST_DB !== "server")(
    "a transaction PostgreSQL aborts as a deadlock victim is retried and both writers succeed",
    async () => {
      const owner = await makeUser(t.app, { role: "agent" });
      const a = await makeCase(t.app, owner.user.id);
      const b = await makeCase(t.app, owner.user.id);
      const bothLocked = barrier(2);
      let attempts = 0;
      const lockInOrder = (first: string, second: string, tag: string) =>
        inTransaction(t.app.ctx, async (tx) => {
          attempts++;
          await tx.execute(sql`SELECT id FROM cases WHERE id = ${first} FOR UPDATE`);
          if (attempts <= 2) await bothLocked();
          await tx.execute(sql`SELECT id FROM cases WHERE id = ${second} FOR UPDATE`);
          await tx.execute(sql`UPDATE cases SET tags = array_append(tags, ${tag}) WHERE id IN (${first}, ${second})`);
        });
      await Promise.all([lockInOrder(a.id, b.id, "ab"), lockInOrder(b.id, a.id, "ba")]);
      expect(attempts).toBe(3);
      const rows = await t.app.ctx.db.execute<{ tags: string[] }>(
        sql`SELECT tags FROM cases WHERE id IN (${a.id}, ${b.id})`,
      );
      for (const r of rows.rows) expect([...r.tags].sort()).toEqual(["ab", "ba"]);
    },
  );
});
