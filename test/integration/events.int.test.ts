import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/server/platform/actor";
import { recordEvents, type StoredEvent } from "../../src/server/platform/events";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeUser, type TestUser } from "../factories";

let t: TestApp;
let agent: TestUser;
const seen: StoredEvent[] = [];
const failuresLeft = new Map<string, number>();

beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.app, { role: "admin" });
  t.app.ctx.events.register({
    name: "test-recorder",
    handle: async (_tx, event) => {
      const left = failuresLeft.get(event.aggregateId) ?? 0;
      if (left > 0) {
        failuresLeft.set(event.aggregateId, left - 1);
        throw new Error("processor down");
      }
      seen.push(event);
    },
  });
});
afterAll(async () => await t.close());

const patch = async (id: string, version: number, payload: Record<string, unknown>) =>
  await agent.call({ method: "PATCH", url: `/api/v1/cases/${id}`, headers: { "if-match": String(version) }, payload });

const drainAll = async () => {
  await t.app.ctx.db.execute(sql`UPDATE events SET next_attempt_at = NULL WHERE dispatched_at IS NULL`);
  await t.app.ctx.events.drain();
};

describe("events outbox", () => {
  it("records typed events in the write's transaction and delivers them in order per case", async () => {
    const c = await makeCase(t.app, agent.user.id);
    await patch(c.id, 1, { priority: "high" });
    await patch(c.id, 2, { status: "open" });
    await patch(c.id, 3, { tags: ["vip"] });
    await t.app.ctx.events.drain();
    const mine = seen.filter((e) => e.caseId === c.id);
    expect(mine.map((e) => e.type)).toEqual(["case.created", "case.updated", "case.status_changed", "case.updated"]);
    expect(mine.map((e) => e.id)).toEqual([...mine.map((e) => e.id)].sort((a, b) => a - b));
  });

  it("a failing processor holds back later events of the same case, retries, then delivers all in order", async () => {
    const c = await makeCase(t.app, agent.user.id);
    failuresLeft.set(c.id, 2);
    await patch(c.id, 1, { priority: "urgent" });
    await t.app.ctx.events.drain();
    expect(seen.filter((e) => e.caseId === c.id)).toHaveLength(0);
    const pending = await t.app.ctx.db.execute<{ attempts: number; last_error: string }>(
      sql`SELECT attempts, last_error FROM events WHERE case_id = ${c.id} AND dispatched_at IS NULL ORDER BY id LIMIT 1`,
    );
    expect(pending.rows[0]).toMatchObject({ attempts: 1, last_error: "processor down" });
    await drainAll();
    await drainAll();
    const mine = seen.filter((e) => e.caseId === c.id);
    expect(mine.map((e) => e.type)).toEqual(["case.created", "case.updated"]);
  });

  it("delivers a waiting batch at once; an event that fails in it holds back only its own aggregate", async () => {
    await t.app.ctx.events.drain();
    const [ok, failing] = [randomUUID(), randomUUID()];
    failuresLeft.set(failing, 2);
    const event = (aggregateId: string, n: number) => ({
      type: "inbound_email.quarantined" as const,
      aggregateType: "inbound_email",
      aggregateId,
      payload: { problems: [`p${n}`] },
    });
    await t.app.ctx.db.transaction(
      async (tx) => await recordEvents(tx, SYSTEM, [event(ok, 1), event(failing, 2), event(ok, 3)]),
    );
    expect(await t.app.ctx.events.dispatchBatch()).toBe(2);
    const state = await t.app.ctx.db.execute<{ aggregate_id: string; delivered: boolean; attempts: number }>(
      sql`SELECT aggregate_id, dispatched_at IS NOT NULL AS delivered, attempts FROM events
          WHERE aggregate_id IN (${ok}, ${failing}) ORDER BY id`,
    );
    expect(state.rows).toEqual([
      { aggregate_id: ok, delivered: true, attempts: 0 },
      { aggregate_id: failing, delivered: false, attempts: 1 },
      { aggregate_id: ok, delivered: true, attempts: 0 },
    ]);
    expect(seen.filter((e) => e.aggregateId === failing)).toHaveLength(0);
    const audited = await t.app.ctx.db.execute<{ entity_id: string; n: number }>(
      sql`SELECT entity_id, count(*)::int AS n FROM audit_log WHERE entity_id IN (${ok}, ${failing}) GROUP BY entity_id`,
    );
    expect(audited.rows).toEqual([{ entity_id: ok, n: 2 }]);
    await drainAll();
    expect(seen.filter((e) => e.aggregateId === failing)).toHaveLength(1);
  });

  it("feeds the audit log with before/after diffs, readable by admins", async () => {
    const c = await makeCase(t.app, agent.user.id);
    await patch(c.id, 1, { priority: "high", subject: "Renamed" });
    await t.app.ctx.events.drain();
    const res = await agent.call({ method: "GET", url: `/api/v1/audit?entityType=case&entityId=${c.id}` });
    expect(res.statusCode).toBe(200);
    const [latest] = res.json().items;
    expect(latest).toMatchObject({
      action: "case.updated",
      actorId: agent.user.id,
      before: { priority: "normal", subject: c.subject },
      after: { priority: "high", subject: "Renamed" },
    });
  });

  it("keeps the audit log append-only", async () => {
    await expect(t.app.ctx.db.execute(sql`UPDATE audit_log SET action = 'x'`)).rejects.toThrow();
    await expect(t.app.ctx.db.execute(sql`DELETE FROM audit_log`)).rejects.toThrow();
  });

  it("writes nothing, not even events, when a write is refused", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const before = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE case_id = ${c.id}`,
    );
    const res = await patch(c.id, 1, { status: "closed" });
    expect(res.statusCode).toBe(422);
    const after = await t.app.ctx.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM events WHERE case_id = ${c.id}`,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
