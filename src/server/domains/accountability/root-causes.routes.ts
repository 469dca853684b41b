import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import {
  zCaseAccountability,
  zCorrectiveAction,
  zCorrectiveActionQuery,
  zCostCorrectionInput,
  zCreateCorrectiveActionInput,
  zCreateRootCauseCategoryInput,
  zRootCauseCategory,
  zRootCauseInput,
  zUpdateCorrectiveActionInput,
  zUpdateRootCauseCategoryInput,
  zUpstreamQuery,
  zUpstreamReport,
  zUpstreamReportQuery,
  zUpstreamView,
} from "../../../shared/contracts/root-causes";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import {
  correctCaseCost,
  createRootCauseCategory,
  getCaseAccountability,
  listRootCauseCategories,
  recordRootCause,
  updateRootCauseCategory,
} from "./root-causes.service";
import {
  createCorrectiveAction,
  getUpstreamReport,
  listCorrectiveActions,
  listUpstreamReports,
  updateCorrectiveAction,
  upstreamView,
} from "./upstream.service";

export const rootCausesRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["root causes"];
  r.get(
    "/api/v1/root-cause-categories",
    {
      config: { access: "user" },
      schema: { tags, response: { 200: z.object({ items: z.array(zRootCauseCategory) }) } },
    },
    async () => ({ items: await listRootCauseCategories(app.ctx) }),
  );
  r.post(
    "/api/v1/root-cause-categories",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, body: zCreateRootCauseCategoryInput, response: { 201: zRootCauseCategory } },
    },
    async (req, reply) => reply.status(201).send(await createRootCauseCategory(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/root-cause-categories/:id",
    {
      config: { access: "user", scope: "admin" },
      schema: {
        tags,
        description: ifMatchDescription("root cause category"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateRootCauseCategoryInput,
        response: { 200: zRootCauseCategory },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "root cause category");
      const updated = await updateRootCauseCategory(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.get(
    "/api/v1/cases/:id/root-cause",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "The case's root cause (required to solve complaints and incidents) and its cost of failure.",
        params: zIdParams,
        response: { 200: zCaseAccountability },
      },
    },
    async (req) => await getCaseAccountability(app.ctx, requireActor(req), req.params.id),
  );
  r.put(
    "/api/v1/cases/:id/root-cause",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zRootCauseInput, response: { 200: zCaseAccountability } },
    },
    async (req) => await recordRootCause(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.put(
    "/api/v1/cases/:id/cost-correction",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Corrects the measured handling time (minutes, signed) with a reason; the cost is recomputed.",
        params: zIdParams,
        body: zCostCorrectionInput,
        response: { 200: zCaseAccountability },
      },
    },
    async (req) => await correctCaseCost(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.get(
    "/api/v1/departments/:id/upstream",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "The failures charged to a department: its cases, cost of failure by month and category, repeat failures and corrective actions.",
        params: zIdParams,
        querystring: zUpstreamQuery,
        response: { 200: zUpstreamView },
      },
    },
    async (req) => await upstreamView(app.ctx, requireActor(req), req.params.id, req.query),
  );
  r.get(
    "/api/v1/corrective-actions",
    {
      config: { access: "user" },
      schema: {
        tags,
        querystring: zCorrectiveActionQuery,
        response: { 200: z.object({ items: z.array(zCorrectiveAction) }) },
      },
    },
    async (req) => ({ items: await listCorrectiveActions(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/corrective-actions",
    {
      config: { access: "user" },
      schema: { tags, body: zCreateCorrectiveActionInput, response: { 201: zCorrectiveAction } },
    },
    async (req, reply) => reply.status(201).send(await createCorrectiveAction(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/corrective-actions/:id",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zUpdateCorrectiveActionInput, response: { 200: zCorrectiveAction } },
    },
    async (req) => await updateCorrectiveAction(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.get(
    "/api/v1/upstream-reports",
    {
      config: { access: "user" },
      schema: {
        tags,
        querystring: zUpstreamReportQuery,
        response: { 200: z.object({ items: z.array(zUpstreamReport) }) },
      },
    },
    async (req) => ({ items: await listUpstreamReports(app.ctx, requireActor(req), req.query) }),
  );
  r.get(
    "/api/v1/upstream-reports/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zUpstreamReport } } },
    async (req) => await getUpstreamReport(app.ctx, requireActor(req), req.params.id),
  );
};
