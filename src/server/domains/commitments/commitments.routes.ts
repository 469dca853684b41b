import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  zCancelCommitmentInput,
  zCommitment,
  zCommitmentListQuery,
  zCreateCommitmentInput,
  zKeepCommitmentInput,
} from "../../../shared/contracts/commitments";
import { zIdParams } from "../../../shared/contracts/common";
import { requireActor } from "../../platform/http";
import {
  cancelCommitment,
  createCommitment,
  keepCommitment,
  listCaseCommitments,
  listCommitments,
} from "./commitments.service";

export const commitmentsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["commitments"];
  r.get(
    "/api/v1/cases/:id/commitments",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, response: { 200: z.object({ items: z.array(zCommitment) }) } },
    },
    async (req) => ({ items: await listCaseCommitments(app.ctx, requireActor(req), req.params.id) }),
  );
  r.post(
    "/api/v1/cases/:id/commitments",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "A promise to the customer (a phone callback is `kind: callback`). The owner is reminded before it is due; still open at its due time, it is broken.",
        params: zIdParams,
        body: zCreateCommitmentInput,
        response: { 201: zCommitment },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await createCommitment(app.ctx, requireActor(req), req.params.id, req.body)),
  );
  r.get(
    "/api/v1/commitments",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Promises across cases, soonest due first, e.g. `?ownerId=me&state=open`.",
        querystring: zCommitmentListQuery,
        response: { 200: z.object({ items: z.array(zCommitment) }) },
      },
    },
    async (req) => ({ items: await listCommitments(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/commitments/:id/keep",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zKeepCommitmentInput, response: { 200: zCommitment } },
    },
    async (req) => await keepCommitment(app.ctx, requireActor(req), req.params.id, req.body.note),
  );
  r.post(
    "/api/v1/commitments/:id/cancel",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zCancelCommitmentInput, response: { 200: zCommitment } },
    },
    async (req) => await cancelCommitment(app.ctx, requireActor(req), req.params.id, req.body.note),
  );
};
