import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import { zCreateDepartmentInput, zDepartment, zUpdateDepartmentInput } from "../../../shared/contracts/people";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import { createDepartment, listDepartments, updateDepartment } from "./departments.service";

export const departmentsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["departments"];
  r.get(
    "/api/v1/departments",
    { config: { access: "user" }, schema: { tags, response: { 200: z.object({ items: z.array(zDepartment) }) } } },
    async (req) => ({ items: await listDepartments(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/departments",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, body: zCreateDepartmentInput, response: { 201: zDepartment } },
    },
    async (req, reply) => reply.status(201).send(await createDepartment(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/departments/:id",
    {
      config: { access: "user", scope: "admin" },
      schema: {
        tags,
        description: ifMatchDescription("department"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateDepartmentInput,
        response: { 200: zDepartment },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "department");
      const updated = await updateDepartment(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
};
