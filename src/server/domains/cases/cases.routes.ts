import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  zCase,
  zCaseCount,
  zCaseDetail,
  zCaseHistory,
  zCaseListQuery,
  zCreateCaseInput,
  zFollowerInput,
  zFollowerParams,
  zLinkCaseInput,
  zLinkParams,
  zMergeCaseInput,
  zSearchHit,
  zSearchQuery,
  zUpdateCaseInput,
} from "../../../shared/contracts/cases";
import { zIdParams, zPage } from "../../../shared/contracts/common";
import { etagOf, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import {
  addFollower,
  countCases,
  getCase,
  linkCases,
  listCases,
  mergeCase,
  openCase,
  removeFollower,
  searchCases,
  unlinkCases,
  updateCase,
} from "./cases.service";
import { caseHistory } from "./history.service";

export const casesRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["cases"];
  r.get(
    "/api/v1/cases",
    { config: { access: "user" }, schema: { tags, querystring: zCaseListQuery, response: { 200: zPage(zCase) } } },
    async (req) => await listCases(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/cases/count",
    {
      config: { access: "user" },
      schema: {
        tags,
        querystring: zCaseListQuery.omit({ sort: true, limit: true, cursor: true }),
        response: { 200: zCaseCount },
      },
    },
    async (req) => await countCases(app.ctx, requireActor(req), { ...req.query, sort: "-updated_at", limit: 1 }),
  );
  r.post(
    "/api/v1/cases",
    { config: { access: "user" }, schema: { tags, body: zCreateCaseInput, response: { 201: zCase } } },
    async (req, reply) => {
      const created = await openCase(app.ctx, requireActor(req), req.body);
      return reply.status(201).header("etag", etagOf(created.version)).send(created);
    },
  );
  r.get(
    "/api/v1/cases/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zCaseDetail } } },
    async (req, reply) => {
      const found = await getCase(app.ctx, requireActor(req), req.params.id);
      return reply.header("etag", etagOf(found.version)).send(found);
    },
  );
  r.get(
    "/api/v1/cases/:id/history",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "What changed on the case, by whom or by what (an SLA action, a job), oldest first.",
        params: zIdParams,
        response: { 200: zCaseHistory },
      },
    },
    async (req) => await caseHistory(app.ctx, requireActor(req), req.params.id),
  );
  r.patch(
    "/api/v1/cases/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Requires `If-Match: <version>`; a stale version is answered 409 with the current version.",
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateCaseInput,
        response: { 200: zCase },
      },
    },
    async (req, reply) => {
      const updated = await updateCase(
        app.ctx,
        requireActor(req),
        req.params.id,
        versionFromIfMatch(req.headers["if-match"], "case"),
        req.body,
      );
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.post(
    "/api/v1/cases/:id/merge",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zMergeCaseInput, response: { 200: zCase } },
    },
    async (req) => await mergeCase(app.ctx, requireActor(req), req.params.id, req.body.targetCaseId),
  );
  r.post(
    "/api/v1/cases/:id/links",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zLinkCaseInput, response: { 201: zCaseDetail } },
    },
    async (req, reply) => reply.status(201).send(await linkCases(app.ctx, requireActor(req), req.params.id, req.body)),
  );
  r.delete(
    "/api/v1/cases/:id/links/:linkId",
    { config: { access: "user" }, schema: { tags, params: zLinkParams, response: { 200: zCaseDetail } } },
    async (req) => await unlinkCases(app.ctx, requireActor(req), req.params.id, req.params.linkId),
  );
  r.post(
    "/api/v1/cases/:id/followers",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zFollowerInput, response: { 200: zCaseDetail } },
    },
    async (req) => await addFollower(app.ctx, requireActor(req), req.params.id, req.body.userId),
  );
  r.delete(
    "/api/v1/cases/:id/followers/:userId",
    { config: { access: "user" }, schema: { tags, params: zFollowerParams, response: { 200: zCaseDetail } } },
    async (req) => await removeFollower(app.ctx, requireActor(req), req.params.id, req.params.userId),
  );
  r.get(
    "/api/v1/search",
    {
      config: { access: "user" },
      schema: {
        tags: ["search"],
        description: 'Full-text search over case subjects and messages (web-search syntax: "phrase", -word, or).',
        querystring: zSearchQuery,
        response: { 200: z.object({ items: z.array(zSearchHit) }) },
      },
    },
    async (req) => ({ items: await searchCases(app.ctx, requireActor(req), req.query.q, req.query.limit) }),
  );
};
