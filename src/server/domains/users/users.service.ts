import type { TCreateUserInput, TUpdateMeInput, TUpdateUserInput, TUser } from "../../../shared/contracts/people";
import type { ApiTokenScope } from "../../../shared/domain";
import type { DbOrTx, Tx } from "../../db/connection";
import { type Actor, type AnyActor, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import type { DeactivationOutcome, DeactivationRequest } from "../../platform/deactivation";
import { AppError, invalid, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { hashPassword, randomToken, verifyPassword } from "../../platform/secrets";
import { userEvent } from "./users.events";
import { usersPolicy } from "./users.policy";
import * as repo from "./users.repository";

export const presentUser = (u: repo.UserRow): TUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  departmentId: u.departmentId,
  active: u.active,
  timeZone: u.timeZone,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
  version: u.version,
});

export const listUsers = async (
  ctx: ServiceContext,
  actor: AnyActor,
  q: { q?: string | undefined; departmentId?: string | undefined; active?: "true" | "false" | undefined },
): Promise<TUser[]> => {
  ensureAllowed(usersPolicy.can(actor, "read", { id: "" }), "Not allowed to list users");
  const rows = await repo.list(ctx.db, {
    q: q.q,
    departmentId: q.departmentId,
    active: q.active === undefined ? undefined : q.active === "true",
  });
  return rows.map(presentUser);
};

export const getUser = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TUser> => {
  const row = await repo.findById(ctx.db, id);
  if (!row || !usersPolicy.can(actor, "read", row)) throw notFound("User");
  return presentUser(row);
};

export const createUser = async (ctx: ServiceContext, actor: AnyActor, input: TCreateUserInput): Promise<TUser> => {
  ensureAllowed(usersPolicy.can(actor, "create", { id: "" }), "Only admins invite employees");
  return await inTransaction(ctx, async (tx) => {
    if (await repo.findByEmail(tx, input.email)) throw new AppError("CONFLICT", "Email already in use", "email");
    // An unknown department fails the foreign key: answered 400 naming departmentId (fromDatabaseError).
    const row = await repo.insert(tx, {
      email: input.email,
      name: input.name,
      role: input.role,
      departmentId: input.departmentId ?? null,
      timeZone: input.timeZone,
      passwordHash: input.password ? await hashPassword(input.password) : null,
    });
    await recordEvents(tx, actor, [userEvent("user.created", null, row)]);
    return presentUser(row);
  });
};

/** User administration (admins only): name, role, department, time zone, and a new password that signs them out. */
export const updateUser = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  input: TUpdateUserInput,
): Promise<TUser> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("User");
    ensureAllowed(usersPolicy.can(actor, "update", before), "Only admins edit employees; your own account is /me");
    if (input.role && input.role !== "admin" && before.role === "admin" && (await repo.countActiveAdmins(tx)) <= 1) {
      throw new AppError("INVARIANT_VIOLATED", "The last active admin keeps the admin role", "role");
    }
    const after = await repo.update(tx, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.departmentId !== undefined ? { departmentId: input.departmentId } : {}),
      ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
      ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password) } : {}),
    });
    if (!after) throw notFound("User");
    if (input.password !== undefined) await ctx.signOut.everywhere(tx, id);
    await recordEvents(tx, actor, [
      userEvent(input.password !== undefined ? "user.password_changed" : "user.updated", before, after),
    ]);
    return presentUser(after);
  });

/** The caller's own name and preferences. */
export const updateOwnProfile = async (ctx: ServiceContext, actor: Actor, input: TUpdateMeInput): Promise<TUser> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.findById(tx, actor.id);
    if (!before || !usersPolicy.can(actor, "updateSelf", before)) throw notFound("User");
    const after = await repo.update(tx, actor.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.timeZone !== undefined ? { timeZone: input.timeZone } : {}),
    });
    if (!after) throw notFound("User");
    await recordEvents(tx, actor, [userEvent("user.updated", before, after)]);
    return presentUser(after);
  });

/**
 * Deactivates an employee and, in the same transaction, runs the steps other domains registered (ctx.deactivation:
 * their open cases, their lead roles). Their row is locked first, so a concurrent write that gives them a case or a
 * team either commits before the hand-over reads (and is handed over) or waits and finds them inactive.
 */
export const deactivateUser = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  input: DeactivationRequest,
): Promise<{ user: TUser } & DeactivationOutcome> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("User");
    ensureAllowed(usersPolicy.can(actor, "deactivate", before), "Only admins deactivate other employees");
    if (!before.active) throw new AppError("CONFLICT", "Already deactivated");
    if (input.reassignToId === id) throw invalid("reassignToId", "Choose someone else to take over the cases");
    if (before.role === "admin" && (await repo.countActiveAdmins(tx)) <= 1) {
      throw new AppError("INVARIANT_VIOLATED", "The last active admin cannot be deactivated", "id");
    }
    const after = await repo.update(tx, id, { active: false });
    if (!after) throw notFound("User");
    const handedOver = await ctx.deactivation.run(tx, actor, { id, name: before.name }, input);
    await recordEvents(tx, actor, [userEvent("user.deactivated", before, after, { ...handedOver })]);
    return { user: presentUser(after), ...handedOver };
  });

/** The actor for an authenticated request; null for unknown or deactivated users. */
export const loadActor = async (
  db: DbOrTx,
  userId: string,
  scopes: readonly ApiTokenScope[] | null,
): Promise<Actor | null> => {
  const user = await repo.findById(db, userId);
  if (!user?.active) return null;
  return {
    type: "user",
    id: user.id,
    name: user.name,
    role: user.role,
    departmentId: user.departmentId,
    teamIds: await repo.teamIdsOf(db, user.id),
    scopes,
  };
};

export const verifyCredentials = async (db: DbOrTx, email: string, password: string): Promise<repo.UserRow | null> => {
  const user = await repo.findByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? null);
  return ok && user?.active ? user : null;
};

/** Whether this is the active employee's current password. */
export const isCurrentPassword = async (db: DbOrTx, userId: string, password: string): Promise<boolean> => {
  const user = await repo.findById(db, userId);
  return !!user?.active && (await verifyPassword(password, user.passwordHash));
};

/** Sets a password on the employee's own behalf (they followed a reset link, or changed it on /me); false when they are no longer active. */
export const setOwnPassword = async (tx: Tx, userId: string, password: string): Promise<boolean> => {
  const before = await repo.findById(tx, userId);
  if (!before?.active) return false;
  const after = await repo.update(tx, userId, { passwordHash: await hashPassword(password) });
  if (!after) return false;
  const self: Actor = { ...before, type: "user", teamIds: [], scopes: null };
  await recordEvents(tx, self, [userEvent("user.password_changed", before, after)]);
  return true;
};

export const createAdmin = async (
  ctx: ServiceContext,
  input: { email: string; password: string; name: string },
): Promise<TUser> => {
  const existing = await repo.findByEmail(ctx.db, input.email);
  if (existing) {
    return await inTransaction(ctx, async (tx) => {
      const after = await repo.update(tx, existing.id, {
        role: "admin",
        active: true,
        passwordHash: await hashPassword(input.password),
      });
      if (!after) throw notFound("User");
      await recordEvents(tx, SYSTEM, [userEvent("user.password_changed", existing, after)]);
      return presentUser(after);
    });
  }
  return await createUser(ctx, SYSTEM, { ...input, role: "admin", timeZone: "UTC", departmentId: null });
};

/** Whenever no active admin exists (first start, or after a seed): creates one, from config or with a generated password. */
export const ensureFirstAdmin = async (
  ctx: ServiceContext,
  admin: { email: string | undefined; password: string | undefined },
): Promise<{ email: string; password: string } | null> => {
  if ((await repo.countActiveAdmins(ctx.db)) > 0) return null;
  const email = admin.email ?? "admin@extramile.local";
  const password = admin.password ?? randomToken(12);
  await createUser(ctx, SYSTEM, { email, password, name: "Administrator", role: "admin", timeZone: "UTC" });
  return { email, password };
};

/** The active employee whose login address this is, if any. */
export const findActiveUserByEmail = async (db: DbOrTx, email: string): Promise<TUser | null> => {
  const row = await repo.findByEmail(db, email);
  return row?.active ? presentUser(row) : null;
};

/** Which of these addresses belong to employees (active or not): never customers. */
export const employeeEmailsAmong = async (db: DbOrTx, emails: string[]): Promise<Set<string>> =>
  new Set((await repo.findManyByEmails(db, emails)).map((u) => u.email));

/** The longest-serving active admin: who owns what no one else can. */
export const firstActiveAdminId = async (db: DbOrTx): Promise<string | null> =>
  (await repo.firstActiveAdmin(db))?.id ?? null;

/** Which of these users are active employees. */
export const activeUserIds = async (db: DbOrTx, ids: string[]): Promise<Set<string>> =>
  new Set((await repo.findManyByIds(db, ids)).filter((u) => u.active).map((u) => u.id));
