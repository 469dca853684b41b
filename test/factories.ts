import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createApiToken } from "../src/server/domains/auth/auth.service";
import { openCase } from "../src/server/domains/cases/cases.service";
import { createDepartment } from "../src/server/domains/departments/departments.service";
import { createTeam } from "../src/server/domains/teams/teams.service";
import { createUser, loadActor } from "../src/server/domains/users/users.service";
import { SYSTEM } from "../src/server/platform/actor";
import type { TCase } from "../src/shared/contracts/cases";
import type { TDepartment, TUser } from "../src/shared/contracts/people";
import type { UserRole } from "../src/shared/domain";
import { asBearer, type Caller } from "./app";

export const uniq = (prefix = "t"): string => `${prefix}-${randomBytes(5).toString("hex")}`;

export interface TestUser {
  user: TUser;
  token: string;
  call: Caller;
}

/** An active employee with a personal API token (read, write and, for admins, admin scopes). */
export const makeUser = async (
  app: FastifyInstance,
  opts: { role?: UserRole; departmentId?: string | null; password?: string; name?: string } = {},
): Promise<TestUser> => {
  const role = opts.role ?? "agent";
  const user = await createUser(app.ctx, SYSTEM, {
    email: `${uniq(role)}@staff.test`,
    name: opts.name ?? `${role} ${uniq("")}`,
    role,
    departmentId: opts.departmentId ?? null,
    timeZone: "UTC",
    ...(opts.password ? { password: opts.password } : {}),
  });
  const actor = await loadActor(app.ctx.db, user.id, null);
  if (!actor) throw new Error("user not active");
  const { token } = await createApiToken(app.ctx, actor, {
    name: "test",
    scopes: role === "admin" ? ["read", "write", "admin"] : ["read", "write"],
    expiresInDays: 1,
  });
  return { user, token, call: asBearer(app, token) };
};

export const makeDepartment = async (
  app: FastifyInstance,
  kind: "service" | "operations" = "service",
): Promise<TDepartment> =>
  await createDepartment(app.ctx, SYSTEM, { name: uniq("dept"), kind, hourlyCostMinor: 6000, currency: "EUR" });

export const makeTeam = async (
  app: FastifyInstance,
  opts: { leadId?: string | null; memberIds?: string[]; departmentId?: string | null } = {},
) =>
  await createTeam(app.ctx, SYSTEM, {
    name: uniq("team"),
    leadId: opts.leadId ?? null,
    memberIds: opts.memberIds ?? [],
    departmentId: opts.departmentId ?? null,
  });

/** A case owned by `ownerId` (opened by the system, so no creator becomes a follower). */
export const makeCase = async (
  app: FastifyInstance,
  ownerId: string,
  overrides: Partial<Parameters<typeof openCase>[2]> = {},
): Promise<TCase> =>
  await openCase(app.ctx, SYSTEM, {
    subject: overrides.subject ?? `Case ${uniq()}`,
    requester: overrides.requester ?? { email: `${uniq("customer")}@customer.test`, name: "Casey Customer" },
    status: "new",
    priority: "normal",
    type: "question",
    channel: "api",
    tags: [],
    customFields: {},
    followerIds: [],
    ownerId,
    ...overrides,
  });
