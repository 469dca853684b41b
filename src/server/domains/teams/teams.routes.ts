import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import { zCreateTeamInput, zTeam, zUpdateTeamInput } from "../../../shared/contracts/people";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import { createTeam, listTeams, updateTeam } from "./teams.service";

export const teamsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["teams"];
  r.get(
    "/api/v1/teams",
    { config: { access: "user" }, schema: { tags, response: { 200: z.object({ items: z.array(zTeam) }) } } },
    async (req) => ({ items: await listTeams(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/teams",
    { config: { access: "user" }, schema: { tags, body: zCreateTeamInput, response: { 201: zTeam } } },
    async (req, reply) => reply.status(201).send(await createTeam(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/teams/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: ifMatchDescription("team"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateTeamInput,
        response: { 200: zTeam },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "team");
      const updated = await updateTeam(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
};
