import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { zIdParams, zPage } from "../../../shared/contracts/common";
import {
  zCreateOrganizationInput,
  zCustomerListQuery,
  zOrganization,
  zUpdateOrganizationInput,
} from "../../../shared/contracts/customers";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import { createOrganization, getOrganization, listOrganizations, updateOrganization } from "./organizations.service";

export const organizationsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["organizations"];
  r.get(
    "/api/v1/organizations",
    {
      config: { access: "user" },
      schema: {
        tags,
        querystring: zCustomerListQuery.omit({ organizationId: true }),
        response: { 200: zPage(zOrganization) },
      },
    },
    async (req) => await listOrganizations(app.ctx, requireActor(req), req.query),
  );
  r.post(
    "/api/v1/organizations",
    { config: { access: "user" }, schema: { tags, body: zCreateOrganizationInput, response: { 201: zOrganization } } },
    async (req, reply) => {
      const created = await createOrganization(app.ctx, requireActor(req), req.body);
      return reply.status(201).header("etag", etagOf(created.version)).send(created);
    },
  );
  r.get(
    "/api/v1/organizations/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zOrganization } } },
    async (req, reply) => {
      const found = await getOrganization(app.ctx, requireActor(req), req.params.id);
      return reply.header("etag", etagOf(found.version)).send(found);
    },
  );
  r.patch(
    "/api/v1/organizations/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: ifMatchDescription("organization"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateOrganizationInput,
        response: { 200: zOrganization },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "organization");
      const updated = await updateOrganization(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
};
