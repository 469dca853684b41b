import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import {
  zCreateUserInput,
  zDeactivateResult,
  zDeactivateUserInput,
  zUpdateMeInput,
  zUpdateUserInput,
  zUser,
  zUserListQuery,
} from "../../../shared/contracts/people";
import { requireActor } from "../../platform/http";
import { createUser, deactivateUser, getUser, listUsers, updateOwnProfile, updateUser } from "./users.service";

export const usersRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["users"];
  r.get("/api/v1/me", { config: { access: "user" }, schema: { tags, response: { 200: zUser } } }, async (req) => {
    const actor = requireActor(req);
    return await getUser(app.ctx, actor, actor.id);
  });
  r.patch(
    "/api/v1/me",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Changes the caller's own name and time zone. Passwords change on POST /api/v1/me/password.",
        body: zUpdateMeInput,
        response: { 200: zUser },
      },
    },
    async (req) => await updateOwnProfile(app.ctx, requireActor(req), req.body),
  );
  r.get(
    "/api/v1/users",
    {
      config: { access: "user" },
      schema: { tags, querystring: zUserListQuery, response: { 200: z.object({ items: z.array(zUser) }) } },
    },
    async (req) => ({ items: await listUsers(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/users",
    { config: { access: "user", scope: "admin" }, schema: { tags, body: zCreateUserInput, response: { 201: zUser } } },
    async (req, reply) => reply.status(201).send(await createUser(app.ctx, requireActor(req), req.body)),
  );
  r.get(
    "/api/v1/users/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zUser } } },
    async (req) => await getUser(app.ctx, requireActor(req), req.params.id),
  );
  r.patch(
    "/api/v1/users/:id",
    {
      config: { access: "user", scope: "admin" },
      schema: {
        tags,
        description:
          "User administration (admins, tokens with the admin scope). Setting a password ends the employee's sessions.",
        params: zIdParams,
        body: zUpdateUserInput,
        response: { 200: zUser },
      },
    },
    async (req) => await updateUser(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.post(
    "/api/v1/users/:id/deactivate",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, params: zIdParams, body: zDeactivateUserInput, response: { 200: zDeactivateResult } },
    },
    async (req) => await deactivateUser(app.ctx, requireActor(req), req.params.id, req.body),
  );
};
