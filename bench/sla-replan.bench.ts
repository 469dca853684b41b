/**
 * Re-planning 100,000 open cases after a business-calendar change, on a PostgreSQL server.
 *
 *   npx tsx bench/sla-replan.bench.ts            (EXTRAMILE_BENCH_SERVER_URL, default postgres://postgres@127.0.0.1:5432/postgres)
 *
 * Creates a fresh database, migrates it, loads open cases with their SLA clocks (multi-row inserts through
 * json_to_recordset), changes the calendar their policy runs on, and times `replanCalendar`: reading and
 * locking the clocks in batches, computing the new due/warning instants, and the batched writes (one UPDATE
 * per batch plus the pg-boss timers enqueued in the same transaction). The database is dropped afterwards.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import pg from "pg";
import { z } from "zod";
import { buildApp } from "../src/server/app";
import { loadConfig } from "../src/server/config";
import { connect, runMigrations } from "../src/server/db/connection";
import { businessCalendars } from "../src/server/db/schema/index";
import type { TBusinessCalendar } from "../src/server/domains/sla/business-time";
import { CLOCK_TIMER_JOB, calendarOf, replanCalendar } from "../src/server/domains/sla/clocks.service";
import type { Clock } from "../src/server/domains/sla/sla.planner";
import { timeClock } from "../src/server/domains/sla/sla.planner";
import { defineJob, Jobs } from "../src/server/platform/jobs";

const CASES = Number(process.env.EXTRAMILE_BENCH_CASES ?? 100_000);
const LOAD_BATCH = 10_000;
const SERVER_URL = process.env.EXTRAMILE_BENCH_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MINUTE = 60_000;
const DAY = 86_400_000;

const weekdays = (start: string, end: string) => ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start, end }));

const before: TBusinessCalendar = {
  timeZone: "Europe/Berlin",
  weeklyHours: [...weekdays("09:00", "12:30"), ...weekdays("13:30", "18:00")],
  holidays: [
    { date: "2025-12-25", yearly: true, name: "Christmas Day" },
    { date: "2025-12-26", yearly: true, name: "Boxing Day" },
    { date: "2026-01-01", yearly: true, name: "New Year's Day" },
  ],
};

/** The change: longer hours, a Saturday morning, and a company holiday next week. */
const nextWeek = new Date(Date.now() + 7 * DAY).toISOString().slice(0, 10);
const after = {
  weeklyHours: [
    ...weekdays("08:00", "12:30"),
    ...weekdays("13:00", "18:30"),
    { weekday: 6 as const, start: "09:00", end: "13:00" },
  ],
  holidays: [...before.holidays, { date: nextWeek, yearly: false, name: "Company day" }],
};

const random = (seed: number) => () => {
  seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
  return seed / 2 ** 32;
};

const ms = (n: number) => `${Math.round(n).toLocaleString("en")} ms`;

const main = async () => {
  const name = `extramile_bench_sla_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = connect(url.toString(), 8, false);
  const log = (msg: string, err?: unknown) => console.error(msg, err);
  try {
    await runMigrations(database);
    const config = { ...loadConfig({ EXTRAMILE_JOBS: "false", LOG_LEVEL: "silent" }), databaseUrl: url.toString() };
    const app = await buildApp({ config, database });
    // A queue for the timers only, whose worker does nothing: the bench measures planning, not escalating.
    const jobs = new Jobs(url.toString(), log);
    jobs.register(defineJob({ ...CLOCK_TIMER_JOB, payload: z.object({}).passthrough(), handler: async () => {} }));
    await jobs.start();
    const ctx = { ...app.ctx, jobs };
    const db = database.db;

    const loadBegan = performance.now();
    const [calendar] = await db
      .insert(businessCalendars)
      .values({ name: "Berlin office", ...before, alwaysOpen: false })
      .returning();
    if (!calendar) throw new Error("no calendar");
    const ids = await db.execute<{ user_id: string; contact_id: string; policy_id: string }>(sql`
      WITH u AS (INSERT INTO users (email, name, role) VALUES ('owner@bench.test', 'Owner', 'agent') RETURNING id),
           c AS (INSERT INTO contacts (name) VALUES ('Customer') RETURNING id),
           p AS (INSERT INTO sla_policies (name, calendar_id, targets, warning_percent)
                 VALUES ('Standard', ${calendar.id},
                   '{"first_response":{"low":480,"normal":240,"high":120,"urgent":60},
                     "next_response":{"low":480,"normal":240,"high":120,"urgent":60},
                     "resolution":{"low":4800,"normal":2400,"high":960,"urgent":480}}', 80)
                 RETURNING id)
      SELECT u.id AS user_id, c.id AS contact_id, p.id AS policy_id FROM u, c, p`);
    const { user_id: ownerId, contact_id: contactId, policy_id: policyId } = ids.rows[0] ?? {};
    if (!ownerId || !contactId || !policyId) throw new Error("setup failed");

    const compiled = calendarOf(calendar);
    const priorities = ["low", "normal", "high", "urgent"] as const;
    const targets = {
      first_response: { low: 480, normal: 240, high: 120, urgent: 60 },
      next_response: { low: 480, normal: 240, high: 120, urgent: 60 },
      resolution: { low: 4800, normal: 2400, high: 960, urgent: 480 },
    };
    const next = random(7);
    const now = new Date();
    let clockCount = 0;
    for (let offset = 0; offset < CASES; offset += LOAD_BATCH) {
      const caseRows: Record<string, unknown>[] = [];
      const clockRows: Record<string, unknown>[] = [];
      for (let i = offset; i < Math.min(CASES, offset + LOAD_BATCH); i++) {
        const id = randomUUID();
        const priority = priorities[Math.floor(next() * 4)] ?? "normal";
        const createdAt = new Date(now.getTime() - Math.floor(next() * 10 * DAY));
        const paused = next() < 0.15;
        caseRows.push({
          id,
          subject: `Bench case ${i}`,
          status: paused ? "pending" : "open",
          priority,
          priority_rank: priorities.indexOf(priority) + 1,
          type: "question",
          channel: "email",
          requester_id: contactId,
          owner_id: ownerId,
          next_step: "Reply to the customer",
          next_step_due_at: new Date(createdAt.getTime() + DAY).toISOString(),
          created_at: createdAt.toISOString(),
          updated_at: createdAt.toISOString(),
        });
        const pauseFrom = new Date(createdAt.getTime() + Math.floor(next() * (now.getTime() - createdAt.getTime())));
        const clock = (metric: Clock["metric"], startedAt: Date, state: Clock["state"], metAt: Date | null): Clock =>
          timeClock(
            {
              metric,
              policyId,
              targetMinutes: targets[metric][priority],
              startedAt,
              pauses: state === "paused" ? [{ from: pauseFrom, to: null }] : [],
              state,
              dueAt: null,
              warnAt: null,
              metAt,
              warnedAt: null,
              breachedAt: null,
              breach: null,
            },
            compiled,
            80,
            now,
          );
        const clocks = [clock("resolution", createdAt, paused ? "paused" : "running", null)];
        if (next() < 0.3) clocks.push(clock("first_response", createdAt, paused ? "paused" : "running", null));
        else clocks.push(clock("first_response", createdAt, "met", new Date(createdAt.getTime() + 30 * MINUTE)));
        if (next() < 0.2) {
          clocks.push(clock("next_response", new Date(createdAt.getTime() + 2 * 3_600_000), "running", null));
        }
        for (const c of clocks) {
          const breachedAt = c.state !== "met" && c.dueAt && c.dueAt <= now ? c.dueAt : c.breachedAt;
          clockRows.push({
            case_id: id,
            metric: c.metric,
            policy_id: policyId,
            target_minutes: c.targetMinutes,
            started_at: c.startedAt.toISOString(),
            pauses: c.pauses.map((p) => ({ from: p.from.toISOString(), to: p.to?.toISOString() ?? null })),
            state: c.state,
            due_at: c.dueAt?.toISOString() ?? null,
            warn_at: c.warnAt?.toISOString() ?? null,
            met_at: c.metAt?.toISOString() ?? null,
            warned_at: c.warnAt && c.warnAt <= now ? c.warnAt.toISOString() : null,
            breached_at: breachedAt?.toISOString() ?? null,
          });
        }
      }
      await db.execute(sql`
        INSERT INTO cases (id, subject, status, priority, priority_rank, type, channel, requester_id, owner_id,
          next_step, next_step_due_at, created_at, updated_at)
        SELECT * FROM json_to_recordset(${JSON.stringify(caseRows)}::json) AS x(id uuid, subject text, status text,
          priority text, priority_rank int, type text, channel text, requester_id uuid, owner_id uuid, next_step text,
          next_step_due_at timestamptz, created_at timestamptz, updated_at timestamptz)`);
      await db.execute(sql`
        INSERT INTO sla_clocks (case_id, metric, policy_id, target_minutes, started_at, pauses, state, due_at, warn_at,
          met_at, warned_at, breached_at)
        SELECT * FROM json_to_recordset(${JSON.stringify(clockRows)}::json) AS x(case_id uuid, metric text,
          policy_id uuid, target_minutes int, started_at timestamptz, pauses jsonb, state text, due_at timestamptz,
          warn_at timestamptz, met_at timestamptz, warned_at timestamptz, breached_at timestamptz)`);
      clockCount += clockRows.length;
    }
    await db.execute(sql`ANALYZE cases`);
    await db.execute(sql`ANALYZE sla_clocks`);
    const loadMs = performance.now() - loadBegan;
    const live = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM sla_clocks WHERE state IN ('running', 'paused')`,
    );

    console.log(
      `SLA re-plan after a calendar change — PostgreSQL ${(await db.execute<{ v: string }>(sql`SELECT current_setting('server_version') AS v`)).rows[0]?.v}, database ${name}`,
    );
    console.log(
      `loaded ${CASES.toLocaleString("en")} open cases and ${clockCount.toLocaleString("en")} clocks (${(live.rows[0]?.n ?? 0).toLocaleString("en")} running or paused) in ${ms(loadMs)}`,
    );

    await db.execute(sql`
      UPDATE business_calendars SET weekly_hours = ${JSON.stringify(after.weeklyHours)}::jsonb,
        holidays = ${JSON.stringify(after.holidays)}::jsonb, version = version + 1, updated_at = now()
      WHERE id = ${calendar.id}`);

    for (const run of ["after the change", "again, nothing to change"] as const) {
      const began = performance.now();
      const stats = await replanCalendar(ctx, calendar.id);
      const wall = performance.now() - began;
      console.log(`\nre-plan ${run}:`);
      console.log(`  clocks read             ${stats.clocks.toLocaleString("en")} (${ms(stats.readMs)})`);
      console.log(
        `  computed                 ${ms(stats.computeMs)}  (${Math.round(stats.clocks / (stats.computeMs / 1000)).toLocaleString("en")} clocks/s)`,
      );
      console.log(
        `  written                  ${stats.changed.toLocaleString("en")} clocks, ${stats.timers.toLocaleString("en")} timers enqueued (${ms(stats.writeMs)})`,
      );
      console.log(`  wall clock               ${ms(wall)}`);
    }
    const queued = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${CLOCK_TIMER_JOB.name}`,
    );
    console.log(`\npg-boss timers in the queue: ${(queued.rows[0]?.n ?? 0).toLocaleString("en")}`);
    await jobs.stop();
    await app.close();
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
};

await main();
