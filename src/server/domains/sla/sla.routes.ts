import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams, zOk, zPage } from "../../../shared/contracts/common";
import {
  zBreachingItem,
  zBreachingQuery,
  zBusinessCalendar,
  zCaseSla,
  zCreateBusinessCalendarInput,
  zCreateSlaPolicyInput,
  zSlaClocksQuery,
  zSlaPolicy,
  zUpdateBusinessCalendarInput,
  zUpdateSlaPolicyInput,
} from "../../../shared/contracts/sla";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import { getCaseSla, listBreaching, listCaseSlas } from "./clocks.service";
import {
  createCalendar,
  createPolicy,
  deleteCalendar,
  deletePolicy,
  getCalendar,
  getPolicy,
  listCalendars,
  listPolicies,
  updateCalendar,
  updatePolicy,
} from "./sla.service";

export const slaRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["sla"];
  const admin = { access: "user", scope: "admin" } as const;

  r.get(
    "/api/v1/sla/calendars",
    {
      config: { access: "user" },
      schema: { tags, response: { 200: z.object({ items: z.array(zBusinessCalendar) }) } },
    },
    async (req) => ({ items: await listCalendars(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/sla/calendars",
    { config: admin, schema: { tags, body: zCreateBusinessCalendarInput, response: { 201: zBusinessCalendar } } },
    async (req, reply) => {
      const created = await createCalendar(app.ctx, requireActor(req), req.body);
      return reply.status(201).header("etag", etagOf(created.version)).send(created);
    },
  );
  r.get(
    "/api/v1/sla/calendars/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zBusinessCalendar } } },
    async (req, reply) => {
      const found = await getCalendar(app.ctx, requireActor(req), req.params.id);
      return reply.header("etag", etagOf(found.version)).send(found);
    },
  );
  r.patch(
    "/api/v1/sla/calendars/:id",
    {
      config: admin,
      schema: {
        tags,
        description: `Changing hours, holidays, the time zone or 24/7 re-plans every running clock on the calendar. ${ifMatchDescription("calendar")}`,
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateBusinessCalendarInput,
        response: { 200: zBusinessCalendar },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "calendar");
      const updated = await updateCalendar(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.delete(
    "/api/v1/sla/calendars/:id",
    { config: admin, schema: { tags, params: zIdParams, response: { 200: zOk } } },
    async (req) => {
      await deleteCalendar(app.ctx, requireActor(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/sla/policies",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "In matching order: the first active policy whose conditions all match a case applies.",
        response: { 200: z.object({ items: z.array(zSlaPolicy) }) },
      },
    },
    async (req) => ({ items: await listPolicies(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/sla/policies",
    { config: admin, schema: { tags, body: zCreateSlaPolicyInput, response: { 201: zSlaPolicy } } },
    async (req, reply) => {
      const created = await createPolicy(app.ctx, requireActor(req), req.body);
      return reply.status(201).header("etag", etagOf(created.version)).send(created);
    },
  );
  r.get(
    "/api/v1/sla/policies/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zSlaPolicy } } },
    async (req, reply) => {
      const found = await getPolicy(app.ctx, requireActor(req), req.params.id);
      return reply.header("etag", etagOf(found.version)).send(found);
    },
  );
  r.patch(
    "/api/v1/sla/policies/:id",
    {
      config: admin,
      schema: {
        tags,
        description: ifMatchDescription("SLA policy"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateSlaPolicyInput,
        response: { 200: zSlaPolicy },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "SLA policy");
      const updated = await updatePolicy(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.delete(
    "/api/v1/sla/policies/:id",
    { config: admin, schema: { tags, params: zIdParams, response: { 200: zOk } } },
    async (req) => {
      await deletePolicy(app.ctx, requireActor(req), req.params.id);
      return { ok: true as const };
    },
  );

  r.get(
    "/api/v1/cases/:id/sla",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "The case's SLA clocks (first response, next response, resolution) with due times and pauses, and clocks that breached even when no target applies to them any more (`targetMinutes: null`), each with its breach record: who was notified and why a recipient was not.",
        params: zIdParams,
        response: { 200: zCaseSla },
      },
    },
    async (req) => await getCaseSla(app.ctx, requireActor(req), req.params.id),
  );
  r.get(
    "/api/v1/sla/clocks",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "SLA clocks of up to 100 cases at once (e.g. a page of a case list): `?caseIds=a,b,c`.",
        querystring: zSlaClocksQuery,
        response: { 200: z.object({ items: z.array(zCaseSla) }) },
      },
    },
    async (req) => ({ items: await listCaseSlas(app.ctx, requireActor(req), req.query.caseIds) }),
  );
  r.get(
    "/api/v1/sla/breaching",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Breached running clocks first, by when they breached (also those whose target no longer applies), then running clocks soonest due; `withinMinutes=60` is “breaching in the next hour” (breached ones included unless `includeBreached=false`).",
        querystring: zBreachingQuery,
        response: { 200: zPage(zBreachingItem) },
      },
    },
    async (req) => await listBreaching(app.ctx, requireActor(req), req.query),
  );
};
