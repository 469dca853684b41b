import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams, zOk } from "../../../shared/contracts/common";
import { zCreateViewInput, zUpdateViewInput, zView } from "../../../shared/contracts/views";
import { requireActor } from "../../platform/http";
import { createView, deleteView, listViews, updateView } from "./views.service";

export const viewsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["views"];
  r.get(
    "/api/v1/views",
    { config: { access: "user" }, schema: { tags, response: { 200: z.object({ items: z.array(zView) }) } } },
    async (req) => ({ items: await listViews(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/views",
    { config: { access: "user" }, schema: { tags, body: zCreateViewInput, response: { 201: zView } } },
    async (req, reply) => reply.status(201).send(await createView(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/views/:id",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zUpdateViewInput, response: { 200: zView } },
    },
    async (req) => await updateView(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/views/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zOk } } },
    async (req) => {
      await deleteView(app.ctx, requireActor(req), req.params.id);
      return { ok: true as const };
    },
  );
};
