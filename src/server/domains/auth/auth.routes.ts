import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  zLoginInput,
  zPasswordResetConfirm,
  zPasswordResetRequest,
  zPasswordResetRequested,
  zSession,
} from "../../../shared/contracts/auth";
import { zIdParams, zOk } from "../../../shared/contracts/common";
import {
  zApiToken,
  zChangePasswordInput,
  zCreateApiTokenInput,
  zCreatedApiToken,
} from "../../../shared/contracts/people";
import { afterResponse } from "../../platform/after-response";
import { CSRF_COOKIE, requireActor, SESSION_COOKIE } from "../../platform/http";
import { getUser } from "../users/users.service";
import {
  changeOwnPassword,
  confirmPasswordReset,
  createApiToken,
  listApiTokens,
  login,
  logout,
  PASSWORD_RESET_SENT,
  requestPasswordReset,
  revokeApiToken,
} from "./auth.service";

export const authRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["auth"];
  r.post(
    "/api/v1/auth/login",
    {
      config: { access: "public" },
      schema: { tags, security: [], body: zLoginInput, response: { 200: zSession } },
    },
    async (req, reply) => {
      await app.limiters.loginPerIp(req, reply, req.ip);
      const result = await login(app.ctx, req.body, req.ip);
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: app.ctx.config.secureCookies,
        expires: result.expiresAt,
      });
      reply.setCookie(CSRF_COOKIE, result.csrfToken, {
        path: "/",
        sameSite: "strict",
        secure: app.ctx.config.secureCookies,
        expires: result.expiresAt,
      });
      return { user: result.user, csrfToken: result.csrfToken };
    },
  );
  r.post(
    "/api/v1/auth/logout",
    { config: { access: "user" }, schema: { tags, response: { 200: zOk } } },
    async (req, reply) => {
      requireActor(req);
      const token = req.cookies[SESSION_COOKIE];
      if (token) await logout(app.ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      reply.clearCookie(CSRF_COOKIE, { path: "/" });
      return { ok: true as const };
    },
  );
  r.post(
    "/api/v1/auth/password-reset",
    {
      config: { access: "public" },
      schema: {
        tags,
        security: [],
        description:
          "Emails a single-use link to choose a new password (60 minutes). The answer is the same whether or not the address belongs to an employee; 503 when outbound mail is not configured.",
        body: zPasswordResetRequest,
        response: { 202: zPasswordResetRequested },
      },
    },
    async (req, reply) => {
      await app.limiters.passwordResetPerIp(req, reply, req.ip);
      await app.limiters.passwordResetPerAddress(req, reply, req.body.email);
      const { work } = await requestPasswordReset(app.ctx, req.body.email, req.ip);
      afterResponse(req, work);
      return reply.status(202).send({ message: PASSWORD_RESET_SENT });
    },
  );
  r.post(
    "/api/v1/auth/password-reset/confirm",
    {
      config: { access: "public" },
      schema: {
        tags,
        security: [],
        description: "Sets a new password with the emailed token and ends the employee's sessions everywhere.",
        body: zPasswordResetConfirm,
        response: { 200: zOk },
      },
    },
    async (req) => {
      await confirmPasswordReset(app.ctx, req.body);
      return { ok: true as const };
    },
  );
  r.get(
    "/api/v1/auth/session",
    { config: { access: "user" }, schema: { tags, response: { 200: zSession } } },
    async (req) => {
      const actor = requireActor(req);
      return { user: await getUser(app.ctx, actor, actor.id), csrfToken: req.csrfToken ?? "" };
    },
  );
  r.post(
    "/api/v1/me/password",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Changes the caller's password. Needs the current password; ends every other session of the caller (this one stays signed in).",
        body: zChangePasswordInput,
        response: { 200: zOk },
      },
    },
    async (req) => {
      await changeOwnPassword(app.ctx, requireActor(req), req.body, req.cookies[SESSION_COOKIE]);
      return { ok: true as const };
    },
  );
  r.get(
    "/api/v1/me/tokens",
    { config: { access: "user" }, schema: { tags, response: { 200: z.object({ items: z.array(zApiToken) }) } } },
    async (req) => ({ items: await listApiTokens(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/me/tokens",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Creates a personal API token. The token is shown once; only its hash is stored.",
        body: zCreateApiTokenInput,
        response: { 201: zCreatedApiToken },
      },
    },
    async (req, reply) => reply.status(201).send(await createApiToken(app.ctx, requireActor(req), req.body)),
  );
  r.delete(
    "/api/v1/me/tokens/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zApiToken } } },
    async (req) => await revokeApiToken(app.ctx, requireActor(req), req.params.id),
  );
};
