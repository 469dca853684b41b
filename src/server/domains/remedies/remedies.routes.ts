import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams, zOk } from "../../../shared/contracts/common";
import {
  zAuthority,
  zAuthorityLimit,
  zAuthorityQuery,
  zCaseRemedies,
  zCreateAuthorityLimitInput,
  zGrantedRemedy,
  zGrantRemedyInput,
  zLedger,
  zLedgerExportQuery,
  zLedgerQuery,
  zRemedy,
  zReviewInput,
  zReviewQuery,
  zUpdateAuthorityLimitInput,
} from "../../../shared/contracts/remedies";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import {
  createAuthorityLimit,
  deleteAuthorityLimit,
  exportRemedyLedger,
  grantRemedy,
  listAuthorityLimits,
  listCaseRemedies,
  listReviewQueue,
  myAuthority,
  remedyLedger,
  reviewRemedy,
  updateAuthorityLimit,
} from "./remedies.service";

export const remediesRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["remedies"];
  r.get(
    "/api/v1/cases/:id/remedies",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "The case's remedies, their totals, and the caller's remaining authority in `currency`.",
        params: zIdParams,
        querystring: zAuthorityQuery,
        response: { 200: zCaseRemedies },
      },
    },
    async (req) => await listCaseRemedies(app.ctx, requireActor(req), req.params.id, req.query.currency),
  );
  r.post(
    "/api/v1/cases/:id/remedies",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Grants a remedy at once. Above the caller's authority it needs a `justification` and is flagged for review afterwards; it is never blocked.",
        params: zIdParams,
        body: zGrantRemedyInput,
        response: { 201: zGrantedRemedy },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await grantRemedy(app.ctx, requireActor(req), req.params.id, req.body)),
  );
  r.get(
    "/api/v1/remedies/authority",
    { config: { access: "user" }, schema: { tags, querystring: zAuthorityQuery, response: { 200: zAuthority } } },
    async (req) => await myAuthority(app.ctx, requireActor(req), req.query.currency),
  );
  r.get(
    "/api/v1/remedies/reviews",
    {
      config: { access: "user" },
      schema: { tags, querystring: zReviewQuery, response: { 200: z.object({ items: z.array(zRemedy) }) } },
    },
    async (req) => ({ items: await listReviewQueue(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/remedies/:id/review",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Approve, or ask to discuss, a remedy granted above authority. Neither takes anything back.",
        params: zIdParams,
        body: zReviewInput,
        response: { 200: zRemedy },
      },
    },
    async (req) => await reviewRemedy(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.get(
    "/api/v1/remedies/ledger",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "Remedy totals per currency by department, person, root cause, organization or month.",
        querystring: zLedgerQuery,
        response: { 200: zLedger },
      },
    },
    async (req) => await remedyLedger(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/remedies/ledger/export",
    {
      config: { access: "user" },
      schema: { tags, description: "The ledger's entries as CSV.", querystring: zLedgerExportQuery },
    },
    async (req, reply) => {
      const csv = await exportRemedyLedger(app.ctx, requireActor(req), req.query);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", 'attachment; filename="remedy-ledger.csv"')
        .header("cache-control", "private, no-store")
        .send(csv);
    },
  );
  r.get(
    "/api/v1/authority-limits",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, response: { 200: z.object({ items: z.array(zAuthorityLimit) }) } },
    },
    async (req) => ({ items: await listAuthorityLimits(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/authority-limits",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, body: zCreateAuthorityLimitInput, response: { 201: zAuthorityLimit } },
    },
    async (req, reply) => reply.status(201).send(await createAuthorityLimit(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/authority-limits/:id",
    {
      config: { access: "user", scope: "admin" },
      schema: {
        tags,
        description: ifMatchDescription("authority limit"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateAuthorityLimitInput,
        response: { 200: zAuthorityLimit },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "authority limit");
      const updated = await updateAuthorityLimit(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.delete(
    "/api/v1/authority-limits/:id",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, params: zIdParams, response: { 200: zOk } },
    },
    async (req) => {
      await deleteAuthorityLimit(app.ctx, requireActor(req), req.params.id);
      return { ok: true as const };
    },
  );
};
