import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { makeCase, makeUser, type TestUser } from "../../../../test/factories";
import { settle } from "../../../../test/settle";
import type { TCommitment } from "../../../shared/contracts/commitments";
import { events, notifications } from "../../db/schema/index";
import { breakDueCommitment, breakOverdueCommitments, remindCommitment } from "./commitments.service";

let t: TestApp;
let agent: TestUser;
let colleague: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.app, { role: "agent" });
  colleague = await makeUser(t.app, { role: "employee" });
});
afterAll(async () => await t.close());

const inMinutes = (minutes: number): Date => new Date(Date.now() + minutes * 60_000);

const promise = async (caseId: string, body: Record<string, unknown> = {}): Promise<TCommitment> => {
  const res = await agent.call({
    method: "POST",
    url: `/api/v1/cases/${caseId}/commitments`,
    payload: { kind: "callback", description: "Call back with the repair date", dueAt: inMinutes(90), ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
};

const noticesOf = async (caseId: string, kind: string) =>
  await t.app.ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.caseId, caseId), sql`${notifications.kind} = ${kind}`));

describe("commitments", () => {
  it("records a promise with its owner, lists it on the case and among mine, and keeps it once", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const made = await promise(c.id, { kind: "shipment", description: "Replacement ships Friday" });
    expect(made).toMatchObject({
      state: "open",
      kind: "shipment",
      owner: { id: agent.user.id },
      case: { id: c.id, number: c.number },
      abilities: { keep: true, cancel: true },
    });
    const onCase = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/commitments` });
    expect(onCase.json().items.map((x: TCommitment) => x.id)).toEqual([made.id]);
    const mine = await agent.call({ method: "GET", url: "/api/v1/commitments?ownerId=me&state=open&limit=200" });
    expect(mine.json().items.map((x: TCommitment) => x.id)).toContain(made.id);

    const kept = await agent.call({
      method: "POST",
      url: `/api/v1/commitments/${made.id}/keep`,
      payload: { note: "Shipped with DHL" },
    });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ state: "kept", note: "Shipped with DHL", settledById: agent.user.id });
    const again = await agent.call({ method: "POST", url: `/api/v1/commitments/${made.id}/keep`, payload: {} });
    expect(again.statusCode).toBe(422);
    expect(again.json().error).toMatchObject({ code: "INVALID_TRANSITION", field: "state" });
    const timer = { commitmentId: made.id, dueAt: new Date(made.dueAt).toISOString() };
    expect(await breakDueCommitment(t.app.ctx, timer, new Date(Date.now() + 86_400_000))).toBe(false);
  });

  it("breaks a promise still open at its due time: event and notices — once, and not for a stale timer", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const made = await promise(c.id);
    const due = new Date(made.dueAt);
    const timer = { commitmentId: made.id, dueAt: due.toISOString() };
    expect(await breakDueCommitment(t.app.ctx, timer, new Date(due.getTime() - 1))).toBe(false);
    expect(
      await breakDueCommitment(
        t.app.ctx,
        { commitmentId: made.id, dueAt: new Date(due.getTime() - 60_000).toISOString() },
        new Date(due.getTime() + 1),
      ),
    ).toBe(false);
    expect(await breakDueCommitment(t.app.ctx, timer, new Date(due.getTime() + 1))).toBe(true);
    expect(await breakDueCommitment(t.app.ctx, timer, new Date(due.getTime() + 2))).toBe(false);
    await settle(t.app, [c.id]);

    const listed = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/commitments` })).json().items;
    expect(listed[0]).toMatchObject({ state: "broken", abilities: { keep: false, cancel: false } });
    expect(new Date(listed[0].settledAt).getTime()).toBe(due.getTime());
    const broken = await t.app.ctx.db
      .select()
      .from(events)
      .where(and(eq(events.caseId, c.id), eq(events.type, "commitment.broken")));
    expect(broken).toHaveLength(1);
    expect(broken[0]?.payload).toMatchObject({ commitmentId: made.id });
    expect(await noticesOf(c.id, "commitment_broken")).toHaveLength(1);
  });

  it("reminds the owner once before the promise is due", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const made = await promise(c.id);
    const due = new Date(made.dueAt);
    const timer = { commitmentId: made.id, dueAt: due.toISOString() };
    const before = new Date(due.getTime() - 30 * 60_000);
    expect(await remindCommitment(t.app.ctx, timer, before)).toBe(true);
    expect(await remindCommitment(t.app.ctx, timer, before)).toBe(false);
    const [notice] = await noticesOf(c.id, "commitment_reminder");
    expect(notice).toMatchObject({ userId: agent.user.id, body: "Call back with the repair date" });
  });

  it("a phone call logged on the case keeps the callback promised before it", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const callback = await promise(c.id);
    const visit = await promise(c.id, { kind: "visit", description: "Technician visit" });
    const call = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/messages`,
      payload: { kind: "phone", body: "Called back, repair booked", phone: { direction: "outbound" } },
    });
    expect(call.statusCode).toBe(201);
    await settle(t.app, [c.id]);
    const listed = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/commitments` })).json().items;
    const byId = new Map(listed.map((x: TCommitment) => [x.id, x]));
    expect(byId.get(callback.id)).toMatchObject({ state: "kept", settledById: agent.user.id });
    expect(byId.get(visit.id)).toMatchObject({ state: "open" });
  });

  it("a call keeps the one callback it answers: the earliest due, or the one chosen", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const tomorrow = await promise(c.id, {
      description: "Call back with the final invoice",
      dueAt: inMinutes(26 * 60),
    });
    const today = await promise(c.id, { description: "Call back with the repair date", dueAt: inMinutes(90) });
    const call = (phone: Record<string, unknown>) =>
      agent.call({
        method: "POST",
        url: `/api/v1/cases/${c.id}/messages`,
        payload: { kind: "phone", body: "Called back", phone: { direction: "outbound", ...phone } },
      });
    const states = async () =>
      new Map(
        (
          (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/commitments` })).json().items as TCommitment[]
        ).map((x) => [x.id, x.state]),
      );

    expect((await call({})).statusCode).toBe(201);
    await settle(t.app, [c.id]);
    expect(await states()).toEqual(
      new Map([
        [today.id, "kept"],
        [tomorrow.id, "open"],
      ]),
    );

    const elsewhere = await promise((await makeCase(t.app, agent.user.id)).id);
    const wrong = await call({ callbackId: elsewhere.id });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe("phone.callbackId");
    const settledAlready = await call({ callbackId: today.id });
    expect(settledAlready.statusCode).toBe(400);
    expect(settledAlready.json().error.field).toBe("phone.callbackId");

    const later = await promise(c.id, { description: "Call back about the refund", dueAt: inMinutes(60) });
    expect((await call({ callbackId: tomorrow.id })).statusCode).toBe(201);
    await settle(t.app, [c.id]);
    expect(await states()).toEqual(
      new Map([
        [today.id, "kept"],
        [tomorrow.id, "kept"],
        [later.id, "open"],
      ]),
    );
  });

  it("breaks overdue promises a timer missed", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const made = await promise(c.id);
    await t.app.ctx.db.execute(sql`UPDATE commitments SET due_at = now() - interval '5 minutes' WHERE id = ${made.id}`);
    expect(await breakOverdueCommitments(t.app.ctx)).toBeGreaterThanOrEqual(1);
    const listed = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/commitments` })).json().items;
    expect(listed[0].state).toBe("broken");
  });

  it("refuses bad input by field, and lets only the owner, the case owner or a supervisor settle", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const past = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/commitments`,
      payload: { kind: "callback", description: "Too late", dueAt: inMinutes(-5) },
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.field).toBe("dueAt");
    const kind = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/commitments`,
      payload: { kind: "telepathy", description: "x", dueAt: inMinutes(5) },
    });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error.field).toBe("kind");

    const made = await promise(c.id);
    const bystander = await makeUser(t.app, { role: "agent" });
    const denied = await bystander.call({
      method: "POST",
      url: `/api/v1/commitments/${made.id}/cancel`,
      payload: { note: "not mine" },
    });
    expect(denied.statusCode).toBe(403);
    const noNote = await agent.call({ method: "POST", url: `/api/v1/commitments/${made.id}/cancel`, payload: {} });
    expect(noNote.json().error.field).toBe("note");
    const hidden = await colleague.call({ method: "GET", url: `/api/v1/cases/${c.id}/commitments` });
    expect(hidden.statusCode).toBe(404);
    const cancelled = await agent.call({
      method: "POST",
      url: `/api/v1/commitments/${made.id}/cancel`,
      payload: { note: "Customer no longer needs it" },
    });
    expect(cancelled.json().state).toBe("cancelled");
  });
});
