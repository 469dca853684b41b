import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { generateCompany, SCALES, type Scale } from "../../bench/lib/generate";

/** CI does not run the benchmarks; this makes sure their scripts still start and the generator still loads. */
describe("benchmark scripts", () => {
  it("print their usage", () => {
    const out = execFileSync("npx", ["tsx", "bench/run.ts", "--help"], { encoding: "utf8" });
    expect(out).toContain("npm run bench -- <name>");
  });

  it("generate a deterministic company that satisfies the schema's rules", async () => {
    const pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
    try {
      const seed = `smoke${randomBytes(3).toString("hex")}`;
      const generated = await generateCompany(pool, { ...(SCALES.tiny as Scale), name: "smoke" }, seed);
      expect(generated.seconds).toBeGreaterThan(0);
      const thread = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM messages WHERE case_id = $1", [
        generated.twentyMessageCaseId,
      ]);
      expect(thread.rows[0]?.n).toBe(20);
    } finally {
      await pool.end();
    }
  });
});
