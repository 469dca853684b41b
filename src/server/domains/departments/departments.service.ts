import type { TCreateDepartmentInput, TDepartment, TUpdateDepartmentInput } from "../../../shared/contracts/people";
import type { DbOrTx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { changePayload, type DomainEvent, recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { isActiveUser } from "../users/directory.service";
import { departmentsPolicy } from "./departments.policy";
import * as repo from "./departments.repository";

const present = (d: repo.DepartmentRow): TDepartment => ({
  id: d.id,
  name: d.name,
  kind: d.kind,
  directorId: d.directorId,
  hourlyCostMinor: d.hourlyCostMinor,
  currency: d.currency,
  createdAt: d.createdAt,
  version: d.version,
});

const auditable = (d: repo.DepartmentRow) => ({
  name: d.name,
  kind: d.kind,
  directorId: d.directorId,
  hourlyCostMinor: d.hourlyCostMinor,
  currency: d.currency,
});

const event = (
  type: "department.created" | "department.updated",
  before: repo.DepartmentRow | null,
  after: repo.DepartmentRow,
): DomainEvent => ({
  type,
  aggregateType: "department",
  aggregateId: after.id,
  payload: changePayload(auditable, before, after),
});

export const findDepartment = async (db: DbOrTx, id: string): Promise<TDepartment | null> => {
  const row = await repo.findById(db, id);
  return row ? present(row) : null;
};

const ensureDirector = async (db: DbOrTx, directorId: string | null | undefined): Promise<void> => {
  if (directorId && !(await isActiveUser(db, directorId))) {
    throw invalid("directorId", "The director must be an active employee");
  }
};

export const listDepartments = async (ctx: ServiceContext, actor: AnyActor): Promise<TDepartment[]> => {
  ensureAllowed(departmentsPolicy.can(actor, "read", null), "Not allowed");
  return (await repo.list(ctx.db)).map(present);
};

export const createDepartment = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateDepartmentInput,
): Promise<TDepartment> => {
  ensureAllowed(departmentsPolicy.can(actor, "manage", null), "Only admins manage departments");
  return await inTransaction(ctx, async (tx) => {
    await ensureDirector(tx, input.directorId);
    const row = await repo.insert(tx, { ...input, directorId: input.directorId ?? null });
    await recordEvents(tx, actor, [event("department.created", null, row)]);
    return present(row);
  });
};

export const updateDepartment = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateDepartmentInput,
): Promise<TDepartment> => {
  ensureAllowed(departmentsPolicy.can(actor, "manage", null), "Only admins manage departments");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Department");
    ensureVersion("department", before, expectedVersion);
    await ensureDirector(tx, input.directorId);
    const after = await repo.update(tx, id, input);
    if (!after) throw notFound("Department");
    await recordEvents(tx, actor, [event("department.updated", before, after)]);
    return present(after);
  });
};
