import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeSolvedCases,
  reopenOnCustomerReply,
  updateCaseInTransaction,
} from "../../src/server/domains/cases/cases.service";
import { cancelVerificationPromiseJob } from "../../src/server/domains/executive/executive.jobs";
import { openExecutiveCase } from "../../src/server/domains/executive/executive.service";
import { loadActor } from "../../src/server/domains/users/users.service";
import { type Actor, SYSTEM } from "../../src/server/platform/actor";
import { inTransaction } from "../../src/server/platform/context";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeDepartment, makeTeam, makeUser, type TestUser, uniq } from "../factories";

let t: TestApp;
let admin: TestUser;
let executive: TestUser;
let otherExecutive: TestUser;
let agent: TestUser;
let supervisor: TestUser;

const ATTEMPTS = 3;

beforeAll(async () => {
  t = await startTestApp({ executiveLine: { verificationBusinessDays: 2, verificationAttempts: ATTEMPTS } });
  admin = await makeUser(t.app, { role: "admin" });
  executive = await makeUser(t.app, { role: "executive", name: "Alex Chief" });
  otherExecutive = await makeUser(t.app, { role: "executive" });
  agent = await makeUser(t.app, { role: "agent" });
  supervisor = await makeUser(t.app, { role: "supervisor" });
});
afterAll(async () => await t.close());

const actorOf = async (u: TestUser): Promise<Actor> => {
  const a = await loadActor(t.app.ctx.db, u.user.id, null);
  if (!a) throw new Error("inactive");
  return a;
};

/** A customer's letter to `exec`, logged by the agent through the API. */
const writeToExecutive = async (exec: TestUser = executive, extra: Record<string, unknown> = {}) => {
  const res = await agent.call({
    method: "POST",
    url: "/api/v1/executive/cases",
    payload: {
      executiveId: exec.user.id,
      subject: `Your service let me down ${uniq()}`,
      requester: { email: `${uniq("customer")}@customer.test`, name: "Carla Customer" },
      description: { body: "Three deliveries late, nobody called back." },
      type: "request",
      ...extra,
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
};

/**
 * Case columns read straight from the database: GET /api/v1/cases/:id is kept for the visibility checks, where the
 * answer is the point.
 */
const caseRow = async (id: string) =>
  (
    await t.app.ctx.db.execute<{ version: number; status: string; channel: string }>(
      sql`SELECT version, status, channel FROM cases WHERE id = ${id}`,
    )
  ).rows[0];

const followersOf = async (id: string): Promise<string[]> =>
  (
    await t.app.ctx.db.execute<{ user_id: string }>(sql`SELECT user_id FROM case_followers WHERE case_id = ${id}`)
  ).rows.map((r) => r.user_id);

const patchCase = async (id: string, payload: Record<string, unknown>, as: TestUser = admin) =>
  await as.call({
    method: "PATCH",
    url: `/api/v1/cases/${id}`,
    headers: { "if-match": String((await caseRow(id))?.version) },
    payload,
  });

/** Whether `u` sees the case through the cases API (its thread answers 404 otherwise). */
const sees = async (u: TestUser, id: string): Promise<boolean> =>
  (await u.call({ method: "GET", url: `/api/v1/cases/${id}/messages` })).statusCode === 200;

const delegate = async (id: string, to: TestUser, as: TestUser = executive) =>
  await as.call({
    method: "POST",
    url: `/api/v1/executive/cases/${id}/delegate`,
    payload: { ownerId: to.user.id, note: "Please call her today and sort out the deliveries." },
  });

const report = async (id: string, as: TestUser, satisfied = true) =>
  await as.call({
    method: "PUT",
    url: `/api/v1/executive/cases/${id}/report`,
    payload: {
      customerSaid: "The last three deliveries were late and nobody called back.",
      actionsTaken: "Rebooked with the express carrier, confirmed the date by phone.",
      remedyGiven: "Refunded the delivery fees.",
      customerSatisfied: satisfied,
    },
  });

const call = async (id: string, outcome: string, notes = "Spoke with her at 10:15.", as: TestUser = executive) =>
  await as.call({
    method: "POST",
    url: `/api/v1/executive/cases/${id}/verification-calls`,
    payload: { outcome, notes },
  });

const promisesOf = async (id: string) =>
  (await admin.call({ method: "GET", url: `/api/v1/cases/${id}/commitments` })).json().items;

const queueIds = async (exec: TestUser = executive, status = "open"): Promise<string[]> =>
  (await exec.call({ method: "GET", url: `/api/v1/executive/queue?status=${status}` }))
    .json()
    .items.map((i: { caseId: string }) => i.caseId);

/** Delegated, reported and solved: waiting for the executive's call. */
const solvedExecutiveCase = async () => {
  const c = await writeToExecutive();
  expect((await delegate(c.caseId, agent)).statusCode).toBe(200);
  expect((await report(c.caseId, agent)).statusCode).toBe(200);
  const solved = await patchCase(c.caseId, { status: "solved" }, agent);
  expect(solved.statusCode).toBe(200);
  return c;
};

describe("the executive line: entry and receipt", () => {
  it("a letter logged for the executive is owned and followed by the executive and lands in their queue", async () => {
    const c = await writeToExecutive(executive, { type: undefined });
    expect(c).toMatchObject({
      executive: { id: executive.user.id },
      owner: { id: executive.user.id },
      stage: "awaiting_delegation",
      type: "complaint",
      priority: "high",
      firstOpenedAt: null,
      loggedBy: { id: agent.user.id },
    });
    expect(await followersOf(c.caseId)).toContain(executive.user.id);
    expect(await queueIds()).toContain(c.caseId);
  });

  it("nobody can route it elsewhere on the way in: no owner in the input, only executives as addressees", async () => {
    const withOwner = await agent.call({
      method: "POST",
      url: "/api/v1/executive/cases",
      payload: {
        executiveId: executive.user.id,
        ownerId: agent.user.id,
        subject: "x",
        requester: { email: `${uniq()}@c.test` },
      },
    });
    expect(withOwner.statusCode).toBe(400);
    expect(withOwner.json().error.field).toBe("ownerId");
    const notExecutive = await agent.call({
      method: "POST",
      url: "/api/v1/executive/cases",
      payload: { executiveId: supervisor.user.id, subject: "x", requester: { email: `${uniq()}@c.test` } },
    });
    expect(notExecutive.statusCode).toBe(400);
    expect(notExecutive.json().error.field).toBe("executiveId");
  });

  it("a phone call logged for the executive keeps its channel; the service function serves portal and email", async () => {
    const phoned = await writeToExecutive(executive, { channel: "phone" });
    expect((await caseRow(phoned.caseId))?.channel).toBe("phone");
    const viaPortal = await openExecutiveCase(t.app.ctx, SYSTEM, {
      executiveId: executive.user.id,
      subject: "Portal letter",
      requester: { email: `${uniq()}@c.test` },
      status: "new",
      priority: "high",
      type: "complaint",
      channel: "portal",
      tags: [],
      customFields: {},
      followerIds: [],
    });
    expect(viaPortal).toMatchObject({ owner: { id: executive.user.id }, loggedBy: null });
    expect(await queueIds()).toContain(viaPortal.caseId);
  });

  it("any employee logs a letter: the customer's words open the thread and the executive is alerted", async () => {
    const clerk = await makeUser(t.app, { role: "employee", name: uniq("Mailroom") });
    const res = await clerk.call({
      method: "POST",
      url: "/api/v1/executive/cases",
      payload: {
        executiveId: executive.user.id,
        channel: "letter",
        subject: `A letter by post ${uniq()}`,
        requester: { email: `${uniq("writer")}@customer.test`, name: "Paula Post" },
        description: { body: "Dear Sir, I am writing to complain." },
      },
    });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({ owner: { id: executive.user.id }, loggedBy: { id: clerk.user.id } });
    expect((await caseRow(c.caseId))?.channel).toBe("letter");
    const thread = (await executive.call({ method: "GET", url: `/api/v1/cases/${c.caseId}/messages` })).json().items;
    expect(thread[0]).toMatchObject({
      kind: "reply",
      author: { type: "contact", name: "Paula Post" },
      bodyText: "Dear Sir, I am writing to complain.",
    });
    await t.app.ctx.events.drain();
    const notices = (await executive.call({ method: "GET", url: "/api/v1/me/notifications" })).json().items;
    expect(notices).toContainEqual(
      expect.objectContaining({
        kind: "executive_letter",
        caseId: c.caseId,
        body: "Paula Post wrote to you by letter (logged by an employee). Read it, then delegate it.",
      }),
    );
  });

  it("records the receipt once, on the executive's own first read", async () => {
    const c = await writeToExecutive();
    const byAgent = await agent.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` });
    expect(byAgent.json().firstOpenedAt).toBeNull();
    const first = (await executive.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).json();
    expect(first.firstOpenedAt).not.toBeNull();
    const second = (await executive.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).json();
    expect(second.firstOpenedAt).toBe(first.firstOpenedAt);
    const other = await makeCase(t.app, agent.user.id);
    expect((await executive.call({ method: "GET", url: `/api/v1/executive/cases/${other.id}` })).statusCode).toBe(404);
  });
});

describe("delegation, the feedback report and solving", () => {
  it("only the executive delegates, to an active employee, through the cases service", async () => {
    const c = await writeToExecutive();
    expect((await delegate(c.caseId, agent, agent)).statusCode).toBe(403);
    expect((await delegate(c.caseId, agent, otherExecutive)).statusCode).toBe(403);
    const gone = await makeUser(t.app, { role: "agent" });
    await admin.call({ method: "POST", url: `/api/v1/users/${gone.user.id}/deactivate`, payload: {} });
    const toInactive = await delegate(c.caseId, gone);
    expect(toInactive.statusCode).toBe(422);
    expect(toInactive.json().error.field).toBe("ownerId");
    const done = await delegate(c.caseId, agent);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({
      owner: { id: agent.user.id },
      stage: "awaiting_report",
      delegation: { to: { id: agent.user.id }, note: expect.stringContaining("sort out") },
    });
    expect(done.json().firstOpenedAt).not.toBeNull();
    const thread = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.caseId}/messages` })).json().items;
    expect(thread.at(-1).bodyText).toMatch(/delegated this case to/);
  });

  it("cannot be solved until the owner files the written report; only the owner files it", async () => {
    const c = await writeToExecutive();
    await delegate(c.caseId, agent);
    const early = await patchCase(c.caseId, { status: "solved" }, agent);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.field).toBe("report");
    expect((await report(c.caseId, supervisor)).statusCode).toBe(403);
    const incomplete = await agent.call({
      method: "PUT",
      url: `/api/v1/executive/cases/${c.caseId}/report`,
      payload: { customerSaid: "x", actionsTaken: "y", remedyGiven: "z" },
    });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().error.field).toBe("customerSatisfied");
    const filed = await report(c.caseId, agent);
    expect(filed.json()).toMatchObject({ stage: "awaiting_solve", report: { current: true, customerSatisfied: true } });
    const solved = await patchCase(c.caseId, { status: "solved" }, agent);
    expect(solved.statusCode).toBe(200);
    expect(solved.json().nextStep).toMatch(/Verification call: Alex Chief/);
    const detail = (await executive.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).json();
    expect(detail).toMatchObject({ stage: "awaiting_verification", verification: { status: "pending", round: 1 } });
    const dueInDays = (new Date(detail.verification.dueAt).getTime() - Date.now()) / 86_400_000;
    expect(dueInDays).toBeGreaterThan(1.9);
    expect(dueInDays).toBeLessThan(4.1);
    const [promise] = await promisesOf(c.caseId);
    expect(promise).toMatchObject({
      owner: { id: executive.user.id },
      kind: "other",
      state: "open",
      dueAt: detail.verification.dueAt,
    });
  });

  it("the owner's own phone call to the customer does not settle the executive's verification promise", async () => {
    const c = await solvedExecutiveCase();
    await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.caseId}/messages`,
      payload: { kind: "phone", body: "Called to check the delivery.", phone: { direction: "outbound" } },
    });
    await t.app.ctx.events.drain();
    expect((await promisesOf(c.caseId)).map((p: { state: string }) => p.state)).toEqual(["open"]);
  });

  it("a reopen before the call cancels its promise; the next solve makes a new one", async () => {
    const c = await solvedExecutiveCase();
    expect((await patchCase(c.caseId, { status: "open" }, agent)).statusCode).toBe(200);
    const [pending] = await promisesOf(c.caseId);
    await cancelVerificationPromiseJob(t.app.ctx).handler({ commitmentId: pending.id });
    await report(c.caseId, agent);
    expect((await patchCase(c.caseId, { status: "solved" }, agent)).statusCode).toBe(200);
    expect((await promisesOf(c.caseId)).map((p: { state: string }) => p.state)).toEqual(["cancelled", "open"]);
  });

  it("an executive complaint needs both the report and the root cause: one extension point, two rules", async () => {
    const c = await writeToExecutive(executive, { type: "complaint" });
    await delegate(c.caseId, agent);
    await report(c.caseId, agent);
    const noRootCause = await patchCase(c.caseId, { status: "solved" }, agent);
    expect(noRootCause.statusCode).toBe(422);
    expect(noRootCause.json().error.field).toBe("rootCause");
    const category = await admin.call({
      method: "POST",
      url: "/api/v1/root-cause-categories",
      payload: { name: uniq("Late delivery") },
    });
    const recorded = await agent.call({
      method: "PUT",
      url: `/api/v1/cases/${c.caseId}/root-cause`,
      payload: { origin: "customer", categoryId: category.json().id, description: "Wrong address given" },
    });
    expect(recorded.statusCode).toBe(200);
    expect((await patchCase(c.caseId, { status: "solved" }, agent)).statusCode).toBe(200);
  });

  it("an ordinary case still solves and closes as before", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const solved = await patchCase(c.id, { status: "solved" }, agent);
    expect(solved.json().nextStep).toMatch(/closes automatically/i);
    expect((await patchCase(c.id, { status: "closed" }, agent)).statusCode).toBe(200);
  });
});

describe("the verification call", () => {
  it("closes only after verification: not by hand, not by the auto-close job", async () => {
    /* The job skips cases another transaction holds (SKIP LOCKED), so it runs until the ordinary case is closed. */
    const c = await solvedExecutiveCase();
    const byHand = await patchCase(c.caseId, { status: "closed" }, admin);
    expect(byHand.statusCode).toBe(422);
    expect(byHand.json().error).toMatchObject({ code: "INVALID_TRANSITION", field: "status" });
    const past = new Date(Date.now() - 3_600_000).toISOString();
    await patchCase(c.caseId, { nextStepDueAt: past }, agent);
    const ordinary = await makeCase(t.app, agent.user.id);
    expect((await patchCase(ordinary.id, { status: "solved", nextStepDueAt: past }, agent)).statusCode).toBe(200);
    await t.app.ctx.events.drain();
    for (let run = 0; run < 10 && (await caseRow(ordinary.id))?.status !== "closed"; run++) {
      await closeSolvedCases(t.app.ctx, SYSTEM);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await caseRow(ordinary.id))?.status).toBe("closed");
    expect((await caseRow(c.caseId))?.status).toBe("solved");
  });

  it("not satisfied reopens the case to its owner, who must file a new report before solving again", async () => {
    const c = await solvedExecutiveCase();
    expect((await call(c.caseId, "satisfied", "", agent)).statusCode).toBe(403);
    const res = await call(c.caseId, "not_satisfied", "Still no delivery date; she is angry.");
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: "open",
      owner: { id: agent.user.id },
      stage: "awaiting_report",
      report: { current: false },
      verification: { status: "not_satisfied" },
    });
    const again = await patchCase(c.caseId, { status: "solved" }, agent);
    expect(again.statusCode).toBe(422);
    expect(again.json().error.field).toBe("report");
    await report(c.caseId, agent);
    expect((await patchCase(c.caseId, { status: "solved" }, agent)).statusCode).toBe(200);
    const round2 = await call(c.caseId, "satisfied", "Delivery arrived, she thanked us.");
    const promises = await promisesOf(c.caseId);
    expect(promises.map((p: { state: string }) => p.state)).toEqual(["kept", "kept"]);
    expect(round2.json()).toMatchObject({
      status: "closed",
      stage: "closed",
      verification: { status: "satisfied", round: 2 },
    });
    expect(round2.json().verification.calls).toHaveLength(2);
  });

  it("unreachable is accepted only on the K-th attempt, and then closes the case", async () => {
    const c = await solvedExecutiveCase();
    expect((await call(c.caseId, "no_answer", "Voicemail.")).json()).toMatchObject({
      status: "solved",
      verification: { status: "pending", attemptsThisRound: 1, attemptsBeforeUnreachable: ATTEMPTS },
    });
    const tooEarly = await call(c.caseId, "unreachable");
    expect(tooEarly.statusCode).toBe(422);
    expect(tooEarly.json().error.field).toBe("outcome");
    await call(c.caseId, "no_answer", "Voicemail again.");
    const last = await call(c.caseId, "unreachable", "Third try, no answer; letter sent.");
    expect(last.json()).toMatchObject({ status: "closed", verification: { status: "unreachable" } });
    expect((await call(c.caseId, "satisfied")).statusCode).toBe(422);
  });

  it("the executive's call notes are theirs and admins' only", async () => {
    const c = await solvedExecutiveCase();
    await call(c.caseId, "no_answer", "Private: her husband answered, call after six.");
    const notesSeenBy = async (u: TestUser) =>
      (await u.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).json().verification.calls[0].notes;
    expect(await notesSeenBy(executive)).toMatch(/after six/);
    expect(await notesSeenBy(admin)).toMatch(/after six/);
    expect(await notesSeenBy(agent)).toBeNull();
    expect(await notesSeenBy(supervisor)).toBeNull();
    expect(await notesSeenBy(otherExecutive)).toBeNull();
    const thread = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.caseId}/messages` })).json().items;
    expect(thread.some((m: { bodyText: string }) => m.bodyText.includes("after six"))).toBe(false);
  });
});

describe("no path can hide or divert an executive case", () => {
  it("a team change is harmless; the owner changes only by the executive's delegation, then by the executive or owner", async () => {
    const c = await writeToExecutive();
    const ops = await makeDepartment(t.app, "operations");
    const far = await makeUser(t.app, { role: "employee", departmentId: ops.id });
    const team = await makeTeam(t.app, { leadId: far.user.id, memberIds: [far.user.id], departmentId: ops.id });
    const moved = await patchCase(c.caseId, { teamId: team.id }, supervisor);
    expect(moved.statusCode).toBe(200);
    expect(moved.json().owner.id).toBe(executive.user.id);
    const taken = await patchCase(c.caseId, { ownerId: far.user.id }, supervisor);
    expect([taken.statusCode, taken.json().error.field]).toEqual([422, "ownerId"]);
    const byExecutiveWithoutNote = await patchCase(c.caseId, { ownerId: far.user.id }, executive);
    expect([byExecutiveWithoutNote.statusCode, byExecutiveWithoutNote.json().error.field]).toEqual([422, "ownerId"]);
    expect((await delegate(c.caseId, agent)).statusCode).toBe(200);
    const diverted = await patchCase(c.caseId, { ownerId: far.user.id }, supervisor);
    expect([diverted.statusCode, diverted.json().error.field]).toEqual([403, "ownerId"]);
    const handedOn = await patchCase(c.caseId, { ownerId: far.user.id }, agent);
    expect(handedOn.statusCode).toBe(200);
    const back = await patchCase(c.caseId, { ownerId: agent.user.id }, executive);
    expect(back.statusCode).toBe(200);
    expect(await queueIds()).toContain(c.caseId);
    expect(await followersOf(c.caseId)).toContain(executive.user.id);
    expect(await sees(executive, c.caseId)).toBe(true);
  });

  it("a named rule (SLA escalation's path) may move the team but not the owner; the line stays in place", async () => {
    const c = await writeToExecutive();
    const lead = await makeUser(t.app, { role: "supervisor" });
    const team = await makeTeam(t.app, { leadId: lead.user.id, memberIds: [lead.user.id] });
    await t.app.ctx.db.execute(
      sql`DELETE FROM case_followers WHERE case_id = ${c.caseId} AND user_id = ${executive.user.id}`,
    );
    const escalate = async (input: Record<string, unknown>) =>
      await inTransaction(t.app.ctx, async (tx) => {
        const version = (await caseRow(c.caseId))?.version ?? 0;
        await updateCaseInTransaction(t.app.ctx, tx, SYSTEM, c.caseId, version, input);
      }).then(
        () => null,
        (err: { code: string; field: string }) => [err.code, err.field],
      );
    expect(await escalate({ teamId: team.id, ownerId: lead.user.id })).toEqual(["INVARIANT_VIOLATED", "ownerId"]);
    await delegate(c.caseId, agent);
    expect(await escalate({ teamId: team.id, ownerId: lead.user.id })).toEqual(["FORBIDDEN", "ownerId"]);
    expect(await escalate({ teamId: team.id, priority: "urgent" })).toBeNull();
    expect(await queueIds()).toContain(c.caseId);
    expect(await followersOf(c.caseId)).toContain(executive.user.id);
    expect(await sees(executive, c.caseId)).toBe(true);
  });

  it("a customer's reply that reopens a solved case (email's path) asks for a new report before the next solve", async () => {
    const c = await solvedExecutiveCase();
    await inTransaction(t.app.ctx, async (tx) => {
      expect(await reopenOnCustomerReply(tx, SYSTEM, c.caseId)).toBe(true);
    });
    await t.app.ctx.events.drain();
    const detail = (await executive.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).json();
    expect(detail).toMatchObject({ status: "open", stage: "awaiting_report", report: { current: false } });
    expect((await patchCase(c.caseId, { status: "solved" }, agent)).json().error.field).toBe("report");
    expect((await patchCase(c.caseId, { status: "closed" }, admin)).statusCode).toBe(422);
  });

  it("the executive cannot be removed as a follower before the case is closed (422 naming userId), by anyone", async () => {
    const c = await writeToExecutive();
    for (const who of [admin, supervisor, executive]) {
      const res = await who.call({ method: "DELETE", url: `/api/v1/cases/${c.caseId}/followers/${executive.user.id}` });
      expect(res.statusCode).toBe(422);
      expect(res.json().error.field).toBe("userId");
    }
    expect(await followersOf(c.caseId)).toContain(executive.user.id);
  });

  it("a follower row lost outside the service is restored on the case's next write", async () => {
    const c = await writeToExecutive();
    await t.app.ctx.db.execute(
      sql`DELETE FROM case_followers WHERE case_id = ${c.caseId} AND user_id = ${executive.user.id}`,
    );
    expect((await patchCase(c.caseId, { priority: "urgent" })).statusCode).toBe(200);
    expect(await followersOf(c.caseId)).toContain(executive.user.id);
  });

  it("merging an executive case into an ordinary one, or another executive's, is refused; the other way keeps the line", async () => {
    const c = await writeToExecutive();
    const ordinary = await makeCase(t.app, agent.user.id);
    const away = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.caseId}/merge`,
      payload: { targetCaseId: ordinary.id },
    });
    expect(away.statusCode).toBe(422);
    expect(away.json().error.field).toBe("targetCaseId");
    const othersCase = await writeToExecutive(otherExecutive);
    const sideways = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.caseId}/merge`,
      payload: { targetCaseId: othersCase.caseId },
    });
    expect(sideways.statusCode).toBe(422);
    const inward = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${ordinary.id}/merge`,
      payload: { targetCaseId: c.caseId },
    });
    expect(inward.statusCode).toBe(200);
    expect(await queueIds()).toContain(c.caseId);
    expect(await followersOf(c.caseId)).toContain(executive.user.id);
    const sameExecutive = await writeToExecutive();
    const together = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${sameExecutive.caseId}/merge`,
      payload: { targetCaseId: c.caseId },
    });
    expect(together.statusCode).toBe(200);
    expect(await queueIds()).toContain(c.caseId);
    expect(await queueIds(executive, "closed")).toContain(sameExecutive.caseId);
  });

  it("deactivating the owner hands the case on; the executive line stays", async () => {
    const c = await writeToExecutive();
    const leaver = await makeUser(t.app, { role: "agent" });
    await delegate(c.caseId, leaver);
    const res = await admin.call({
      method: "POST",
      url: `/api/v1/users/${leaver.user.id}/deactivate`,
      payload: { reassignToId: agent.user.id },
    });
    expect(res.statusCode).toBe(200);
    const detail = (await executive.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).json();
    expect(detail).toMatchObject({ owner: { id: agent.user.id }, executive: { id: executive.user.id } });
    expect(await queueIds()).toContain(c.caseId);
  });

  it("a role change does not hide it: a demoted executive still sees their queue and the case", async () => {
    const exec = await makeUser(t.app, { role: "executive" });
    const c = await writeToExecutive(exec);
    await delegate(c.caseId, agent, exec);
    expect(
      (await admin.call({ method: "PATCH", url: `/api/v1/users/${exec.user.id}`, payload: { role: "employee" } }))
        .statusCode,
    ).toBe(200);
    expect(await queueIds(exec)).toContain(c.caseId);
    expect(await sees(exec, c.caseId)).toBe(true);
    expect((await exec.call({ method: "GET", url: `/api/v1/executive/cases/${c.caseId}` })).statusCode).toBe(200);
  });

  it("a saved view cannot take it out of the executive's queue", async () => {
    const c = await writeToExecutive();
    const view = await executive.call({
      method: "POST",
      url: "/api/v1/views",
      payload: { name: "Only urgent", filters: { priority: ["urgent"] } },
    });
    expect(view.statusCode).toBe(201);
    expect(await queueIds()).toContain(c.caseId);
  });

  it("only admins read another executive's queue or dashboard", async () => {
    const mine = await agent.call({ method: "GET", url: "/api/v1/executive/queue" });
    expect(mine.json().items).toEqual([]);
    const theirs = await agent.call({ method: "GET", url: `/api/v1/executive/queue?executiveId=${executive.user.id}` });
    expect(theirs.statusCode).toBe(403);
    const byAdmin = await admin.call({
      method: "GET",
      url: `/api/v1/executive/dashboard?executiveId=${executive.user.id}`,
    });
    expect(byAdmin.statusCode).toBe(200);
  });
});

describe("a hostile team lead, supervisor or admin tries every write the API allows", () => {
  /** Each write answers a 4xx naming its field, or leaves the line as it was (checked after each harmless one). */
  const refused = async (res: Awaited<ReturnType<TestUser["call"]>>, status: number, field?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    if (field) expect(res.json().error.field).toBe(field);
  };
  const lineIntact = async (caseId: string, owner: TestUser, stage: string) => {
    const detail = (await executive.call({ method: "GET", url: `/api/v1/executive/cases/${caseId}` })).json();
    expect(detail).toMatchObject({ owner: { id: owner.user.id }, executive: { id: executive.user.id }, stage });
    expect(await queueIds()).toContain(caseId);
    expect(await followersOf(caseId)).toContain(executive.user.id);
  };

  for (const who of ["team lead", "supervisor", "admin"] as const) {
    it(`the ${who}`, async () => {
      const lead = await makeUser(t.app, { role: "agent", name: uniq("Lead") });
      const team = await makeTeam(t.app, { leadId: lead.user.id, memberIds: [lead.user.id, agent.user.id] });
      const hostile = who === "team lead" ? lead : who === "supervisor" ? supervisor : admin;
      const c = await writeToExecutive(executive, { teamId: team.id });
      const id = c.caseId;
      const other = await makeTeam(t.app, { leadId: hostile.user.id });

      await refused(
        await hostile.call({ method: "DELETE", url: `/api/v1/cases/${id}/followers/${executive.user.id}` }),
        422,
        "userId",
      );
      await refused(await patchCase(id, { ownerId: hostile.user.id }, hostile), 422, "ownerId");
      await refused(await patchCase(id, { ownerId: hostile.user.id, teamId: other.id }, hostile), 422, "ownerId");
      await refused(await patchCase(id, { status: "closed" }, hostile), 422, "status");
      await refused(await patchCase(id, { status: "solved" }, hostile), 422, "report");
      const ordinary = await makeCase(t.app, hostile.user.id);
      await refused(
        await hostile.call({
          method: "POST",
          url: `/api/v1/cases/${id}/merge`,
          payload: { targetCaseId: ordinary.id },
        }),
        422,
        "targetCaseId",
      );
      await refused(await delegate(id, hostile, hostile), 403);
      await refused(await report(id, hostile), 403);
      for (const harmless of [{ teamId: other.id }, { status: "on_hold" }, { priority: "low" }, { tags: ["ignore"] }]) {
        await refused(await patchCase(id, harmless, hostile), 200);
        await lineIntact(id, executive, "awaiting_delegation");
      }

      expect((await delegate(id, agent)).statusCode).toBe(200);
      await refused(await patchCase(id, { ownerId: hostile.user.id }, hostile), 403, "ownerId");
      await refused(await report(id, hostile), 403);
      expect((await report(id, agent)).statusCode).toBe(200);
      expect((await patchCase(id, { status: "solved" }, agent)).statusCode).toBe(200);
      await refused(await patchCase(id, { status: "closed" }, hostile), 422, "status");
      await refused(await call(id, "satisfied", "I called her myself.", hostile), 403);
      const [promise] = await promisesOf(id);
      const cancelled = await hostile.call({
        method: "POST",
        url: `/api/v1/commitments/${promise.id}/cancel`,
        payload: { note: "Not needed" },
      });
      // Promises are settled by their owner, the case owner or a supervisor: cancelling it changes nothing below.
      expect(cancelled.statusCode).toBe(who === "team lead" ? 403 : 200);
      const past = new Date(Date.now() - 3_600_000).toISOString();
      await refused(await patchCase(id, { nextStepDueAt: past }, hostile), 200);
      await closeSolvedCases(t.app.ctx, SYSTEM);
      // Even with the promise cancelled and the step overdue, only the executive's call closes it.
      await lineIntact(id, agent, "awaiting_verification");
      expect((await caseRow(id))?.status).toBe("solved");
      expect((await call(id, "satisfied", "She is happy.")).json().status).toBe("closed");
    });
  }
});

describe("the executive dashboard", () => {
  it("counts every stage, the calls' outcomes and the time to verified satisfaction", async () => {
    const exec = await makeUser(t.app, { role: "executive" });
    const execActor = await actorOf(exec);
    expect(execActor.role).toBe("executive");
    const waiting = await writeToExecutive(exec);
    const delegated = await writeToExecutive(exec);
    await delegate(delegated.caseId, agent, exec);
    const toCall = await writeToExecutive(exec);
    await delegate(toCall.caseId, agent, exec);
    await report(toCall.caseId, agent);
    await patchCase(toCall.caseId, { status: "solved" }, agent);
    const verified = await writeToExecutive(exec);
    await delegate(verified.caseId, agent, exec);
    await report(verified.caseId, agent);
    await patchCase(verified.caseId, { status: "solved" }, agent);
    await call(verified.caseId, "no_answer", "", exec);
    await call(verified.caseId, "satisfied", "", exec);
    const board = (await exec.call({ method: "GET", url: "/api/v1/executive/dashboard" })).json();
    expect(board.counts).toMatchObject({
      open: 3,
      unopened: 1,
      awaitingDelegation: 1,
      awaitingReport: 1,
      awaitingMyCall: 1,
      overdueCalls: 0,
    });
    expect(board.outcomes).toEqual({ satisfied: 1, notSatisfied: 0, unreachable: 0, noAnswerCalls: 1 });
    expect(board.complaintToVerifiedSatisfaction.cases).toBe(1);
    expect(board.complaintToVerifiedSatisfaction.medianHours).toBeGreaterThanOrEqual(0);
    expect(board.open.map((o: { caseId: string }) => o.caseId).sort()).toEqual(
      [waiting.caseId, delegated.caseId, toCall.caseId].sort(),
    );
    expect(board.openAge.oldestHours).toBeGreaterThanOrEqual(0);
  });
});

describe("no cracks on the executive line", () => {
  it("every open case the executive line touched has an active owner and a next step with a due time", async () => {
    const res = await t.app.ctx.db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM executive_cases e JOIN cases c ON c.id = e.case_id
      LEFT JOIN users u ON u.id = c.owner_id
      WHERE c.status <> 'closed'
        AND (c.owner_id IS NULL OR u.active IS NOT TRUE OR c.next_step IS NULL OR c.next_step_due_at IS NULL)`);
    expect(res.rows[0]?.n).toBe(0);
  });
});
