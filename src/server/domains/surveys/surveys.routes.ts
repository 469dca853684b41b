import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import {
  CSAT_RATINGS,
  zCaseCsat,
  zCsatAnswerInput,
  zCsatReport,
  zCsatReportQuery,
  zNpsAnswerInput,
  zNpsReport,
  zNpsReportQuery,
  zSurveyAnswerResult,
  zSurveySettings,
  zSurveyToken,
  zUpdateSurveySettingsInput,
} from "../../../shared/contracts/surveys";
import { requireActor } from "../../platform/http";
import { acceptForms, brandFor, PUBLIC_PAGE_HEADERS } from "../knowledge/public-page";
import { csatConfirmPage, invalidSurveyPage, npsConfirmPage, thanksPage } from "./surveys.pages";
import {
  answerCsat,
  answerNps,
  caseCsat,
  csatReport,
  csatSurveyForLink,
  getSurveySettings,
  npsReport,
  npsSurveyForLink,
  updateSurveySettings,
} from "./surveys.service";

const zTokenParams = z.strictObject({ token: zSurveyToken });
const zCsatFormBody = z.object({ rating: z.enum(CSAT_RATINGS), comment: z.string().max(4000).default("") });
const zNpsFormBody = z.object({
  score: z.coerce.number().int().min(0).max(10),
  comment: z.string().max(4000).default(""),
});

const html = (reply: FastifyReply, status: number, body: string) =>
  reply
    .status(status)
    .headers({ ...PUBLIC_PAGE_HEADERS, "cache-control": "no-store" })
    .send(body);

export const surveysRoutes = async (app: FastifyInstance): Promise<void> => {
  acceptForms(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["surveys"];
  r.get(
    "/api/v1/survey-settings",
    { config: { access: "user" }, schema: { tags, response: { 200: zSurveySettings } } },
    async (req) => await getSurveySettings(app.ctx, requireActor(req)),
  );
  r.patch(
    "/api/v1/survey-settings",
    {
      config: { access: "user", scope: "admin" },
      schema: { tags, body: zUpdateSurveySettingsInput, response: { 200: zSurveySettings } },
    },
    async (req) => await updateSurveySettings(app.ctx, requireActor(req), req.body),
  );
  r.get(
    "/api/v1/cases/:id/csat",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "The case's satisfaction survey and its answer.",
        params: zIdParams,
        response: { 200: zCaseCsat },
      },
    },
    async (req) => await caseCsat(app.ctx, requireActor(req), req.params.id),
  );
  r.get(
    "/api/v1/reports/csat",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "CSAT of surveys sent in the period, per person, team or department owning the case when solved.",
        querystring: zCsatReportQuery,
        response: { 200: zCsatReport },
      },
    },
    async (req) => await csatReport(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/reports/nps",
    { config: { access: "user" }, schema: { tags, querystring: zNpsReportQuery, response: { 200: zNpsReport } } },
    async (req) => await npsReport(app.ctx, requireActor(req), req.query),
  );
  r.post(
    "/api/v1/surveys/csat/answers",
    {
      config: { access: "public" },
      schema: {
        tags,
        description: "Answers a CSAT survey with the token from its link; the first answer counts.",
        security: [],
        body: zCsatAnswerInput,
        response: { 200: zSurveyAnswerResult },
      },
    },
    async (req) => await answerCsat(app.ctx, req.body),
  );
  r.post(
    "/api/v1/surveys/nps/answers",
    {
      config: { access: "public" },
      schema: {
        tags,
        description: "Answers an NPS survey with the token from its link; the first answer counts.",
        security: [],
        body: zNpsAnswerInput,
        response: { 200: zSurveyAnswerResult },
      },
    },
    async (req) => await answerNps(app.ctx, req.body),
  );

  r.get(
    "/surveys/csat/:token",
    {
      config: { access: "public" },
      schema: { hide: true, params: zTokenParams, querystring: z.object({ rating: z.string().optional() }) },
    },
    async (req, reply) => {
      const brand = await brandFor(app.ctx);
      const survey = await csatSurveyForLink(app.ctx, req.params.token);
      if (!survey) return html(reply, 404, invalidSurveyPage(brand));
      if (survey.answered) return html(reply, 200, thanksPage(brand, true));
      const rating = CSAT_RATINGS.find((r) => r === req.query.rating) ?? null;
      return html(reply, 200, csatConfirmPage(brand, req.params.token, survey, rating));
    },
  );
  r.post(
    "/surveys/csat/:token",
    { config: { access: "public" }, schema: { hide: true, params: zTokenParams, body: zCsatFormBody } },
    async (req, reply) => {
      const brand = await brandFor(app.ctx);
      if (!(await csatSurveyForLink(app.ctx, req.params.token))) return html(reply, 404, invalidSurveyPage(brand));
      const result = await answerCsat(app.ctx, { token: req.params.token, ...req.body });
      return html(reply, 200, thanksPage(brand, result.status === "already_answered"));
    },
  );
  r.get(
    "/surveys/nps/:token",
    {
      config: { access: "public" },
      schema: { hide: true, params: zTokenParams, querystring: z.object({ score: z.string().optional() }) },
    },
    async (req, reply) => {
      const brand = await brandFor(app.ctx);
      const survey = await npsSurveyForLink(app.ctx, req.params.token);
      if (!survey) return html(reply, 404, invalidSurveyPage(brand));
      if (survey.answered) return html(reply, 200, thanksPage(brand, true));
      const score = /^(10|[0-9])$/.test(req.query.score ?? "") ? Number(req.query.score) : null;
      return html(reply, 200, npsConfirmPage(brand, req.params.token, score));
    },
  );
  r.post(
    "/surveys/nps/:token",
    { config: { access: "public" }, schema: { hide: true, params: zTokenParams, body: zNpsFormBody } },
    async (req, reply) => {
      const brand = await brandFor(app.ctx);
      if (!(await npsSurveyForLink(app.ctx, req.params.token))) return html(reply, 404, invalidSurveyPage(brand));
      const result = await answerNps(app.ctx, { token: req.params.token, ...req.body });
      return html(reply, 200, thanksPage(brand, result.status === "already_answered"));
    },
  );
};
