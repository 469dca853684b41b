import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { zAuditEntry, zAuditQuery } from "../../../shared/contracts/auth";
import { zPage } from "../../../shared/contracts/common";
import { requireActor } from "../../platform/http";
import { readAuditLog } from "./audit.service";

export const auditRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/audit",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags: ["audit"], querystring: zAuditQuery, response: { 200: zPage(zAuditEntry) } },
    },
    async (req) => await readAuditLog(app.ctx, requireActor(req), req.query),
  );
};
