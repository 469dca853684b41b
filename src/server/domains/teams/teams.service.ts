import type { TCreateTeamInput, TTeam, TUpdateTeamInput } from "../../../shared/contracts/people";
import type { DbOrTx, Tx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import type { DeactivationStep } from "../../platform/deactivation";
import { invalid, notFound } from "../../platform/errors";
import { changePayload, type DomainEvent, recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { findDepartment } from "../departments/departments.service";
import { activeUserIds, lockActiveUsers } from "../users/directory.service";
import { teamsPolicy } from "./teams.policy";
import * as repo from "./teams.repository";

const present = (t: repo.TeamRow): TTeam => ({
  id: t.id,
  name: t.name,
  departmentId: t.departmentId,
  leadId: t.leadId,
  memberIds: t.memberIds,
  createdAt: t.createdAt,
  version: t.version,
});

const auditable = (t: repo.TeamRow) => ({
  name: t.name,
  departmentId: t.departmentId,
  leadId: t.leadId,
  memberIds: t.memberIds,
});

const event = (
  type: "team.created" | "team.updated",
  before: repo.TeamRow | null,
  after: repo.TeamRow,
  extra: Record<string, unknown> = {},
): DomainEvent => ({
  type,
  aggregateType: "team",
  aggregateId: after.id,
  payload: changePayload(auditable, before, after, extra),
});

const validate = async (
  db: Tx,
  input: {
    departmentId?: string | null | undefined;
    leadId?: string | null | undefined;
    memberIds?: string[] | undefined;
  },
): Promise<void> => {
  if (input.departmentId && !(await findDepartment(db, input.departmentId))) {
    throw invalid("departmentId", "No such department");
  }
  if (input.leadId && !(await lockActiveUsers(db, [input.leadId])).has(input.leadId)) {
    throw invalid("leadId", "The team lead must be an active employee");
  }
  if (input.memberIds) {
    const unique = [...new Set(input.memberIds)];
    if ((await activeUserIds(db, unique)).size !== unique.length) {
      throw invalid("memberIds", "Every member must be an active employee");
    }
  }
};

export const teamExists = async (db: DbOrTx, id: string): Promise<boolean> =>
  (await repo.findById(db, id)) !== undefined;

/** The lead who takes over a team's cases when an owner leaves, and its mail; null when the team has none. */
export const teamLeadOf = async (db: DbOrTx, teamId: string): Promise<string | null> =>
  (await repo.findById(db, teamId))?.leadId ?? null;

export const listTeams = async (ctx: ServiceContext, actor: AnyActor): Promise<TTeam[]> => {
  ensureAllowed(teamsPolicy.can(actor, "read", null), "Not allowed");
  return (await repo.list(ctx.db)).map(present);
};

export const createTeam = async (ctx: ServiceContext, actor: AnyActor, input: TCreateTeamInput): Promise<TTeam> => {
  ensureAllowed(teamsPolicy.can(actor, "manage", null), "Only admins and supervisors manage teams");
  return await inTransaction(ctx, async (tx) => {
    await validate(tx, input);
    const row = await repo.insert(tx, {
      name: input.name,
      departmentId: input.departmentId ?? null,
      leadId: input.leadId ?? null,
    });
    const members = [...new Set([...input.memberIds, ...(input.leadId ? [input.leadId] : [])])];
    await repo.replaceMembers(tx, row.id, members);
    const after = await repo.findById(tx, row.id);
    if (!after) throw notFound("Team");
    await recordEvents(tx, actor, [event("team.created", null, after)]);
    return present(after);
  });
};

export const updateTeam = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateTeamInput,
): Promise<TTeam> => {
  ensureAllowed(teamsPolicy.can(actor, "manage", null), "Only admins and supervisors manage teams");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Team");
    ensureVersion("team", before, expectedVersion);
    await validate(tx, input);
    const { memberIds, ...fields } = input;
    await repo.update(tx, id, fields);
    const leadId = input.leadId === undefined ? before.leadId : input.leadId;
    if (memberIds || (leadId && !before.memberIds.includes(leadId))) {
      await repo.replaceMembers(tx, id, [
        ...new Set([...(memberIds ?? before.memberIds), ...(leadId ? [leadId] : [])]),
      ]);
    }
    const after = await repo.findById(tx, id);
    if (!after) throw notFound("Team");
    await recordEvents(tx, actor, [event("team.updated", before, after)]);
    return present(after);
  });
};

/**
 * A deactivated lead stops leading (a deactivation hand-over step): their teams have no lead until an admin or a
 * supervisor names one. The role is not passed to whoever takes over the cases: that person may belong to another
 * team, and who leads a team (and gets its mail and its SLA alerts) is a choice to make, not a side effect. Until
 * then the team's mail goes to its address's executive or the first admin, as for any team without a lead.
 */
export const teamLeadHandover: DeactivationStep = {
  name: "teams",
  apply: async (tx, actor, leaver) => {
    const led = await repo.lockLedBy(tx, leaver.id);
    for (const before of led) {
      await repo.update(tx, before.id, { leadId: null });
      const after = await repo.findById(tx, before.id);
      if (!after) throw notFound("Team");
      await recordEvents(tx, actor, [event("team.updated", before, after, { reason: "lead_deactivated" })]);
    }
    return { teamsWithoutLead: led.map((t) => ({ id: t.id, name: t.name })) };
  },
};
