import type { z } from "zod";
import type { TChangePasswordInput, TUser, zApiToken, zCreateApiTokenInput } from "../../../shared/contracts/people";
import type { ApiTokenScope } from "../../../shared/domain";
import { type Actor, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import type { DeactivationStep } from "../../platform/deactivation";
import { AppError, notFound } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { type Authentication, type RefusedCredential, tokenAllows } from "../../platform/http";
import { ensureVisible } from "../../platform/policy";
import { randomToken, sha256 } from "../../platform/secrets";
import type { SignOut } from "../../platform/sign-out";
import { enqueueSystemMail, systemMailAvailable } from "../email/system-mail.service";
import {
  findActiveUserByEmail,
  isCurrentPassword,
  presentUser,
  setOwnPassword,
  verifyCredentials,
} from "../users/users.service";
import { apiTokensPolicy } from "./auth.policy";
import * as repo from "./auth.repository";

const FAILURE_WINDOW_MS = 15 * 60_000;
const TOKEN_PREFIX = "em_";

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  user: TUser;
}

const MAX_DELAY_MS = 60_000;

/**
 * How long the next sign-in for one account from one address waits after `failures` failed ones: nothing for the
 * first `free`, then 1 s doubling up to a minute. Per account and address, never a lock: the account's owner at
 * another address is not slowed, and whoever guesses can never keep them out.
 */
export const signInDelayMs = (failures: number, free: number): number =>
  failures < free ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(failures - free, 16));

export const login = async (
  ctx: ServiceContext,
  input: { email: string; password: string },
  ip: string,
): Promise<LoginResult> => {
  const now = new Date();
  const failures = await repo.recentFailures(ctx.db, input.email, ip, new Date(now.getTime() - FAILURE_WINDOW_MS));
  const wait = signInDelayMs(failures.count, ctx.config.loginMaxFailures);
  if (failures.last && now.getTime() - failures.last.getTime() < wait) {
    const seconds = Math.ceil((wait - (now.getTime() - failures.last.getTime())) / 1000);
    throw new AppError(
      "RATE_LIMITED",
      `Too many failed sign-ins for this account from your network; wait ${seconds} s`,
    );
  }
  const user = await verifyCredentials(ctx.db, input.email, input.password);
  await repo.recordLoginAttempt(ctx.db, input.email, ip, user !== null);
  if (!user) throw new AppError("UNAUTHENTICATED", "Wrong email or password");
  const sessionToken = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionDays * 86_400_000);
  await repo.insertSession(ctx.db, { tokenHash: sha256(sessionToken), userId: user.id, csrfToken, expiresAt });
  await repo.deleteExpiredSessions(ctx.db, now);
  return { sessionToken, csrfToken, expiresAt, user: presentUser(user) };
};

export const logout = async (ctx: ServiceContext, sessionToken: string): Promise<void> => {
  await repo.deleteSession(ctx.db, sha256(sessionToken));
};

const actorOf = (o: repo.CredentialOwner): Actor => ({
  type: "user",
  id: o.userId,
  name: o.name,
  role: o.role,
  departmentId: o.departmentId,
  teamIds: o.teamIds,
  scopes: o.scopes as ApiTokenScope[] | null,
});

const TOUCH_EVERY_MS = 60_000;

/** Resolves a session cookie or a bearer token to the actor behind it (one query; a write at most once a minute). */
export const authenticate = async (
  ctx: ServiceContext,
  credentials: { sessionToken?: string | undefined; bearerToken?: string | undefined },
): Promise<Authentication | { refused: RefusedCredential } | null> => {
  const now = new Date();
  if (credentials.bearerToken) {
    const owner = await repo.findTokenOwner(ctx.db, sha256(credentials.bearerToken), now);
    if (!owner) return { refused: "token" };
    if (now.getTime() - new Date(owner.lastUsedAt).getTime() > TOUCH_EVERY_MS)
      await repo.touchToken(ctx.db, owner.credentialId, now);
    return { actor: actorOf(owner), via: "token", csrfToken: null };
  }
  if (credentials.sessionToken) {
    const owner = await repo.findSessionOwner(ctx.db, sha256(credentials.sessionToken), now);
    if (!owner) return { refused: "session" };
    if (now.getTime() - new Date(owner.lastUsedAt).getTime() > TOUCH_EVERY_MS)
      await repo.touchSession(ctx.db, owner.credentialId, now);
    return { actor: actorOf(owner), via: "session", csrfToken: owner.csrfToken };
  }
  return null;
};

type TApiToken = z.output<typeof zApiToken>;

const presentToken = (t: repo.ApiTokenRow): TApiToken => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes as ApiTokenScope[],
  expiresAt: t.expiresAt,
  revokedAt: t.revokedAt,
  lastUsedAt: t.lastUsedAt,
  createdAt: t.createdAt,
});

export const listApiTokens = async (ctx: ServiceContext, actor: Actor): Promise<TApiToken[]> =>
  (await repo.tokensOf(ctx.db, actor.id)).map(presentToken);

export const createApiToken = async (
  ctx: ServiceContext,
  actor: Actor,
  input: z.output<typeof zCreateApiTokenInput>,
): Promise<{ token: string; apiToken: TApiToken }> => {
  if (input.scopes.includes("admin") && actor.role !== "admin") {
    throw new AppError("FORBIDDEN", "Only admins create tokens with the admin scope", "scopes");
  }
  const own = actor.scopes;
  if (own && !input.scopes.every((s) => tokenAllows(own, s))) {
    throw new AppError("FORBIDDEN", "A token cannot create a token with more scopes than its own", "scopes");
  }
  const secret = randomToken();
  const prefix = secret.slice(0, 8);
  const token = `${TOKEN_PREFIX}${secret}`;
  return await inTransaction(ctx, async (tx) => {
    const row = await repo.insertToken(tx, {
      userId: actor.id,
      name: input.name,
      prefix: `${TOKEN_PREFIX}${prefix}`,
      tokenHash: sha256(token),
      scopes: [...new Set(input.scopes)],
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    });
    await recordEvents(tx, actor, [
      {
        type: "api_token.created",
        aggregateType: "user",
        aggregateId: actor.id,
        payload: { before: null, after: { tokenId: row.id, name: row.name, scopes: row.scopes } },
      },
    ]);
    return { token, apiToken: presentToken(row) };
  });
};

export const revokeApiToken = async (ctx: ServiceContext, actor: Actor, id: string): Promise<TApiToken> =>
  await inTransaction(ctx, async (tx) => {
    const row = await repo.findToken(tx, id);
    ensureVisible(!!row && apiTokensPolicy.can(actor, "manage", row), "API token");
    if (!row) throw notFound("API token");
    if (row.revokedAt) return presentToken(row);
    const after = await repo.revokeToken(tx, id, new Date());
    if (!after) throw notFound("API token");
    await recordEvents(tx, actor, [
      {
        type: "api_token.revoked",
        aggregateType: "user",
        aggregateId: actor.id,
        payload: {
          before: { tokenId: id, revokedAt: null },
          after: { tokenId: id, revokedAt: after.revokedAt?.toISOString() },
        },
      },
    ]);
    return presentToken(after);
  });

const RESET_LINK_MINUTES = 60;

export const PASSWORD_RESET_SENT =
  "If an active account uses this address, we emailed it a link to choose a new password. The link works once, for 60 minutes.";

/**
 * Refuses a reset request outright only where mail is not set up (the route limits requests per network and per
 * address, known or not); answers `work`, which the caller runs after answering, so known and unknown addresses
 * take the same time.
 */
export const requestPasswordReset = async (
  ctx: ServiceContext,
  email: string,
  ip: string,
): Promise<{ work: () => Promise<void> }> => {
  if (!(await systemMailAvailable(ctx))) {
    throw new AppError(
      "UNAVAILABLE",
      "Password reset by email is not set up here; ask an administrator for a new password",
    );
  }
  return { work: async () => await mailPasswordReset(ctx, email, ip) };
};

/** Emails a single-use reset link to an active employee (a newer link voids the older ones). */
const mailPasswordReset = async (ctx: ServiceContext, email: string, ip: string): Promise<void> => {
  const user = await findActiveUserByEmail(ctx.db, email);
  if (!user) return;
  const token = randomToken();
  const link = new URL(`/reset-password?token=${encodeURIComponent(token)}`, ctx.config.publicUrl).toString();
  await inTransaction(ctx, async (tx) => {
    await repo.insertPasswordReset(tx, {
      userId: user.id,
      tokenHash: sha256(token),
      ip,
      expiresAt: new Date(Date.now() + RESET_LINK_MINUTES * 60_000),
    });
    await enqueueSystemMail(ctx, tx, {
      purpose: "password_reset",
      to: user.email,
      subject: "Choose a new Extramile password",
      text: [
        `Hello ${user.name},`,
        "",
        "someone (hopefully you) asked to reset your Extramile password. Choose a new one here:",
        "",
        link,
        "",
        `The link works once, for ${RESET_LINK_MINUTES} minutes. If you did not ask, ignore this mail: your password stays as it is.`,
      ].join("\n"),
    });
  });
};

/**
 * Sets the new password for the link's owner, signs them out everywhere and revokes their API tokens (whoever
 * could read their mail may have made some); the link is spent.
 */
export const confirmPasswordReset = async (
  ctx: ServiceContext,
  input: { token: string; password: string },
): Promise<void> => {
  const done = await inTransaction(ctx, async (tx) => {
    const userId = await repo.consumePasswordReset(tx, sha256(input.token), new Date());
    if (!userId || !(await setOwnPassword(tx, userId, input.password))) return false;
    await repo.deleteSessionsOf(tx, userId);
    const revoked = await repo.revokeTokensOf(tx, userId, new Date());
    await recordEvents(
      tx,
      SYSTEM,
      revoked.map((tokenId) => ({
        type: "api_token.revoked",
        aggregateType: "user",
        aggregateId: userId,
        payload: { before: { tokenId, revokedAt: null }, after: { tokenId, reason: "password reset by email" } },
      })),
    );
    return true;
  });
  if (!done) {
    throw new AppError("VALIDATION_FAILED", "This reset link is invalid, used or expired; ask for a new one", "token");
  }
};

/**
 * The caller changes their own password: the current one is required (a session left open on a shared computer
 * must not be enough), and every other session of theirs ends; the one making the change stays signed in.
 */
export const changeOwnPassword = async (
  ctx: ServiceContext,
  actor: Actor,
  input: TChangePasswordInput,
  currentSessionToken: string | undefined,
): Promise<void> => {
  if (!(await isCurrentPassword(ctx.db, actor.id, input.currentPassword))) {
    throw new AppError("VALIDATION_FAILED", "That is not your current password", "currentPassword");
  }
  await inTransaction(ctx, async (tx) => {
    if (!(await setOwnPassword(tx, actor.id, input.newPassword))) throw notFound("User");
    await repo.deleteSessionsOf(tx, actor.id, currentSessionToken ? sha256(currentSessionToken) : undefined);
  });
};

/** How the users domain ends an employee's sessions (an admin set their password). */
export const signOut: SignOut = {
  everywhere: async (tx, userId) => await repo.deleteSessionsOf(tx, userId),
};

/** On deactivation: the leaver's sessions end with it (their API tokens stop working with their account). */
export const endSessionsOnDeactivation: DeactivationStep = {
  name: "auth.sessions",
  apply: async (tx, _actor, leaver) => {
    await repo.deleteSessionsOf(tx, leaver.id);
    return {};
  },
};
