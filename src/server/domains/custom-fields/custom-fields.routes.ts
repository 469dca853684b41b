import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zCreateCustomFieldInput, zCustomField, zUpdateCustomFieldInput } from "../../../shared/contracts/cases";
import { zIdParams } from "../../../shared/contracts/common";
import { requireActor } from "../../platform/http";
import { createCustomField, listCustomFields, updateCustomField } from "./custom-fields.service";

export const customFieldsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["custom fields"];
  r.get(
    "/api/v1/custom-fields",
    { config: { access: "user" }, schema: { tags, response: { 200: z.object({ items: z.array(zCustomField) }) } } },
    async (req) => ({ items: await listCustomFields(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/custom-fields",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, body: zCreateCustomFieldInput, response: { 201: zCustomField } },
    },
    async (req, reply) => reply.status(201).send(await createCustomField(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/custom-fields/:id",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, params: zIdParams, body: zUpdateCustomFieldInput, response: { 200: zCustomField } },
    },
    async (req) => await updateCustomField(app.ctx, requireActor(req), req.params.id, req.body),
  );
};
