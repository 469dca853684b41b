import type {
  TBusinessCalendarDto,
  TCreateBusinessCalendarInput,
  TCreateSlaPolicyInput,
  TEscalationAction,
  TSlaPolicy,
  TUpdateBusinessCalendarInput,
  TUpdateSlaPolicyInput,
} from "../../../shared/contracts/sla";
import type { Tx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, invalid, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { ZBusinessCalendar } from "./business-time";
import { REPLAN_JOB, type ReplanRequest, runReplan } from "./clocks.service";
import { calendarEvent, policyEvent } from "./sla.events";
import { slaAdminPolicy } from "./sla.policy";
import * as repo from "./sla.repository";

const abilities = (actor: AnyActor) => {
  const manage = slaAdminPolicy.can(actor, "manage", null);
  return { update: manage, delete: manage };
};

const presentCalendar = (actor: AnyActor, c: repo.CalendarRow): TBusinessCalendarDto => ({
  id: c.id,
  name: c.name,
  timeZone: c.timeZone,
  weeklyHours: c.weeklyHours,
  holidays: c.holidays,
  alwaysOpen: c.alwaysOpen,
  version: c.version,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  abilities: abilities(actor),
});

const presentPolicy = (actor: AnyActor, p: repo.PolicyRow): TSlaPolicy => ({
  id: p.id,
  name: p.name,
  position: p.position,
  active: p.active,
  conditions: p.conditions,
  targets: p.targets,
  calendarId: p.calendarId,
  pauseStatuses: p.pauseStatuses,
  warningPercent: p.warningPercent,
  warningActions: p.warningActions,
  breachActions: p.breachActions,
  version: p.version,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  abilities: abilities(actor),
});

const ensureManager = (actor: AnyActor): void =>
  ensureAllowed(slaAdminPolicy.can(actor, "manage", null), "Only admins change business calendars and SLA policies");

const ensureReader = (actor: AnyActor): void => ensureAllowed(slaAdminPolicy.can(actor, "read", null), "Not allowed");

/** The calendar rules business-time enforces (intervals that end after they start and do not overlap), by field. */
const validateCalendar = (c: {
  timeZone: string;
  weeklyHours: repo.CalendarRow["weeklyHours"];
  holidays: repo.CalendarRow["holidays"];
  alwaysOpen: boolean;
}): void => {
  const parsed = ZBusinessCalendar.safeParse(c);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue?.path.join(".") || "weeklyHours", issue?.message ?? "Invalid calendar");
  }
  if (!c.alwaysOpen && c.weeklyHours.length === 0) {
    throw invalid("weeklyHours", "A calendar needs opening hours, or alwaysOpen for 24/7");
  }
};

/** Enqueues a re-plan with the change (it runs after the commit); without a job queue it runs right after. */
const replanAfter = async <T>(
  ctx: ServiceContext,
  work: (tx: Tx) => Promise<{ result: T; replan: ReplanRequest | null; key: string }>,
): Promise<T> => {
  let pending: ReplanRequest | null = null;
  const result = await inTransaction(ctx, async (tx) => {
    const out = await work(tx);
    if (out.replan && !(await ctx.jobs.enqueue(tx, REPLAN_JOB, [{ payload: out.replan, key: out.key }]))) {
      pending = out.replan;
    }
    return out.result;
  });
  if (pending) await runReplan(ctx, pending);
  return result;
};

/* Business calendars */

export const listCalendars = async (ctx: ServiceContext, actor: AnyActor): Promise<TBusinessCalendarDto[]> => {
  ensureReader(actor);
  return (await repo.listCalendars(ctx.db)).map((c) => presentCalendar(actor, c));
};

export const getCalendar = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TBusinessCalendarDto> => {
  ensureReader(actor);
  const row = await repo.findCalendar(ctx.db, id);
  if (!row) throw notFound("Business calendar");
  return presentCalendar(actor, row);
};

const ensureCalendarNameFree = async (tx: Tx, name: string, exceptId: string | null): Promise<void> => {
  const other = await repo.calendarNamed(tx, name);
  if (other && other.id !== exceptId) throw new AppError("CONFLICT", "A calendar with this name exists", "name");
};

export const createCalendar = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateBusinessCalendarInput,
): Promise<TBusinessCalendarDto> => {
  ensureManager(actor);
  validateCalendar(input);
  return await inTransaction(ctx, async (tx) => {
    await ensureCalendarNameFree(tx, input.name, null);
    const row = await repo.insertCalendar(tx, input);
    await recordEvents(tx, actor, [calendarEvent("business_calendar.created", null, row)]);
    return presentCalendar(actor, row);
  });
};

/** Changing hours, holidays or the zone re-times every running clock on this calendar (a background re-plan). */
export const updateCalendar = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateBusinessCalendarInput,
): Promise<TBusinessCalendarDto> => {
  ensureManager(actor);
  return await replanAfter(ctx, async (tx) => {
    const before = await repo.lockCalendar(tx, id);
    if (!before) throw notFound("Business calendar");
    ensureVersion("calendar", before, expectedVersion);
    validateCalendar({
      timeZone: input.timeZone ?? before.timeZone,
      weeklyHours: input.weeklyHours ?? before.weeklyHours,
      holidays: input.holidays ?? before.holidays,
      alwaysOpen: input.alwaysOpen ?? before.alwaysOpen,
    });
    if (input.name !== undefined) await ensureCalendarNameFree(tx, input.name, id);
    const after = await repo.updateCalendar(tx, id, input);
    if (!after) throw notFound("Business calendar");
    await recordEvents(tx, actor, [calendarEvent("business_calendar.updated", before, after)]);
    const timing = input.timeZone ?? input.weeklyHours ?? input.holidays ?? input.alwaysOpen;
    return {
      result: presentCalendar(actor, after),
      replan: timing === undefined ? null : { calendarId: id },
      key: `calendar:${id}:${after.version}`,
    };
  });
};

export const deleteCalendar = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<void> => {
  ensureManager(actor);
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockCalendar(tx, id);
    if (!before) throw notFound("Business calendar");
    if ((await repo.policyIdsUsingCalendar(tx, id)).length > 0) {
      throw new AppError("CONFLICT", "SLA policies use this calendar; move them to another calendar first", "id");
    }
    await repo.deleteCalendar(tx, id);
    await recordEvents(tx, actor, [calendarEvent("business_calendar.deleted", before, null)]);
  });
};

/* SLA policies */

export const listPolicies = async (ctx: ServiceContext, actor: AnyActor): Promise<TSlaPolicy[]> => {
  ensureReader(actor);
  return (await repo.listPolicies(ctx.db)).map((p) => presentPolicy(actor, p));
};

export const getPolicy = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TSlaPolicy> => {
  ensureReader(actor);
  const row = await repo.findPolicy(ctx.db, id);
  if (!row) throw notFound("SLA policy");
  return presentPolicy(actor, row);
};

const validatePolicy = async (
  tx: Tx,
  p: {
    name?: string | undefined;
    calendarId?: string | undefined;
    warningActions?: TEscalationAction[] | undefined;
    breachActions?: TEscalationAction[] | undefined;
  },
  exceptId: string | null,
): Promise<void> => {
  if (p.name !== undefined) {
    const other = await repo.policyNamed(tx, p.name);
    if (other && other.id !== exceptId) throw new AppError("CONFLICT", "A policy with this name exists", "name");
  }
  if (p.calendarId !== undefined && !(await repo.findCalendar(tx, p.calendarId))) {
    throw invalid("calendarId", "No such business calendar");
  }
  const lists = { warningActions: p.warningActions ?? [], breachActions: p.breachActions ?? [] };
  const teamIds = Object.values(lists).flatMap((list) =>
    list.flatMap((a) => (a.type === "reassign_team" ? [a.teamId] : [])),
  );
  const known = await repo.existingTeamIds(tx, teamIds);
  for (const [field, list] of Object.entries(lists)) {
    list.forEach((a, i) => {
      if (a.type === "reassign_team" && !known.has(a.teamId)) throw invalid(`${field}.${i}.teamId`, "No such team");
    });
  }
};

/** A policy change re-evaluates, in the background, the open cases it set clocks for or now matches. */
export const createPolicy = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateSlaPolicyInput,
): Promise<TSlaPolicy> => {
  ensureManager(actor);
  return await replanAfter(ctx, async (tx) => {
    await validatePolicy(tx, input, null);
    const row = await repo.insertPolicy(tx, input);
    await recordEvents(tx, actor, [policyEvent("sla_policy.created", null, row)]);
    return { result: presentPolicy(actor, row), replan: { policyId: row.id }, key: `policy:${row.id}:${row.version}` };
  });
};

export const updatePolicy = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateSlaPolicyInput,
): Promise<TSlaPolicy> => {
  ensureManager(actor);
  return await replanAfter(ctx, async (tx) => {
    const before = await repo.lockPolicy(tx, id);
    if (!before) throw notFound("SLA policy");
    ensureVersion("SLA policy", before, expectedVersion);
    await validatePolicy(tx, input, id);
    const after = await repo.updatePolicy(tx, id, input);
    if (!after) throw notFound("SLA policy");
    await recordEvents(tx, actor, [policyEvent("sla_policy.updated", before, after)]);
    return { result: presentPolicy(actor, after), replan: { policyId: id }, key: `policy:${id}:${after.version}` };
  });
};

/** Only a policy no open case follows any more can be deleted: deactivate it first and its cases move on. */
export const deletePolicy = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<void> => {
  ensureManager(actor);
  await inTransaction(ctx, async (tx) => {
    const before = await repo.findPolicy(tx, id);
    if (!before) throw notFound("SLA policy");
    if (await repo.policyInUse(tx, id)) {
      throw new AppError(
        "CONFLICT",
        "Open cases follow this policy; deactivate it first (their clocks move to the next matching policy)",
        "id",
      );
    }
    await repo.deletePolicy(tx, id);
    await recordEvents(tx, actor, [policyEvent("sla_policy.deleted", before, null)]);
  });
};
