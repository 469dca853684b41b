import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csatSurveys, npsSurveys } from "../../src/server/db/schema/index";
import { updateCase } from "../../src/server/domains/cases/cases.service";
import { deliverOutbound, dueOutbound } from "../../src/server/domains/email/outbound.service";
import { createOrganization } from "../../src/server/domains/organizations/organizations.service";
import { sendCsatSurvey, sendDueNpsSurveys } from "../../src/server/domains/surveys/surveys.service";
import { SYSTEM } from "../../src/server/platform/actor";
import type { TCase } from "../../src/shared/contracts/cases";
import { startIsolatedTestApp, type TestApp } from "../app";
import { makeCase, makeUser, type TestUser, uniq } from "../factories";
import { outboundMailTo, type SmtpSink, startSmtpSink } from "../mail";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let sink: SmtpSink;
const withMail = () => {
  return {
    ...outboundMailTo(sink.port, "surveys@desk.example"),
  };
};

const deliverAll = async (t: TestApp) => {
  await t.app.ctx.events.drain();
  for (const id of await dueOutbound(t.app.ctx, 200)) await deliverOutbound(t.app.ctx, id);
};

const mailTo = (to: string) => sink.received.filter((m) => m.envelope.to.includes(to));

const solve = async (t: TestApp, c: TCase): Promise<TCase> => {
  const solved = await updateCase(t.app.ctx, SYSTEM, c.id, c.version, { status: "solved" });
  await t.app.ctx.events.drain();
  return solved;
};

const surveyOf = async (t: TestApp, caseId: string) =>
  (await t.app.ctx.db.select().from(csatSurveys).where(eq(csatSurveys.caseId, caseId)))[0];

const linkIn = (text: string, kind: "csat" | "nps"): string => {
  const m = new RegExp(`/surveys/${kind}/([A-Za-z0-9_.-]+)`).exec(text);
  if (!m?.[1]) throw new Error(`no ${kind} link in ${text}`);
  return m[1];
};

const form = (fields: Record<string, string>) => ({
  headers: { "content-type": "application/x-www-form-urlencoded" },
  payload: new URLSearchParams(fields).toString(),
});

beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
});

describe("CSAT and the recovery case", () => {
  let t: TestApp;
  let agent: TestUser;
  let accountOwner: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    t = await startIsolatedTestApp(withMail());
    agent = await makeUser(t.app, { role: "agent" });
    accountOwner = await makeUser(t.app, { role: "agent", name: "Olivia Owner" });
    supervisor = await makeUser(t.app, { role: "supervisor" });
  });
  afterAll(async () => await t.close());

  /** A solved case of a new customer, its survey mailed and delivered; returns the token of its link. */
  const surveyed = async (opts: { organizationId?: string; email?: string } = {}) => {
    const email = opts.email ?? `${uniq("cust")}@customer.test`;
    const c = await makeCase(t.app, agent.user.id, {
      requester: { email, name: "Carla Customer" },
      ...(opts.organizationId ? { organizationId: opts.organizationId } : {}),
    });
    const solved = await solve(t, c);
    const survey = await surveyOf(t, c.id);
    if (!survey) throw new Error("no survey scheduled");
    expect(await sendCsatSurvey(t.app.ctx, survey.id, new Date(Date.now() + 25 * HOUR))).toBe(true);
    await deliverAll(t);
    const mail = mailTo(email).at(-1);
    return { c: solved, email, token: linkIn(mail?.parsed.text ?? "", "csat") };
  };

  it("mails the survey once, after the configured delay, whatever happens to the case", async () => {
    const email = `${uniq("cust")}@customer.test`;
    const c = await makeCase(t.app, agent.user.id, { requester: { email, name: "Dana" } });
    const solved = await solve(t, c);
    const survey = await surveyOf(t, c.id);
    expect(survey).toMatchObject({ status: "scheduled", ownerId: agent.user.id });
    const solvedAt = solved.solvedAt?.getTime() ?? 0;
    expect(Math.abs((survey?.sendAt.getTime() ?? 0) - solvedAt - 24 * HOUR)).toBeLessThan(5_000);
    await t.app.ctx.events.drain();
    expect((await t.app.ctx.db.select().from(csatSurveys).where(eq(csatSurveys.caseId, c.id))).length).toBe(1);

    const id = survey?.id ?? "";
    expect(await sendCsatSurvey(t.app.ctx, id, new Date(solvedAt + 23 * HOUR))).toBe(false);
    expect(await sendCsatSurvey(t.app.ctx, id, new Date(solvedAt + 25 * HOUR))).toBe(true);
    expect(await sendCsatSurvey(t.app.ctx, id, new Date(solvedAt + 26 * HOUR))).toBe(false);
    await deliverAll(t);
    expect(mailTo(email)).toHaveLength(1);
    expect(mailTo(email)[0]?.parsed.subject).toMatch(/How did we do\? Case #\d+/);

    const reopened = await updateCase(t.app.ctx, SYSTEM, c.id, solved.version, { status: "open" });
    await solve(t, reopened);
    await deliverAll(t);
    expect(mailTo(email)).toHaveLength(1);
    const res = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/csat` });
    expect(res.json().survey).toMatchObject({ status: "sent", rating: null });
  });

  it("waits while a solved case is reopened, and a new solve moves the send time", async () => {
    const c = await makeCase(t.app, agent.user.id);
    const solved = await solve(t, c);
    const first = await surveyOf(t, c.id);
    const reopened = await updateCase(t.app.ctx, SYSTEM, c.id, solved.version, { status: "open" });
    await t.app.ctx.events.drain();
    expect(await sendCsatSurvey(t.app.ctx, first?.id ?? "", new Date(Date.now() + 25 * HOUR))).toBe(false);
    await solve(t, reopened);
    const second = await surveyOf(t, c.id);
    expect(second?.id).toBe(first?.id);
    expect(second?.sendAt.getTime()).toBeGreaterThanOrEqual(first?.sendAt.getTime() ?? 0);
  });

  it("counts only the submitted form: a scanner opening the link records nothing", async () => {
    const { c, token } = await surveyed();
    const scan = await t.app.inject({ method: "GET", url: `/surveys/csat/${token}?rating=bad` });
    expect(scan.statusCode).toBe(200);
    expect(scan.headers["content-type"]).toMatch(/text\/html/);
    expect(scan.body).toContain('value="bad" required checked');
    expect(scan.body).toContain('method="post"');
    expect(scan.body).toContain(`#${c.number}`);
    await t.app.inject({ method: "HEAD", url: `/surveys/csat/${token}?rating=bad` });
    const before = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/csat` });
    expect(before.json().survey).toMatchObject({ status: "sent", rating: null });

    const submit = await t.app.inject({
      method: "POST",
      url: `/surveys/csat/${token}`,
      ...form({ rating: "good", comment: "Quick and kind" }),
    });
    expect(submit.statusCode).toBe(200);
    expect(submit.body).toContain("Your answer has been recorded");
    const after = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/csat` });
    expect(after.json().survey).toMatchObject({ status: "answered", rating: "good", comment: "Quick and kind" });
  });

  it("keeps one response per case", async () => {
    const { c, token } = await surveyed();
    const first = await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/csat/answers",
      payload: { token, rating: "good" },
    });
    expect(first.json()).toEqual({ status: "recorded" });
    const again = await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/csat/answers",
      payload: { token, rating: "bad", comment: "changed my mind" },
    });
    expect(again.json()).toEqual({ status: "already_answered" });
    const page = await t.app.inject({ method: "POST", url: `/surveys/csat/${token}`, ...form({ rating: "bad" }) });
    expect(page.body).toContain("We already have your answer");
    const res = await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/csat` });
    expect(res.json().survey).toMatchObject({ rating: "good", comment: "" });
  });

  it("refuses tokens it did not sign, saying no more than 'not found'", async () => {
    const { token } = await surveyed();
    const altered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    const page = await t.app.inject({ method: "GET", url: `/surveys/csat/${altered}` });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain("Survey not found");
    const api = await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/csat/answers",
      payload: { token: altered, rating: "bad" },
    });
    expect(api.statusCode).toBe(404);
    expect(api.json().error).toEqual({ code: "NOT_FOUND", message: "Survey not found" });
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/csat/answers",
      payload: { token, rating: "meh" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe("rating");
  });

  it("a bad rating opens a recovery case owned by the account owner, due within one business day", async () => {
    const org = await createOrganization(t.app.ctx, SYSTEM, {
      name: uniq("Acme"),
      domains: [],
      accountOwnerId: accountOwner.user.id,
      notes: "",
    });
    const { c, token } = await surveyed({ organizationId: org.id });
    const before = Date.now();
    await t.app.inject({ method: "POST", url: `/surveys/csat/${token}`, ...form({ rating: "bad", comment: "Slow" }) });
    await t.app.ctx.events.drain();
    const csat = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}/csat` })).json();
    expect(csat.survey.recoveryCase).not.toBeNull();
    const recovery = (
      await supervisor.call({ method: "GET", url: `/api/v1/cases/${csat.survey.recoveryCase.id}` })
    ).json();
    expect(recovery).toMatchObject({
      status: "open",
      type: "task",
      tags: ["service-recovery"],
      nextStep: expect.stringMatching(/bad rating/),
    });
    expect(recovery.owner?.id ?? recovery.ownerId).toBe(accountOwner.user.id);
    const due = new Date(recovery.nextStepDueAt).getTime();
    expect(due).toBeGreaterThan(before + 23 * HOUR);
    expect(due).toBeLessThanOrEqual(before + 3 * DAY + 60_000);
  });

  it("without an account owner the case owner gets it; a second bad rating reopens the same recovery case", async () => {
    const email = `${uniq("cust")}@customer.test`;
    const first = await surveyed({ email });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/csat/answers",
      payload: { token: first.token, rating: "bad" },
    });
    await t.app.ctx.events.drain();
    const recoveryId = (await agent.call({ method: "GET", url: `/api/v1/cases/${first.c.id}/csat` })).json().survey
      .recoveryCase.id;
    const recovery = (await agent.call({ method: "GET", url: `/api/v1/cases/${recoveryId}` })).json();
    expect(recovery.owner?.id ?? recovery.ownerId).toBe(agent.user.id);
    await updateCase(t.app.ctx, SYSTEM, recoveryId, recovery.version, { status: "solved" });
    await t.app.ctx.events.drain();

    const second = await surveyed({ email });
    await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/csat/answers",
      payload: { token: second.token, rating: "bad" },
    });
    await t.app.ctx.events.drain();
    const again = (await agent.call({ method: "GET", url: `/api/v1/cases/${second.c.id}/csat` })).json().survey;
    expect(again.recoveryCase.id).toBe(recoveryId);
    const reopened = (await agent.call({ method: "GET", url: `/api/v1/cases/${recoveryId}` })).json();
    expect(reopened.status).toBe("open");
  });

  it("reports CSAT per person, team and department to those who run the service", async () => {
    const { token } = await surveyed();
    await t.app.inject({ method: "POST", url: "/api/v1/surveys/csat/answers", payload: { token, rating: "good" } });
    const res = await supervisor.call({ method: "GET", url: "/api/v1/reports/csat?groupBy=person" });
    expect(res.statusCode).toBe(200);
    const row = res.json().rows.find((r: { id: string }) => r.id === agent.user.id);
    expect(row.sent).toBeGreaterThan(0);
    expect(row.good).toBeGreaterThan(0);
    for (const groupBy of ["team", "department"]) {
      expect(
        (await supervisor.call({ method: "GET", url: `/api/v1/reports/csat?groupBy=${groupBy}` })).statusCode,
      ).toBe(200);
    }
    expect((await agent.call({ method: "GET", url: "/api/v1/reports/csat" })).statusCode).toBe(403);
    const wrong = await supervisor.call({ method: "GET", url: "/api/v1/reports/csat?groupBy=planet" });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe("groupBy");
  });
});

describe("NPS cadence, detractor follow-up and the recovery report", () => {
  let t: TestApp;
  let admin: TestUser;
  let agent: TestUser;

  beforeAll(async () => {
    t = await startIsolatedTestApp(withMail());
    admin = await makeUser(t.app, { role: "admin" });
    agent = await makeUser(t.app, { role: "agent" });
  });
  afterAll(async () => await t.close());

  const npsOf = async (contactEmail: string) => {
    const mails = mailTo(contactEmail).filter((m) => /recommend/.test(m.parsed.subject ?? ""));
    return mails.map((m) => linkIn(m.parsed.text ?? "", "nps"));
  };

  it("surveys each helped contact once per cadence, and a detractor gets a recovery case", async () => {
    const off = await sendDueNpsSurveys(t.app.ctx);
    expect(off).toBe(0);
    const settings = await admin.call({
      method: "PATCH",
      url: "/api/v1/survey-settings",
      payload: { npsEnabled: true, npsCadenceDays: 30 },
    });
    expect(settings.json()).toMatchObject({ npsEnabled: true, npsCadenceDays: 30, csatDelayHours: 24 });
    const invalid = await admin.call({
      method: "PATCH",
      url: "/api/v1/survey-settings",
      payload: { npsCadenceDays: 1 },
    });
    expect(invalid.json().error.field).toBe("npsCadenceDays");
    expect(
      (await agent.call({ method: "PATCH", url: "/api/v1/survey-settings", payload: { npsEnabled: false } }))
        .statusCode,
    ).toBe(403);

    const email = `${uniq("nps")}@customer.test`;
    const neverHelped = `${uniq("nps")}@customer.test`;
    const c = await makeCase(t.app, agent.user.id, { requester: { email, name: "Nina" } });
    await makeCase(t.app, agent.user.id, { requester: { email: neverHelped, name: "Ned" } });
    await solve(t, c);

    const now = Date.now();
    expect(await sendDueNpsSurveys(t.app.ctx, new Date(now))).toBe(1);
    expect(await sendDueNpsSurveys(t.app.ctx, new Date(now + 10 * DAY))).toBe(0);
    await deliverAll(t);
    const [firstToken] = await npsOf(email);
    expect(await npsOf(neverHelped)).toHaveLength(0);

    const page = await t.app.inject({ method: "GET", url: `/surveys/nps/${firstToken}?score=3` });
    expect(page.body).toContain('value="3" required checked');
    const answer = await t.app.inject({
      method: "POST",
      url: `/surveys/nps/${firstToken}`,
      ...form({ score: "3", comment: "Too many handovers" }),
    });
    expect(answer.statusCode).toBe(200);
    await t.app.ctx.events.drain();
    const [row] = await t.app.ctx.db.select().from(npsSurveys).where(eq(npsSurveys.score, 3));
    expect(row?.recoveryCaseId).toBeTruthy();
    const recovery = (await admin.call({ method: "GET", url: `/api/v1/cases/${row?.recoveryCaseId}` })).json();
    expect(recovery.owner?.id ?? recovery.ownerId).toBe(agent.user.id);
    expect(recovery.nextStep).toMatch(/NPS/);

    expect(await sendDueNpsSurveys(t.app.ctx, new Date(now + 31 * DAY))).toBe(1);
    await deliverAll(t);
    const tokens = await npsOf(email);
    expect(tokens).toHaveLength(2);
    await t.app.inject({
      method: "POST",
      url: "/api/v1/surveys/nps/answers",
      payload: { token: tokens[1], score: 10 },
    });
    const report = await admin.call({ method: "GET", url: "/api/v1/reports/nps" });
    expect(report.json()).toMatchObject({ sent: 2, summary: { responses: 2, promoters: 1, detractors: 1, nps: 0 } });
  });

  it("records a service failure and its recovery, and compares customers after a failure with the rest", async () => {
    const failedEmail = `${uniq("f")}@customer.test`;
    const fine = `${uniq("ok")}@customer.test`;
    const failed = await makeCase(t.app, agent.user.id, { requester: { email: failedEmail, name: "Fay" } });
    const mark = await agent.call({
      method: "PUT",
      url: `/api/v1/cases/${failed.id}/service-failure`,
      payload: { whatWentWrong: "Shipped the wrong part", occurredAt: new Date(Date.now() - HOUR).toISOString() },
    });
    expect(mark.statusCode).toBe(200);
    expect(mark.json()).toMatchObject({
      whatWentWrong: "Shipped the wrong part",
      apology: null,
      markedBy: { id: agent.user.id },
    });
    const remedy = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${failed.id}/remedies`,
      payload: { kind: "credit", amountMinor: 1500, currency: "EUR", description: "Credit for the trouble" },
    });
    expect(remedy.statusCode).toBe(201);
    const recovered = await agent.call({
      method: "PUT",
      url: `/api/v1/cases/${failed.id}/service-failure`,
      payload: {
        whatWentWrong: "Shipped the wrong part",
        occurredAt: new Date(Date.now() - HOUR).toISOString(),
        apology: "Called and apologized",
        fix: "Sent the right part by express",
        remedyId: remedy.json().remedy.id,
        followUp: "Checked a week later: working",
      },
    });
    expect(recovered.json()).toMatchObject({
      apology: "Called and apologized",
      apologizedAt: expect.any(String),
      remedy: { amountMinor: 1500, currency: "EUR" },
    });
    const other = await makeCase(t.app, agent.user.id);
    const foreignRemedy = await agent.call({
      method: "PUT",
      url: `/api/v1/cases/${other.id}/service-failure`,
      payload: {
        whatWentWrong: "x",
        occurredAt: new Date().toISOString(),
        remedyId: remedy.json().remedy.id,
      },
    });
    expect(foreignRemedy.json().error.field).toBe("remedyId");
    const missing = await agent.call({
      method: "PUT",
      url: `/api/v1/cases/${other.id}/service-failure`,
      payload: { occurredAt: new Date().toISOString() },
    });
    expect(missing.json().error.field).toBe("whatWentWrong");

    for (const [email, rating] of [
      [failedEmail, "good"],
      [fine, "bad"],
    ] as const) {
      const c =
        email === failedEmail ? failed : await makeCase(t.app, agent.user.id, { requester: { email, name: "X" } });
      const current = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
      await solve(t, { ...c, version: current.version });
      const survey = await surveyOf(t, c.id);
      await sendCsatSurvey(t.app.ctx, survey?.id ?? "", new Date(Date.now() + 25 * HOUR));
      await deliverAll(t);
      const token = linkIn(mailTo(email).at(-1)?.parsed.text ?? "", "csat");
      await t.app.inject({ method: "POST", url: "/api/v1/surveys/csat/answers", payload: { token, rating } });
    }
    await t.app.ctx.events.drain();

    const report = (await admin.call({ method: "GET", url: "/api/v1/reports/recovery" })).json();
    expect(report).toMatchObject({
      failures: 1,
      recovered: { apologized: 1, fixed: 1, remedied: 1, followedUp: 1 },
      afterFailure: { customers: 1, csat: { responses: 1, good: 1, score: 100 } },
      neverFailed: { csat: { responses: 1, good: 0, score: 0 } },
      detractors: 1,
      detractorsWonBack: 1,
    });
    expect((await agent.call({ method: "GET", url: "/api/v1/reports/recovery" })).statusCode).toBe(403);
    const view = (await agent.call({ method: "GET", url: `/api/v1/cases/${failed.id}/service-failure` })).json();
    expect(view.failure.followUp).toBe("Checked a week later: working");
  });
});
