import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zCreateCustomFieldInput, zCustomField, zUpdateCustomFieldInput } from "../../../shared/contracts/cases";
import { zIdParams } from "../../../shared/contracts/common";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
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
      schema: {
        tags,
        description: ifMatchDescription("custom field"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateCustomFieldInput,
        response: { 200: zCustomField },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "custom field");
      const updated = await updateCustomField(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
};
