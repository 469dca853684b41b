import { eq, sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { connect, PLAN_PER_CALL } from "../../src/server/db/connection";
import { users } from "../../src/server/db/schema/index";

/** Server mode prepares each parameterized statement once per connection; value-dependent ones stay unprepared. */
describe.skipIf(process.env.EXTRAMILE_TEST_DB !== "server")("prepared statements", () => {
  it("prepares a repeated statement once on its connection and leaves PLAN_PER_CALL statements alone", async () => {
    const database = connect(inject("databaseUrl"), 1, false);
    try {
      const lookup = () => database.db.select({ id: users.id }).from(users).where(eq(users.email, "nobody@x.test"));
      await lookup();
      await lookup();
      await database.db.execute(sql`${sql.raw(PLAN_PER_CALL)} SELECT count(*) FROM users WHERE email = ${"a@x.test"}`);
      const prepared = await database.db.execute<{ statement: string; calls: string }>(
        sql`SELECT statement, generic_plans + custom_plans AS calls FROM pg_prepared_statements`,
      );
      const texts = prepared.rows.map((r) => r.statement);
      expect(texts.filter((t) => t.includes('from "users" where "users"."email"'))).toHaveLength(1);
      expect(texts.some((t) => t.startsWith(PLAN_PER_CALL))).toBe(false);
      expect(prepared.rows.find((r) => r.statement.includes('"users"."email"'))?.calls).toBe(2);
    } finally {
      await database.close();
    }
  });
});
