import { DateTime } from "luxon";
import {
  CRACK_KINDS,
  type CrackKind,
  type TCrackCounts,
  type TCrackGroup,
  type TCrackItem,
  type TCracksDigest,
  type TCracksQuery,
  type TCracksReport,
  type TCreateLeaveInput,
  type THandover,
  type TLeave,
  type TLeaveListQuery,
  zCracksReport,
} from "../../../shared/contracts/accountability";
import type { DbOrTx } from "../../db/connection";
import { type Actor, type AnyActor, actorId } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { type DomainEvent, recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { enqueueSystemMail, outboundMailConfigured } from "../email/system-mail.service";
import { notify } from "../notifications/notifications.service";
import { businessMinutesBetween, type TBusinessCalendar } from "../sla/business-time";
import { calendarsOfCases } from "../sla/clocks.service";
import { loadActor } from "../users/users.service";
import { cracksPolicy, leavePolicy } from "./accountability.policy";
import * as repo from "./accountability.repository";

const ALWAYS_OPEN: TBusinessCalendar = { timeZone: "UTC", weeklyHours: [], holidays: [], alwaysOpen: true };
const HOUR_MS = 3_600_000;

export interface CracksParameters {
  noActivityBusinessHours: number;
  waitingHours: number;
  brokenWithinDays: number;
}

const zeroCounts = (): TCrackCounts => ({
  overdue_next_step: 0,
  no_activity: 0,
  owner_unavailable: 0,
  waiting_on_other_department: 0,
  broken_promise: 0,
  total: 0,
});

const groupItems = (
  items: TCrackItem[],
  pick: (item: TCrackItem) => { id: string; name: string } | null,
  nobody: string,
): TCrackGroup[] => {
  const groups = new Map<string | null, TCrackGroup>();
  for (const item of items) {
    const ref = pick(item);
    const key = ref?.id ?? null;
    const group = groups.get(key) ?? { id: key, name: ref?.name ?? nobody, counts: zeroCounts() };
    group.counts[item.kind]++;
    group.counts.total++;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.counts.total - a.counts.total || a.name.localeCompare(b.name));
};

const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? "" } : null);
const hours = (ms: number): string => `${Math.round((ms / HOUR_MS) * 10) / 10}`;

const caseItem = (r: repo.CrackCaseRow) => ({
  case: { id: r.caseId, number: r.number, subject: r.subject, status: r.status, priority: r.priority },
  person: ref(r.ownerId, r.ownerName),
  team: ref(r.teamId, r.teamName),
  department: r.ownerDepartmentId
    ? ref(r.ownerDepartmentId, r.ownerDepartmentName)
    : ref(r.teamDepartmentId, r.teamDepartmentName),
  commitmentId: null,
});

/**
 * What is slipping through the cracks in `scope`: overdue next steps, cases untouched for N business hours
 * (on the calendar of the case's SLA, else around the clock), owners away or deactivated, cases held in
 * another department for M hours, and promises broken in the last days. Each item is counted for the
 * case's owner (the promise's owner for a broken promise), the case's team and the person's department.
 */
export const buildCracksReport = async (
  db: DbOrTx,
  scope: repo.CrackScope,
  params: CracksParameters,
  now: Date,
  timeZone: string,
): Promise<TCracksReport> => {
  const at = (d: Date) => DateTime.fromJSDate(d, { zone: timeZone }).toFormat("ccc d LLL yyyy, HH:mm");
  const items: TCrackItem[] = [];
  for (const r of await repo.overdueNextSteps(db, scope, now)) {
    const due = r.nextStepDueAt ?? now;
    items.push({
      ...caseItem(r),
      kind: "overdue_next_step",
      since: due,
      detail: `Next step "${r.nextStep ?? ""}" was due ${at(due)}`,
    });
  }
  const quiet = await repo.untouchedSince(
    db,
    scope,
    new Date(now.getTime() - params.noActivityBusinessHours * HOUR_MS),
  );
  const calendars = await calendarsOfCases(
    db,
    quiet.map((r) => r.caseId),
  );
  for (const r of quiet) {
    const minutes = businessMinutesBetween(calendars.get(r.caseId) ?? ALWAYS_OPEN, r.updatedAt, now);
    if (minutes < params.noActivityBusinessHours * 60) continue;
    items.push({
      ...caseItem(r),
      kind: "no_activity",
      since: r.updatedAt,
      detail: `No activity for ${hours(minutes * 60_000)} business hours`,
    });
  }
  for (const r of await repo.ownerUnavailable(db, scope, now)) {
    items.push({
      ...caseItem(r),
      kind: "owner_unavailable",
      since: r.leaveStartsAt ?? r.updatedAt,
      detail:
        r.ownerActive === false
          ? `${r.ownerName ?? "The owner"} is deactivated`
          : `${r.ownerName ?? "The owner"} is on leave until ${r.leaveEndsAt ? at(r.leaveEndsAt) : "further notice"}`,
    });
  }
  for (const r of await repo.waitingOnOtherDepartment(
    db,
    scope,
    new Date(now.getTime() - params.waitingHours * HOUR_MS),
  )) {
    items.push({
      ...caseItem(r),
      kind: "waiting_on_other_department",
      since: r.handedOverAt,
      detail: `Held by ${r.ownerDepartmentName ?? "someone outside any department"} for ${hours(now.getTime() - r.handedOverAt.getTime())} hours; the team belongs to ${r.teamDepartmentName ?? "another department"}`,
    });
  }
  const broken = await repo.brokenPromises(db, scope, new Date(now.getTime() - params.brokenWithinDays * 24 * HOUR_MS));
  const departments = await repo.departmentNames(db, [
    ...new Set(broken.flatMap((b) => (b.promiseOwnerDepartmentId ? [b.promiseOwnerDepartmentId] : []))),
  ]);
  for (const b of broken) {
    const department = b.promiseOwnerDepartmentId
      ? ref(b.promiseOwnerDepartmentId, departments.get(b.promiseOwnerDepartmentId) ?? "")
      : caseItem(b).department;
    items.push({
      ...caseItem(b),
      kind: "broken_promise",
      person: { id: b.promiseOwnerId, name: b.promiseOwnerName },
      department,
      commitmentId: b.commitmentId,
      since: b.brokenAt ?? b.dueAt,
      detail: `${b.kind} promise "${b.description}" was due ${at(b.dueAt)}`,
    });
  }
  const order = new Map(CRACK_KINDS.map((k, i) => [k, i]));
  items.sort((a, b) => (order.get(a.kind) ?? 0) - (order.get(b.kind) ?? 0) || a.since.getTime() - b.since.getTime());
  const totals = zeroCounts();
  for (const item of items) {
    totals[item.kind]++;
    totals.total++;
  }
  return {
    generatedAt: now,
    parameters: params,
    totals,
    items,
    byPerson: groupItems(items, (i) => i.person, "Nobody"),
    byTeam: groupItems(items, (i) => i.team, "No team"),
    byDepartment: groupItems(items, (i) => i.department, "No department"),
  };
};

const parametersOf = (ctx: ServiceContext, q: Partial<TCracksQuery> = {}): CracksParameters => ({
  noActivityBusinessHours: q.noActivityHours ?? ctx.config.cracks.noActivityBusinessHours,
  waitingHours: q.waitingHours ?? ctx.config.cracks.waitingHours,
  brokenWithinDays: q.brokenWithinDays ?? ctx.config.cracks.brokenWithinDays,
});

/** The report for the caller: managers and executives filter freely; anyone else sees their own cracks. */
export const getCracksReport = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TCracksQuery,
  now = new Date(),
): Promise<TCracksReport> => {
  const all = cracksPolicy.can(actor, "readAll", null);
  const ownerId = q.ownerId === "me" ? actor.id : q.ownerId;
  if (!all && ownerId !== undefined && ownerId !== actor.id) {
    throw new AppError("FORBIDDEN", "Only supervisors and executives see other people's cracks", "ownerId");
  }
  return await buildCracksReport(
    ctx.db,
    {
      teamIds: q.teamId ? [q.teamId] : undefined,
      departmentIds: q.departmentId ? [q.departmentId] : undefined,
      ownerId: all ? ownerId : actor.id,
    },
    parametersOf(ctx, q),
    now,
    q.timeZone ?? "UTC",
  );
};

/* Daily digest */

const KIND_TITLE: Record<CrackKind, string> = {
  overdue_next_step: "Overdue next steps",
  no_activity: "No activity",
  owner_unavailable: "Owner on leave or deactivated",
  waiting_on_other_department: "Waiting on another department",
  broken_promise: "Broken promises",
};

const DIGEST_LINES_PER_KIND = 25;

/** The digest as plain text, ready for the email channel. */
const digestText = (name: string, localDate: string, report: TCracksReport): string => {
  const lines = [`Cracks digest for ${name}, ${localDate}`, `${report.totals.total} item(s) need attention.`];
  for (const kind of CRACK_KINDS) {
    const items = report.items.filter((i) => i.kind === kind);
    if (items.length === 0) continue;
    lines.push("", `${KIND_TITLE[kind]} (${items.length})`);
    for (const i of items.slice(0, DIGEST_LINES_PER_KIND)) {
      lines.push(`  #${i.case.number} ${i.case.subject} — ${i.person?.name ?? "nobody"}: ${i.detail}`);
    }
    if (items.length > DIGEST_LINES_PER_KIND) lines.push(`  … and ${items.length - DIGEST_LINES_PER_KIND} more`);
  }
  if (report.byTeam.length > 0) {
    lines.push("", "By team");
    for (const g of report.byTeam) lines.push(`  ${g.name}: ${g.counts.total}`);
  }
  return lines.join("\n");
};

/** A recipient's area: the departments they belong to or direct and the teams they lead; all of it if none. */
const scopeOf = (r: repo.DigestRecipient): repo.CrackScope => {
  const departmentIds = [...new Set([...r.directedDepartmentIds, ...(r.departmentId ? [r.departmentId] : [])])];
  return departmentIds.length === 0 && r.ledTeamIds.length === 0 ? {} : { departmentIds, teamIds: r.ledTeamIds };
};

/**
 * Builds and stores today's digest for one supervisor once their local time has reached the digest hour;
 * one per recipient and local date, whichever process gets there first. When outbound mail is configured the
 * digest is queued as a system mail in the same transaction (the delivery job sends it) and marked sent.
 */
const buildDigest = async (ctx: ServiceContext, recipient: repo.DigestRecipient, now: Date): Promise<boolean> => {
  const local = DateTime.fromJSDate(now, { zone: recipient.timeZone });
  const localDate = local.toISODate();
  if (!localDate || local.hour < ctx.config.cracks.digestHour) return false;
  if (await repo.hasDigest(ctx.db, recipient.id, localDate)) return false;
  const report = await buildCracksReport(ctx.db, scopeOf(recipient), parametersOf(ctx), now, recipient.timeZone);
  const subject = `Cracks digest ${localDate}: ${report.totals.total} item(s)`;
  return await inTransaction(ctx, async (tx) => {
    const bodyText = digestText(recipient.name, localDate, report);
    const row = await repo.insertDigest(tx, {
      recipientId: recipient.id,
      localDate,
      subject,
      bodyText,
      report: zCracksReport.encode(report),
    });
    if (!row) return false;
    if (outboundMailConfigured(ctx)) {
      const queued = await enqueueSystemMail(ctx, tx, {
        purpose: "cracks_digest",
        to: recipient.email,
        subject,
        text: bodyText,
      });
      if (queued) await repo.markDigestSent(tx, row.id, now);
    }
    await notify(tx, [
      {
        userId: recipient.id,
        kind: "cracks_digest",
        caseId: null,
        title: subject,
        body: CRACK_KINDS.filter((k) => report.totals[k] > 0)
          .map((k) => `${KIND_TITLE[k]}: ${report.totals[k]}`)
          .join("; "),
        dedupeKey: `cracks-digest:${recipient.id}:${localDate}`,
      },
    ]);
    return true;
  });
};

/** Hourly: today's digest for every supervisor and department director whose digest hour has come. */
export const buildDailyDigests = async (ctx: ServiceContext, now = new Date()): Promise<number> => {
  let built = 0;
  for (const recipient of await repo.digestRecipients(ctx.db)) {
    if (await buildDigest(ctx, recipient, now)) built++;
  }
  return built;
};

export const buildDigestForUser = async (ctx: ServiceContext, userId: string, now = new Date()): Promise<boolean> => {
  const [recipient] = await repo.digestRecipients(ctx.db, userId);
  return recipient ? await buildDigest(ctx, recipient, now) : false;
};

export const listMyDigests = async (ctx: ServiceContext, actor: Actor, limit = 14): Promise<TCracksDigest[]> =>
  (await repo.listDigests(ctx.db, actor.id, limit)).map((d) => ({
    id: d.id,
    localDate: d.localDate,
    subject: d.subject,
    bodyText: d.bodyText,
    report: zCracksReport.decode(d.report),
    createdAt: d.createdAt,
    sentAt: d.sentAt,
  }));

/* Out of office */

const presentLeave = (actor: AnyActor, v: repo.LeaveView): TLeave => {
  const mine = leavePolicy.can(actor, "manage", v.l);
  return {
    id: v.l.id,
    user: { id: v.l.userId, name: v.userName },
    startsAt: v.l.startsAt,
    endsAt: v.l.endsAt,
    note: mine ? v.l.note : "",
    createdById: v.l.createdById,
    createdAt: v.l.createdAt,
    abilities: { delete: mine, handover: leavePolicy.can(actor, "handover", v.l) },
  };
};

const leaveEvent = (type: "leave.created" | "leave.deleted", row: repo.LeaveRow): DomainEvent => {
  const snapshot = { startsAt: row.startsAt.toISOString(), endsAt: row.endsAt.toISOString(), note: row.note };
  return {
    type,
    aggregateType: "user",
    aggregateId: row.userId,
    payload: {
      leaveId: row.id,
      before: type === "leave.deleted" ? snapshot : null,
      after: type === "leave.created" ? snapshot : null,
    },
  };
};

export const createLeave = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateLeaveInput,
  now = new Date(),
): Promise<TLeave> => {
  const userId = input.userId ?? actorId(actor);
  if (!userId) throw invalid("userId", "Say whose leave this is");
  ensureAllowed(leavePolicy.can(actor, "manage", { userId }), "Only supervisors mark other people's leave");
  if (input.endsAt <= input.startsAt) throw invalid("endsAt", "Leave ends after it starts");
  if (input.endsAt <= now) throw invalid("endsAt", "This leave has already ended");
  return await inTransaction(ctx, async (tx) => {
    if (!(await loadActor(tx, userId, null))) throw invalid("userId", "No such active employee");
    if (await repo.overlappingLeave(tx, userId, input.startsAt, input.endsAt)) {
      throw new AppError("CONFLICT", "This leave overlaps leave already marked", "startsAt");
    }
    const row = await repo.insertLeave(tx, {
      userId,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      note: input.note,
      createdById: actorId(actor),
    });
    await recordEvents(tx, actor, [leaveEvent("leave.created", row)]);
    const view = await repo.findLeave(tx, row.id);
    if (!view) throw notFound("Leave");
    return presentLeave(actor, view);
  });
};

export const deleteLeave = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<void> => {
  await inTransaction(ctx, async (tx) => {
    const view = await repo.findLeave(tx, id);
    if (!view) throw notFound("Leave");
    ensureAllowed(leavePolicy.can(actor, "manage", view.l), "Only supervisors withdraw other people's leave");
    await repo.deleteLeave(tx, id);
    await recordEvents(tx, actor, [leaveEvent("leave.deleted", view.l)]);
  });
};

export const listLeave = async (
  ctx: ServiceContext,
  actor: Actor,
  q: TLeaveListQuery,
  now = new Date(),
): Promise<TLeave[]> =>
  (
    await repo.listLeave(ctx.db, {
      userId: q.userId === "me" ? actor.id : q.userId,
      endingAfter: q.endingAfter ?? now,
    })
  ).map((v) => presentLeave(actor, v));

/**
 * What someone going on leave must hand over: their working cases whose next step falls due before they are
 * back (those already overdue included and flagged), and their open promises due by then.
 */
export const getHandover = async (ctx: ServiceContext, actor: AnyActor, leaveId: string): Promise<THandover> => {
  const view = await repo.findLeave(ctx.db, leaveId);
  if (!view) throw notFound("Leave");
  ensureAllowed(
    leavePolicy.can(actor, "handover", view.l),
    "Only the person on leave and supervisors see the hand-over",
  );
  const { userId, startsAt, endsAt } = view.l;
  return {
    leave: presentLeave(actor, view),
    cases: (await repo.casesDueBefore(ctx.db, userId, endsAt)).flatMap((c) =>
      c.nextStepDueAt
        ? [
            {
              id: c.id,
              number: c.number,
              subject: c.subject,
              status: c.status,
              priority: c.priority,
              team: ref(c.teamId, c.teamName),
              nextStep: c.nextStep,
              nextStepDueAt: c.nextStepDueAt,
              overdueBeforeLeave: c.nextStepDueAt < startsAt,
            },
          ]
        : [],
    ),
    commitments: await repo.promisesDueBefore(ctx.db, userId, endsAt),
  };
};
