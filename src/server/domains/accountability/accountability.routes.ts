import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  zCracksDigest,
  zCracksQuery,
  zCracksReport,
  zCreateLeaveInput,
  zHandover,
  zLeave,
  zLeaveListQuery,
} from "../../../shared/contracts/accountability";
import { zIdParams, zOk } from "../../../shared/contracts/common";
import { requireActor } from "../../platform/http";
import {
  createLeave,
  deleteLeave,
  getCracksReport,
  getHandover,
  listLeave,
  listMyDigests,
} from "./accountability.service";

export const accountabilityRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/cracks",
    {
      config: { access: "user" },
      schema: {
        tags: ["cracks"],
        description:
          "What slips through the cracks — overdue next steps, no activity for N business hours, owners on leave or deactivated, cases held by someone outside the team's department for M hours, broken promises — itemised and counted per person, team and department. Supervisors, admins and executives see everyone's; others their own.",
        querystring: zCracksQuery,
        response: { 200: zCracksReport },
      },
    },
    async (req) => await getCracksReport(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/cracks/digests",
    {
      config: { access: "user" },
      schema: {
        tags: ["cracks"],
        description:
          "The caller's daily cracks digests (built for supervisors and department directors), newest first.",
        response: { 200: z.object({ items: z.array(zCracksDigest) }) },
      },
    },
    async (req) => ({ items: await listMyDigests(app.ctx, requireActor(req)) }),
  );
  r.get(
    "/api/v1/leave",
    {
      config: { access: "user" },
      schema: {
        tags: ["leave"],
        querystring: zLeaveListQuery,
        response: { 200: z.object({ items: z.array(zLeave) }) },
      },
    },
    async (req) => ({ items: await listLeave(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/leave",
    {
      config: { access: "user" },
      schema: {
        tags: ["leave"],
        description: "Marks leave (out of office) for the caller, or — for supervisors and admins — for anyone.",
        body: zCreateLeaveInput,
        response: { 201: zLeave },
      },
    },
    async (req, reply) => reply.status(201).send(await createLeave(app.ctx, requireActor(req), req.body)),
  );
  r.delete(
    "/api/v1/leave/:id",
    { config: { access: "user" }, schema: { tags: ["leave"], params: zIdParams, response: { 200: zOk } } },
    async (req) => {
      await deleteLeave(app.ctx, requireActor(req), req.params.id);
      return { ok: true as const };
    },
  );
  r.get(
    "/api/v1/leave/:id/handover",
    {
      config: { access: "user" },
      schema: {
        tags: ["leave"],
        description:
          "What to hand over before this leave: the person's working cases whose next step falls due before they are back (overdue ones flagged) and their open promises due by then.",
        params: zIdParams,
        response: { 200: zHandover },
      },
    },
    async (req) => await getHandover(app.ctx, requireActor(req), req.params.id),
  );
};
