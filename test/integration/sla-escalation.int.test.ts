import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, messages, notifications, slaClocks } from "../../src/server/db/schema/index";
import { CLOCK_TIMER_JOB, catchUpTimers, fireClockTimer } from "../../src/server/domains/sla/clocks.service";
import { createCalendar, createPolicy } from "../../src/server/domains/sla/sla.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeUser, uniq } from "../factories";
import { settle } from "../settle";

/**
 * Two server processes on one database: an SLA breach escalates exactly once, however many timers and sweeps
 * race for it. Racing needs a PostgreSQL server: the pglite-socket multiplexer of embedded mode interleaves the
 * extended-protocol messages of concurrent connections (08P01 / 26000 errors), and embedded mode is one process
 * by design (electric-sql/pglite#1046) — there the two processes take their turns, each waiting for the other's
 * event dispatch to finish, and the job-queue half does not run.
 */
const onServer = process.env.EXTRAMILE_TEST_DB === "server";
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  [a, b] = await Promise.all([startTestApp(), startTestApp()]);
  if (onServer) {
    await a.app.ctx.jobs.start();
    await b.app.ctx.jobs.start();
  }
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** A case whose first response (60 business minutes, 24/7) is an hour late; breach: notify owner, raise priority. */
const lateCase = async () => {
  const owner = await makeUser(a.app, { role: "agent" });
  const tag = uniq("twoproc").toLowerCase();
  const calendar = await createCalendar(a.app.ctx, SYSTEM, {
    name: uniq("cal"),
    timeZone: "UTC",
    weeklyHours: [],
    holidays: [],
    alwaysOpen: true,
  });
  await createPolicy(a.app.ctx, SYSTEM, {
    name: uniq("policy"),
    position: 100,
    active: true,
    conditions: { tags: [tag] },
    targets: { first_response: { normal: 60 } },
    calendarId: calendar.id,
    pauseStatuses: ["pending", "on_hold"],
    warningPercent: null,
    warningActions: [],
    breachActions: [{ type: "notify", recipients: ["owner"] }, { type: "raise_priority" }],
  });
  const c = await makeCase(a.app, owner.user.id, { tags: [tag] });
  await settle(a.app, [c.id]);
  const [planned] = await a.app.ctx.db
    .select()
    .from(slaClocks)
    .where(and(eq(slaClocks.caseId, c.id), eq(slaClocks.metric, "first_response")));
  if (!planned?.dueAt) throw new Error("first response clock not planned");
  await a.app.ctx.db.execute(sql`
    UPDATE sla_clocks SET started_at = started_at - interval '2 hours', due_at = due_at - interval '2 hours'
    WHERE id = ${planned.id}`);
  const dueAt = new Date(planned.dueAt.getTime() - 2 * 3_600_000).toISOString();
  return { owner, c, planned, dueAt, timer: { clockId: planned.id, kind: "breach" as const, at: dueAt } };
};

/** Exactly one escalation: one event, one notice, the priority raised one step. */
const expectEscalatedOnce = async ({ owner, c, planned, dueAt }: Awaited<ReturnType<typeof lateCase>>) => {
  await settle(a.app, [c.id]);
  const breached = await a.app.ctx.db
    .select()
    .from(events)
    .where(and(eq(events.caseId, c.id), eq(events.type, "sla.breached")));
  expect(breached).toHaveLength(1);
  const notices = await a.app.ctx.db.select().from(notifications).where(eq(notifications.caseId, c.id));
  expect(notices.map((n) => [n.kind, n.userId])).toEqual([["sla_breach", owner.user.id]]);
  const now = (await owner.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
  expect(now.priority).toBe("high");
  const [clock] = await a.app.ctx.db.select().from(slaClocks).where(eq(slaClocks.id, planned.id));
  expect(clock?.breachedAt?.toISOString()).toBe(dueAt);
  const lines = await a.app.ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.caseId, c.id), eq(messages.kind, "event")));
  expect(lines.map((m) => m.bodyText).filter((text) => text?.startsWith("First response SLA breached"))).toHaveLength(
    1,
  );
};

/** Runs a process's sweep; what it fires is not counted (it may include other tests' clocks). */
const sweepUncounted = async (p: TestApp): Promise<number> => {
  await catchUpTimers(p.app.ctx);
  return 0;
};

describe("SLA escalation across two processes", () => {
  it("escalates once when both processes fire the same breach and sweep at the same moment", async () => {
    const late = await lateCase();
    /* A sweep also fires other tests' overdue clocks in the shared database: only this timer's own fires are counted,
       and the sweeps' effect on this case is checked by expectEscalatedOnce (one breach event, one notice). */
    const attempts = [
      async () => Number(await fireClockTimer(a.app.ctx, late.timer)),
      async () => Number(await fireClockTimer(b.app.ctx, late.timer)),
      async () => await sweepUncounted(a),
      async () => await sweepUncounted(b),
    ];
    let fired = 0;
    if (onServer) fired = (await Promise.all(attempts.map((attempt) => attempt()))).reduce((x, y) => x + y, 0);
    else {
      for (const attempt of attempts) {
        fired += await attempt();
        await Promise.all([a.app.ctx.events.drain(), b.app.ctx.events.drain()]);
      }
    }
    expect(fired).toBeLessThanOrEqual(1);
    await expectEscalatedOnce(late);
  });

  it.runIf(onServer)(
    "with the job queue in both processes: timers are scheduled at the plan's instants and a breach job runs once",
    async () => {
      const late = await lateCase();
      const scheduled = await a.app.ctx.db.execute<{ start_after: Date; state: string }>(
        sql`SELECT start_after, state FROM pgboss.job WHERE name = ${CLOCK_TIMER_JOB.name} AND data->>'clockId' = ${late.planned.id}`,
      );
      expect(scheduled.rows.map((r) => [new Date(r.start_after).getTime(), r.state])).toEqual([
        [late.planned.dueAt?.getTime(), "created"],
      ]);
      await Promise.all(
        [a, b].map((app, i) =>
          app.app.ctx.db.transaction(async (tx) => {
            await app.app.ctx.jobs.enqueue(tx, CLOCK_TIMER_JOB, [
              { payload: late.timer, key: `process-${i}:${late.planned.id}` },
            ]);
          }),
        ),
      );
      await waitFor("both timer jobs to finish", async () => {
        const left = await a.app.ctx.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${CLOCK_TIMER_JOB.name}
              AND data->>'clockId' = ${late.planned.id} AND data->>'at' = ${late.dueAt} AND state < 'completed'`,
        );
        return left.rows[0]?.n === 0;
      });
      await expectEscalatedOnce(late);
    },
    60_000,
  );
});
