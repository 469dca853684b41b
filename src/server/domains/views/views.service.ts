import type { CaseSort } from "../../../shared/contracts/cases";
import type { TCreateViewInput, TUpdateViewInput, TView, TViewFilters } from "../../../shared/contracts/views";
import type { Actor } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { AppError, notFound } from "../../platform/errors";
import { changePayload, type DomainEvent, recordEvents } from "../../platform/events";
import { ensureVisible } from "../../platform/policy";
import { BUILT_IN_VIEWS } from "./views.builtin";
import { viewsPolicy } from "./views.policy";
import * as repo from "./views.repository";

const EPOCH = new Date(0);

const auditable = (v: repo.ViewRow) => ({
  name: v.name,
  filters: v.filters,
  sort: v.sort,
  shared: v.shared,
  position: v.position,
});

const event = (
  type: "view.created" | "view.updated" | "view.deleted",
  before: repo.ViewRow | null,
  after: repo.ViewRow | null,
): DomainEvent => ({
  type,
  aggregateType: "view",
  aggregateId: (after ?? before)?.id ?? "",
  payload: changePayload(auditable, before, after),
});

const present = (actor: Actor, v: repo.ViewRow): TView => ({
  id: v.id,
  name: v.name,
  filters: v.filters as TViewFilters,
  sort: v.sort as CaseSort,
  shared: v.shared,
  createdById: v.createdById,
  position: v.position,
  builtIn: false,
  createdAt: v.createdAt,
  abilities: { update: viewsPolicy.can(actor, "manage", v), delete: viewsPolicy.can(actor, "manage", v) },
});

export const listViews = async (ctx: ServiceContext, actor: Actor): Promise<TView[]> => [
  ...BUILT_IN_VIEWS.map((b, i) => ({
    ...b,
    shared: true,
    createdById: null,
    position: i,
    builtIn: true,
    createdAt: EPOCH,
    abilities: { update: false, delete: false },
  })),
  ...(await repo.listVisible(ctx.db, actor.id)).map((v) => present(actor, v)),
];

const ensureShareAllowed = (actor: Actor, shared: boolean | undefined): void => {
  if (shared && !viewsPolicy.can(actor, "share", null)) {
    throw new AppError("FORBIDDEN", "Only admins and supervisors share views with everyone", "shared");
  }
};

export const createView = async (ctx: ServiceContext, actor: Actor, input: TCreateViewInput): Promise<TView> => {
  ensureShareAllowed(actor, input.shared);
  return await inTransaction(ctx, async (tx) => {
    const row = await repo.insert(tx, { ...input, createdById: actor.id });
    await recordEvents(tx, actor, [event("view.created", null, row)]);
    return present(actor, row);
  });
};

const loadManaged = async (ctx: ServiceContext, actor: Actor, id: string): Promise<repo.ViewRow> => {
  if (BUILT_IN_VIEWS.some((b) => b.id === id)) throw new AppError("FORBIDDEN", "Built-in views cannot be changed");
  const row = await repo.findById(ctx.db, id);
  ensureVisible(!!row && viewsPolicy.can(actor, "read", row), "View");
  if (!row) throw notFound("View");
  if (!viewsPolicy.can(actor, "manage", row))
    throw new AppError("FORBIDDEN", "Only the view's creator or a manager changes it");
  return row;
};

export const updateView = async (
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  input: TUpdateViewInput,
): Promise<TView> => {
  const before = await loadManaged(ctx, actor, id);
  ensureShareAllowed(actor, input.shared);
  return await inTransaction(ctx, async (tx) => {
    const row = await repo.update(tx, id, input);
    if (!row) throw notFound("View");
    await recordEvents(tx, actor, [event("view.updated", before, row)]);
    return present(actor, row);
  });
};

export const deleteView = async (ctx: ServiceContext, actor: Actor, id: string): Promise<void> => {
  const before = await loadManaged(ctx, actor, id);
  await inTransaction(ctx, async (tx) => {
    await repo.remove(tx, id);
    await recordEvents(tx, actor, [event("view.deleted", before, null)]);
  });
};
