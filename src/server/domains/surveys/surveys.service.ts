import { z } from "zod";
import type {
  CsatRating,
  TCaseCsat,
  TCsatAnswerInput,
  TCsatReport,
  TCsatReportQuery,
  TNpsAnswerInput,
  TNpsReport,
  TNpsReportQuery,
  TSurveyAnswerResult,
  TSurveySettings,
  TUpdateSurveySettingsInput,
} from "../../../shared/contracts/surveys";
import { npsBandOf, zSurveySettings } from "../../../shared/contracts/surveys";
import type { DbOrTx, Tx } from "../../db/connection";
import { type Actor, type AnyActor, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { notFound } from "../../platform/errors";
import { type EventProcessor, recordEvents } from "../../platform/events";
import { escapeHtml } from "../../platform/html";
import { deriveKey, loadInstanceSecret } from "../../platform/instance-secret";
import { ensureAllowed } from "../../platform/policy";
import { visibleCaseView } from "../cases/cases.access";
import { openCaseInTransaction, updateCaseInTransaction } from "../cases/cases.service";
import { enqueueSystemMail, outboundMailConfigured } from "../email/system-mail.service";
import { addBusinessDays } from "../executive/executive.calendar";
import { brandFor } from "../knowledge/public-page";
import { addEventMessage } from "../messages/messages.service";
import { signSurveyToken, verifySurveyToken } from "./survey-token";
import { csatEvent, npsEvent, recoveryCaseEvent } from "./surveys.events";
import { surveyReportsPolicy, surveySettingsPolicy } from "./surveys.policy";
import * as repo from "./surveys.repository";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const BATCH = 100;

/** CSAT on (a day after solving); NPS off until an admin chooses a cadence, so no one is surveyed by surprise. */
export const DEFAULT_SURVEY_SETTINGS: TSurveySettings = {
  csatEnabled: true,
  csatDelayHours: 24,
  npsEnabled: false,
  npsCadenceDays: 90,
};

export const surveySettingsOf = async (db: DbOrTx): Promise<TSurveySettings> => {
  const stored = zSurveySettings.partial().safeParse(await repo.readSettings(db));
  return { ...DEFAULT_SURVEY_SETTINGS, ...(stored.success ? stored.data : {}) };
};

export const getSurveySettings = async (ctx: ServiceContext, actor: Actor): Promise<TSurveySettings> => {
  ensureAllowed(surveySettingsPolicy.can(actor, "read", null), "Not allowed to read survey settings");
  return await surveySettingsOf(ctx.db);
};

export const updateSurveySettings = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TUpdateSurveySettingsInput,
): Promise<TSurveySettings> => {
  ensureAllowed(surveySettingsPolicy.can(actor, "manage", null), "Only admins change survey settings");
  return await inTransaction(ctx, async (tx) => {
    await repo.lockSettings(tx);
    const before = await surveySettingsOf(tx);
    const after = { ...before, ...input };
    await repo.writeSettings(tx, after);
    await recordEvents(tx, actor, [
      {
        type: "survey_settings.updated",
        aggregateType: "survey_settings",
        aggregateId: "surveys",
        payload: { before, after },
      },
    ]);
    return after;
  });
};

const keys = new WeakMap<ServiceContext, Promise<Buffer>>();

/** The key that signs survey links, derived once per process from the instance secret. */
const surveyKey = (ctx: ServiceContext): Promise<Buffer> => {
  let key = keys.get(ctx);
  if (!key) {
    key = loadInstanceSecret(ctx.db, ctx.config.secret).then((s) => deriveKey(s, "surveys/link-token"));
    key.catch(() => keys.delete(ctx));
    keys.set(ctx, key);
  }
  return key;
};

const linkOf = (ctx: ServiceContext, path: string): string => `${ctx.config.publicUrl.replace(/\/$/, "")}${path}`;

export const SEND_CSAT_JOB = { name: "surveys.send-csat", payload: z.object({ surveyId: z.uuid() }) };

/** A case was solved: its survey is scheduled after the configured delay (re-solving moves an unsent one). */
const scheduleCsat = async (ctx: ServiceContext, tx: Tx, caseId: string, solvedAt: Date, eventId: number) => {
  const settings = await surveySettingsOf(tx);
  if (!settings.csatEnabled || !outboundMailConfigured(ctx)) return;
  const facts = await repo.caseFacts(tx, caseId);
  if (!facts) return;
  const sendAt = new Date(solvedAt.getTime() + settings.csatDelayHours * HOUR_MS);
  const existing = await repo.findCsatByCase(tx, caseId);
  let surveyId: string;
  if (!existing) {
    const row = await repo.insertCsat(tx, {
      caseId,
      contactId: facts.requesterId,
      organizationId: facts.organizationId,
      ownerId: facts.ownerId,
      teamId: facts.teamId,
      departmentId: facts.departmentId,
      status: "scheduled",
      sendAt,
    });
    if (!row) return;
    surveyId = row.id;
  } else if (existing.status === "scheduled") {
    await repo.updateCsat(tx, existing.id, {
      sendAt,
      ownerId: facts.ownerId,
      teamId: facts.teamId,
      departmentId: facts.departmentId,
    });
    surveyId = existing.id;
  } else return;
  await ctx.jobs.enqueue(tx, SEND_CSAT_JOB, [
    { payload: { surveyId }, key: `${surveyId}:${eventId}`, startAfter: sendAt },
  ]);
};

const csatMail = (link: (rating: CsatRating) => string, company: string, number: number, subject: string) => ({
  subject: `How did we do? Case #${number}: ${subject}`,
  text: [
    `Your case #${number} "${subject}" was solved. How did we do? One click is enough:`,
    "",
    `Good, I'm satisfied: ${link("good")}`,
    `Bad, I'm not satisfied: ${link("bad")}`,
    "",
    `Thank you, ${company}`,
  ].join("\n"),
  html: `<p>Your case #${number} "${escapeHtml(subject)}" was solved. How did we do? One click is enough:</p>
<p><a href="${escapeHtml(link("good"))}">Good, I'm satisfied</a> &nbsp; <a href="${escapeHtml(link("bad"))}">Bad, I'm not satisfied</a></p>
<p>Thank you, ${escapeHtml(company)}</p>`,
});

/**
 * Mails one scheduled survey when it is due and its case is still solved (or closed): once, whatever the number of
 * jobs or processes. Returns whether it was sent.
 */
export const sendCsatSurvey = async (ctx: ServiceContext, surveyId: string, now = new Date()): Promise<boolean> => {
  const key = await surveyKey(ctx);
  const brand = await brandFor(ctx);
  return await inTransaction(ctx, async (tx) => {
    const survey = await repo.lockCsat(tx, surveyId);
    if (survey?.status !== "scheduled" || survey.sendAt > now) return false;
    const facts = await repo.caseFacts(tx, survey.caseId);
    if (!facts || (facts.status !== "solved" && facts.status !== "closed")) return false;
    const to = await repo.primaryEmail(tx, survey.contactId);
    const token = signSurveyToken(key, { kind: "csat", id: survey.id });
    const mail = csatMail(
      (rating) => linkOf(ctx, `/surveys/csat/${token}?rating=${rating}`),
      brand.companyName,
      facts.number,
      facts.subject,
    );
    const queued = to
      ? await enqueueSystemMail(ctx, tx, { purpose: "csat_survey", to, caseId: survey.caseId, ...mail })
      : null;
    const after = await repo.updateCsat(
      tx,
      survey.id,
      queued ? { status: "sent", sentAt: now } : { status: "cancelled" },
    );
    if (queued) await recordEvents(tx, SYSTEM, [csatEvent("csat_survey.sent", after)]);
    return queued !== null;
  });
};

/** Sends every survey that is due (the timer job's safety net). Returns how many were sent. */
export const sendDueCsatSurveys = async (ctx: ServiceContext, now = new Date()): Promise<number> => {
  let sent = 0;
  for (const id of await repo.dueCsatIds(ctx.db, now, BATCH)) if (await sendCsatSurvey(ctx, id, now)) sent++;
  return sent;
};

const surveyRef = async (ctx: ServiceContext, kind: "csat" | "nps", token: string): Promise<string | null> => {
  const ref = verifySurveyToken(await surveyKey(ctx), token);
  return ref?.kind === kind ? ref.id : null;
};

export interface CsatLink {
  caseNumber: number;
  subject: string;
  answered: boolean;
}

/** What a CSAT link may show: the case's number and subject, and whether it was answered. Null for a bad token. */
export const csatSurveyForLink = async (ctx: ServiceContext, token: string): Promise<CsatLink | null> => {
  const id = await surveyRef(ctx, "csat", token);
  if (!id) return null;
  const survey = await repo.lockCsat(ctx.db, id);
  if (!survey || survey.status === "scheduled" || survey.status === "cancelled") return null;
  const facts = await repo.caseFacts(ctx.db, survey.caseId);
  if (!facts) return null;
  return { caseNumber: facts.number, subject: facts.subject, answered: survey.status === "answered" };
};

/** Records the answer to a CSAT survey: the first answer counts, later ones change nothing. */
export const answerCsat = async (ctx: ServiceContext, input: TCsatAnswerInput): Promise<TSurveyAnswerResult> => {
  const id = await surveyRef(ctx, "csat", input.token);
  if (!id) throw notFound("Survey");
  return await inTransaction(ctx, async (tx) => {
    const survey = await repo.lockCsat(tx, id);
    if (!survey || survey.status === "scheduled" || survey.status === "cancelled") throw notFound("Survey");
    if (survey.status === "answered") return { status: "already_answered" as const };
    const after = await repo.updateCsat(tx, id, {
      status: "answered",
      rating: input.rating,
      comment: input.comment.trim(),
      answeredAt: new Date(),
    });
    const comment = after.comment ? `: "${after.comment}"` : "";
    await addEventMessage(tx, after.caseId, `The customer rated this case ${input.rating}${comment}`);
    await recordEvents(tx, SYSTEM, [csatEvent("csat_survey.answered", after)]);
    return { status: "recorded" as const };
  });
};

const npsMail = (link: (score: number) => string, company: string) => {
  const scores = Array.from({ length: 11 }, (_, n) => n);
  return {
    subject: `How likely are you to recommend ${company}?`,
    text: [
      `How likely are you to recommend ${company} to a friend or colleague? Choose from 0 (not at all likely) to 10 (extremely likely):`,
      "",
      ...scores.map((n) => `${n}: ${link(n)}`),
    ].join("\n"),
    html: `<p>How likely are you to recommend ${escapeHtml(company)} to a friend or colleague?</p>
<p>${scores.map((n) => `<a href="${escapeHtml(link(n))}">${n}</a>`).join(" &nbsp; ")}</p>
<p>0 is not at all likely, 10 is extremely likely.</p>`,
  };
};

/**
 * Sends the relationship survey to contacts due one: they were helped at least once and were not surveyed within
 * the cadence. Returns how many were sent.
 */
export const sendDueNpsSurveys = async (ctx: ServiceContext, now = new Date()): Promise<number> => {
  const settings = await surveySettingsOf(ctx.db);
  if (!settings.npsEnabled || !outboundMailConfigured(ctx)) return 0;
  const key = await surveyKey(ctx);
  const brand = await brandFor(ctx);
  return await inTransaction(ctx, async (tx) => {
    const due = await repo.contactsDueNps(tx, new Date(now.getTime() - settings.npsCadenceDays * DAY_MS), BATCH);
    let sent = 0;
    for (const contact of due) {
      const to = await repo.primaryEmail(tx, contact.id);
      if (!to) continue;
      const row = await repo.insertNps(tx, {
        contactId: contact.id,
        organizationId: contact.organizationId,
        status: "sent",
        sentAt: now,
      });
      const token = signSurveyToken(key, { kind: "nps", id: row.id });
      const mail = npsMail((score) => linkOf(ctx, `/surveys/nps/${token}?score=${score}`), brand.companyName);
      if (!(await enqueueSystemMail(ctx, tx, { purpose: "nps_survey", to, ...mail }))) {
        throw new Error("no sender address for survey mail");
      }
      await recordEvents(tx, SYSTEM, [npsEvent("nps_survey.sent", row)]);
      sent++;
    }
    return sent;
  });
};

/** Whether an NPS link is valid and answered already; null for a bad token. */
export const npsSurveyForLink = async (ctx: ServiceContext, token: string): Promise<{ answered: boolean } | null> => {
  const id = await surveyRef(ctx, "nps", token);
  if (!id) return null;
  const survey = await repo.findNps(ctx.db, id);
  return survey ? { answered: survey.status === "answered" } : null;
};

export const answerNps = async (ctx: ServiceContext, input: TNpsAnswerInput): Promise<TSurveyAnswerResult> => {
  const id = await surveyRef(ctx, "nps", input.token);
  if (!id) throw notFound("Survey");
  return await inTransaction(ctx, async (tx) => {
    const survey = await repo.lockNps(tx, id);
    if (!survey) throw notFound("Survey");
    if (survey.status === "answered") return { status: "already_answered" as const };
    const after = await repo.updateNps(tx, id, {
      status: "answered",
      score: input.score,
      comment: input.comment.trim(),
      answeredAt: new Date(),
    });
    await recordEvents(tx, SYSTEM, [npsEvent("nps_survey.answered", after)]);
    return { status: "recorded" as const };
  });
};

interface Dissatisfaction {
  trigger: "csat" | "nps";
  surveyId: string;
  contactId: string;
  organizationId: string | null;
  /** The owner of the surveyed case, when there is one. */
  caseOwnerId: string | null;
  subject: string;
  nextStep: string;
  detail: string;
}

/**
 * A dissatisfied customer gets a recovery case: their latest one is reopened (or brought forward while open),
 * otherwise a new one opens. It is owned by the organization's account owner, else the surveyed case's owner, with
 * a next step due one business day later.
 */
const openRecovery = async (ctx: ServiceContext, tx: Tx, d: Dissatisfaction): Promise<string> => {
  const ownerId =
    (await repo.accountOwnerOf(tx, d.organizationId)) ??
    (await repo.activeUser(tx, d.caseOwnerId))?.id ??
    (await repo.latestCaseOwnerOf(tx, d.contactId)) ??
    (await repo.firstActiveAdmin(tx));
  const owner = await repo.activeUser(tx, ownerId);
  if (!owner) throw new Error("no active employee to own the recovery case");
  const now = new Date();
  const nextStepDueAt = addBusinessDays(now, 1, owner.timeZone);
  const latest = await repo.latestRecoveryCase(tx, d.contactId);
  if (latest && latest.status !== "closed") {
    const reopening = latest.status !== "new" && latest.status !== "open";
    await updateCaseInTransaction(ctx, tx, SYSTEM, latest.caseId, latest.version, {
      ...(reopening ? { status: "open" as const } : {}),
      nextStep: d.nextStep,
      nextStepDueAt,
    });
    await addEventMessage(tx, latest.caseId, d.detail);
    await recordEvents(tx, SYSTEM, [
      recoveryCaseEvent(latest.caseId, d.contactId, d.trigger, reopening ? "reopened" : "updated", d.surveyId),
    ]);
    return latest.caseId;
  }
  const created = await openCaseInTransaction(tx, SYSTEM, {
    subject: d.subject,
    description: { body: d.detail, format: "text" },
    requester: { contactId: d.contactId },
    organizationId: d.organizationId,
    ownerId: owner.id,
    status: "open",
    priority: "high",
    type: "task",
    channel: "agent",
    nextStep: d.nextStep,
    nextStepDueAt,
    tags: ["service-recovery"],
    customFields: {},
    followerIds: [],
  });
  await repo.insertRecoveryCase(tx, { caseId: created.id, contactId: d.contactId, trigger: d.trigger });
  await recordEvents(tx, SYSTEM, [recoveryCaseEvent(created.id, d.contactId, d.trigger, "opened", d.surveyId)]);
  return created.id;
};

const recoverFromCsat = async (ctx: ServiceContext, tx: Tx, surveyId: string): Promise<void> => {
  const survey = await repo.lockCsat(tx, surveyId);
  if (survey?.rating !== "bad" || survey.recoveryCaseId) return;
  const facts = await repo.caseFacts(tx, survey.caseId);
  const name = await repo.contactName(tx, survey.contactId);
  const caseRef = facts ? `case #${facts.number} "${facts.subject}"` : "a case";
  const recoveryCaseId = await openRecovery(ctx, tx, {
    trigger: "csat",
    surveyId,
    contactId: survey.contactId,
    organizationId: survey.organizationId,
    caseOwnerId: survey.ownerId,
    subject: `Service recovery: ${name || "customer"} rated ${caseRef} bad`,
    nextStep: "Call the customer about their bad rating and agree how to put it right",
    detail: `${name || "The customer"} rated ${caseRef} bad${survey.comment ? `: "${survey.comment}"` : " (no comment)"}.`,
  });
  await repo.updateCsat(tx, surveyId, { recoveryCaseId });
};

const recoverFromNps = async (ctx: ServiceContext, tx: Tx, surveyId: string): Promise<void> => {
  const survey = await repo.lockNps(tx, surveyId);
  if (survey?.score == null || npsBandOf(survey.score) !== "detractor" || survey.recoveryCaseId) return;
  const name = await repo.contactName(tx, survey.contactId);
  const recoveryCaseId = await openRecovery(ctx, tx, {
    trigger: "nps",
    surveyId,
    contactId: survey.contactId,
    organizationId: survey.organizationId,
    caseOwnerId: null,
    subject: `Service recovery: ${name || "customer"} would not recommend us (NPS ${survey.score})`,
    nextStep: "Call the customer about their NPS answer and learn what would win them back",
    detail: `${name || "The customer"} answered ${survey.score} out of 10 to "would you recommend us"${survey.comment ? `: "${survey.comment}"` : " (no comment)"}.`,
  });
  await repo.updateNps(tx, surveyId, { recoveryCaseId });
};

/**
 * Closes the loop: a solved case schedules its survey; a bad rating or a detractor answer opens (or reopens)
 * the customer's recovery case.
 */
export const surveysProcessor = (ctx: ServiceContext): EventProcessor => ({
  name: "surveys",
  handle: async (tx, event) => {
    if (event.type === "case.status_changed" && event.caseId && event.payload.to === "solved") {
      await scheduleCsat(ctx, tx, event.caseId, event.createdAt, event.id);
    } else if (event.type === "csat_survey.answered" && event.payload.rating === "bad") {
      await recoverFromCsat(ctx, tx, event.aggregateId);
    } else if (event.type === "nps_survey.answered") {
      await recoverFromNps(ctx, tx, event.aggregateId);
    }
  },
});

export const caseCsat = async (ctx: ServiceContext, actor: AnyActor, caseId: string): Promise<TCaseCsat> => {
  await visibleCaseView(ctx.db, actor, caseId);
  const s = await repo.findCsatByCase(ctx.db, caseId);
  if (!s) return { survey: null };
  const recovery = s.recoveryCaseId ? await repo.caseNumberOf(ctx.db, s.recoveryCaseId) : undefined;
  return {
    survey: {
      status: s.status,
      sendAt: s.sendAt,
      sentAt: s.sentAt,
      rating: s.rating,
      comment: s.comment,
      answeredAt: s.answeredAt,
      recoveryCase: recovery ?? null,
    },
  };
};

const share = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((1000 * part) / whole) / 10;

export const csatReport = async (ctx: ServiceContext, actor: Actor, q: TCsatReportQuery): Promise<TCsatReport> => {
  ensureAllowed(surveyReportsPolicy.can(actor, "read", null), "Not allowed to read satisfaction reports");
  const rows = (await repo.csatByGroup(ctx.db, q.groupBy, q.from, q.to))
    .map((r) => ({ ...r, name: r.name ?? (r.id ? "(removed)" : "(none)"), score: share(r.good, r.good + r.bad) }))
    .sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name));
  const sum = (k: "sent" | "good" | "bad") => rows.reduce((n, r) => n + r[k], 0);
  return {
    groupBy: q.groupBy,
    total: {
      sent: sum("sent"),
      good: sum("good"),
      bad: sum("bad"),
      score: share(sum("good"), sum("good") + sum("bad")),
    },
    rows,
  };
};

export const npsSummaryOf = (c: { promoters: number; passives: number; detractors: number }) => {
  const responses = c.promoters + c.passives + c.detractors;
  return {
    responses,
    promoters: c.promoters,
    passives: c.passives,
    detractors: c.detractors,
    nps: responses === 0 ? null : Math.round((100 * (c.promoters - c.detractors)) / responses),
  };
};

export const npsReport = async (ctx: ServiceContext, actor: Actor, q: TNpsReportQuery): Promise<TNpsReport> => {
  ensureAllowed(surveyReportsPolicy.can(actor, "read", null), "Not allowed to read satisfaction reports");
  const counts = await repo.npsCounts(ctx.db, q.from, q.to);
  return { sent: counts.sent, summary: npsSummaryOf(counts) };
};
