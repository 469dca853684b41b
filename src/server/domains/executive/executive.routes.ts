import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import {
  zDelegateInput,
  zExecutiveCase,
  zExecutiveCaseSummary,
  zExecutiveDashboard,
  zExecutiveDashboardQuery,
  zExecutiveHandover,
  zExecutiveHandoverInput,
  zExecutiveLetterSettings,
  zExecutiveQueueQuery,
  zFeedbackReportInput,
  zOpenExecutiveCaseInput,
  zUpdateExecutiveLetterSettingsInput,
  zVerificationCallInput,
} from "../../../shared/contracts/executive";
import { requireActor } from "../../platform/http";
import {
  delegateExecutiveCase,
  executiveDashboard,
  executiveQueue,
  fileFeedbackReport,
  getExecutiveCase,
  getExecutiveLetterSettings,
  openExecutiveCase,
  recordVerificationCall,
  updateExecutiveLetterSettings,
} from "./executive.service";
import { handOverExecutiveLine } from "./handover.service";

const admin = { access: "user", scope: "admin" } as const;

export const executiveRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["executive line"];
  r.post(
    "/api/v1/executive/cases",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          'Write to an executive on a customer\'s behalf (a letter, a call): the case is owned and followed by the executive, who is alerted at once. Any employee may log one; `channel: "letter"` for a letter (its text is the customer\'s words), `"phone"` for a call.',
        body: zOpenExecutiveCaseInput,
        response: { 201: zExecutiveCase },
      },
    },
    async (req, reply) => reply.status(201).send(await openExecutiveCase(app.ctx, requireActor(req), req.body)),
  );
  r.get(
    "/api/v1/executive/cases/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "The executive side of a case. The executive's first read is recorded as the receipt.",
        params: zIdParams,
        response: { 200: zExecutiveCase },
      },
    },
    async (req) => await getExecutiveCase(app.ctx, requireActor(req), req.params.id),
  );
  r.post(
    "/api/v1/executive/cases/:id/delegate",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zDelegateInput, response: { 200: zExecutiveCase } },
    },
    async (req) => await delegateExecutiveCase(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.put(
    "/api/v1/executive/cases/:id/report",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "The owner's written feedback report; required (filed after the last solve) to solve the case.",
        params: zIdParams,
        body: zFeedbackReportInput,
        response: { 200: zExecutiveCase },
      },
    },
    async (req) => await fileFeedbackReport(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.post(
    "/api/v1/executive/cases/:id/verification-calls",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "The executive's call to the customer after the case was solved: satisfied or unreachable (after the configured attempts) closes it, not satisfied reopens it to its owner.",
        params: zIdParams,
        body: zVerificationCallInput,
        response: { 201: zExecutiveCase },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await recordVerificationCall(app.ctx, requireActor(req), req.params.id, req.body)),
  );
  r.get(
    "/api/v1/executive/queue",
    {
      config: { access: "user" },
      schema: {
        tags,
        querystring: zExecutiveQueueQuery,
        response: { 200: z.object({ items: z.array(zExecutiveCaseSummary) }) },
      },
    },
    async (req) => ({ items: await executiveQueue(app.ctx, requireActor(req), req.query) }),
  );
  r.get(
    "/api/v1/executive/dashboard",
    {
      config: { access: "user" },
      schema: { tags, querystring: zExecutiveDashboardQuery, response: { 200: zExecutiveDashboard } },
    },
    async (req) => await executiveDashboard(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/executive/letter-settings",
    {
      config: admin,
      schema: {
        tags,
        description: '"Write to the chief executive" on the customer portal and the web form (off by default).',
        response: { 200: zExecutiveLetterSettings },
      },
    },
    async (req) => await getExecutiveLetterSettings(app.ctx, requireActor(req)),
  );
  r.patch(
    "/api/v1/executive/letter-settings",
    {
      config: admin,
      schema: {
        tags,
        description:
          "Turning it on needs an active executive (`executiveId`) and the executive's own message to customers (`message`); 422 names the missing one.",
        body: zUpdateExecutiveLetterSettingsInput,
        response: { 200: zExecutiveLetterSettings },
      },
    },
    async (req) => await updateExecutiveLetterSettings(app.ctx, requireActor(req), req.body),
  );
  r.post(
    "/api/v1/executive/handovers",
    {
      config: admin,
      schema: {
        tags,
        description:
          "Hands an executive's line to another active executive: the support addresses naming them, the customer pages option and every executive case not closed (owner, follower, verification promise). Needed before such an executive can be deactivated.",
        body: zExecutiveHandoverInput,
        response: { 200: zExecutiveHandover },
      },
    },
    async (req) => await handOverExecutiveLine(app.ctx, requireActor(req), req.body),
  );
};
