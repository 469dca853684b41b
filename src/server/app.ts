import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyCookie from "@fastify/cookie";
import fastifyMultipart from "@fastify/multipart";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { sql } from "drizzle-orm";
import Fastify, { type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Config } from "./config";
import type { Database } from "./db/connection";
import { cracksDigestJob } from "./domains/accountability/accountability.jobs";
import { accountabilityRoutes } from "./domains/accountability/accountability.routes";
import { upstreamReportJob } from "./domains/accountability/root-causes.jobs";
import { rootCausesRoutes } from "./domains/accountability/root-causes.routes";
import { costOfFailureProcessor, rootCauseGuard } from "./domains/accountability/root-causes.service";
import { auditRoutes } from "./domains/audit/audit.routes";
import { authRoutes } from "./domains/auth/auth.routes";
import { authenticate, endSessionsOnDeactivation, signOut } from "./domains/auth/auth.service";
import { brandingRoutes } from "./domains/branding/branding.routes";
import { closeSolvedCasesJob } from "./domains/cases/cases.jobs";
import { casesRoutes } from "./domains/cases/cases.routes";
import { caseHandover } from "./domains/cases/cases.service";
import { commitmentDueJob, commitmentReminderJob, commitmentsCatchUpJob } from "./domains/commitments/commitments.jobs";
import { commitmentsProcessor } from "./domains/commitments/commitments.processor";
import { commitmentsRoutes } from "./domains/commitments/commitments.routes";
import { callbackGuard } from "./domains/commitments/commitments.service";
import { contactsRoutes } from "./domains/contacts/contacts.routes";
import { customFieldsRoutes } from "./domains/custom-fields/custom-fields.routes";
import { departmentsRoutes } from "./domains/departments/departments.routes";
import { closeEmail } from "./domains/email/email.channels";
import { emailJobs } from "./domains/email/email.jobs";
import { emailRoutes } from "./domains/email/email.routes";
import { outboundMailProcessor } from "./domains/email/outbound.processor";
import { enqueueSystemMail, systemMailAvailable } from "./domains/email/system-mail.service";
import { executiveAlertsProcessor } from "./domains/executive/alerts.processor";
import { cancelVerificationPromiseJob } from "./domains/executive/executive.jobs";
import { executiveRoutes } from "./domains/executive/executive.routes";
import { executiveCaseGuard, executiveLine, executiveLineProcessor } from "./domains/executive/executive.service";
import { executiveLineDeactivationStep } from "./domains/executive/handover.service";
import { knowledgeRoutes } from "./domains/knowledge/knowledge.routes";
import { messagesRoutes } from "./domains/messages/messages.routes";
import { notificationsRoutes } from "./domains/notifications/notifications.routes";
import { organizationsRoutes } from "./domains/organizations/organizations.routes";
import { portalRoutes } from "./domains/portal/portal.routes";
import { authenticateCustomer } from "./domains/portal/portal.service";
import { realtimeRoutes } from "./domains/realtime/realtime.routes";
import { recoveryRoutes } from "./domains/recovery/recovery.routes";
import { remediesRoutes } from "./domains/remedies/remedies.routes";
import { slaClockTimerJob, slaReplanJob, slaTimersJob } from "./domains/sla/sla.jobs";
import { slaClocksProcessor } from "./domains/sla/sla.processor";
import { slaRoutes } from "./domains/sla/sla.routes";
import { sendCsatJob, surveysCatchUpJob } from "./domains/surveys/surveys.jobs";
import { surveysRoutes } from "./domains/surveys/surveys.routes";
import { surveysProcessor } from "./domains/surveys/surveys.service";
import { teamsRoutes } from "./domains/teams/teams.routes";
import { teamLeadHandover } from "./domains/teams/teams.service";
import { usersRoutes } from "./domains/users/users.routes";
import { viewsRoutes } from "./domains/views/views.routes";
import { webformRoutes } from "./domains/webform/webform.routes";
import { AfterResponse, installAfterResponse } from "./platform/after-response";
import { auditProcessor } from "./platform/audit";
import { databaseBlobStore } from "./platform/blob-store";
import { CaseGuards } from "./platform/case-guards";
import type { ServiceContext } from "./platform/context";
import { DeactivationSteps } from "./platform/deactivation";
import { EventDispatcher } from "./platform/events";
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  enforceRouteAccessDeclared,
  installAuthentication,
  installCustomerAuthentication,
  installErrorHandler,
  SESSION_COOKIE,
  validatorCompiler,
} from "./platform/http";
import { defineJob, Jobs } from "./platform/jobs";
import { installRateLimits } from "./platform/rate-limit";
import { InProcessBus, PostgresBus, PresenceBoard, type RealtimeBus, realtimeProcessor } from "./platform/realtime";
import { installSecurityHeaders } from "./platform/security-headers";
import { serveWebApp } from "./platform/web-app";

export interface BuildOptions {
  config: Config;
  database: Database;
  logger?: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = resolve(here, "../../dist/web");

/** Sends the CSRF header on the API docs page's requests, read from the (non-httpOnly) CSRF cookie. */
const DOCS_CSRF_SCRIPT = `(() => {
  const original = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const method = (init.method || (input instanceof Request ? input.method : "GET")).toUpperCase();
    const token = document.cookie.split("; ").find((c) => c.startsWith("${CSRF_COOKIE}="))?.slice(${CSRF_COOKIE.length + 1});
    if (token && !["GET", "HEAD", "OPTIONS"].includes(method)) {
      const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
      headers.set("${CSRF_HEADER}", decodeURIComponent(token));
      init = { ...init, headers };
    }
    return original(input, init);
  };
})();`;

/** Builds the whole application; never listens (main.ts does, tests use inject). */
export const buildApp = async ({ config, database, logger = false }: BuildOptions): Promise<FastifyInstance> => {
  const app = Fastify({
    logger: logger ? { level: config.logLevel } : false,
    bodyLimit: 2 * 1024 * 1024,
    /* A hop count trusts the nearest `n` proxies, whatever their addresses; a list trusts only those. */
    trustProxy:
      typeof config.trustProxy === "number"
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
  });
  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);
  const events = new EventDispatcher(database.db, (msg, err) => {
    if (logger) log(msg, err);
  });
  let realtime: RealtimeBus;
  if (database.embedded) realtime = new InProcessBus();
  else {
    const bus = new PostgresBus(database.url, log);
    await bus.start();
    realtime = bus;
  }
  const presence = new PresenceBoard();
  realtime.subscribe((m) => presence.apply(m));
  events.register(auditProcessor);
  events.register(realtimeProcessor(realtime));
  const jobs = new Jobs(database.url, log, database.embedded ? database.db : undefined);
  const ctx: ServiceContext = {
    db: database.db,
    config,
    events,
    blobs: databaseBlobStore,
    jobs,
    realtime,
    presence,
    caseGuards: new CaseGuards(),
    deactivation: new DeactivationSteps(),
    executiveLine,
    signOut,
    systemMail: {
      available: async () => await systemMailAvailable(ctx),
      enqueue: async (tx, mail) => await enqueueSystemMail(ctx, tx, mail),
    },
    afterResponse: new AfterResponse(log),
    log,
  };
  app.decorate("ctx", ctx);

  jobs.register(
    defineJob({
      name: "events.dispatch",
      payload: z.object({}).passthrough(),
      cron: "* * * * *",
      handler: async () => await events.drain(),
    }),
  );
  jobs.register(closeSolvedCasesJob(ctx));
  events.register(slaClocksProcessor(ctx));
  events.register(commitmentsProcessor);
  jobs.register(slaClockTimerJob(ctx));
  jobs.register(slaReplanJob(ctx));
  jobs.register(slaTimersJob(ctx));
  jobs.register(commitmentDueJob(ctx));
  jobs.register(commitmentReminderJob(ctx));
  jobs.register(commitmentsCatchUpJob(ctx));
  jobs.register(cracksDigestJob(ctx));
  ctx.caseGuards.register(executiveCaseGuard(ctx));
  ctx.caseGuards.register(rootCauseGuard);
  ctx.caseGuards.register(callbackGuard);
  // What deactivating an employee does besides, in the deactivation's transaction and in this order (a domain with
  // more to do on deactivation registers a step here, before the general hand-overs if it must act first).
  ctx.deactivation.register(executiveLineDeactivationStep);
  ctx.deactivation.register(teamLeadHandover);
  ctx.deactivation.register(caseHandover(ctx));
  ctx.deactivation.register(endSessionsOnDeactivation);
  events.register(costOfFailureProcessor);
  jobs.register(upstreamReportJob(ctx));
  events.register(executiveLineProcessor(ctx));
  events.register(executiveAlertsProcessor(ctx));
  jobs.register(cancelVerificationPromiseJob(ctx));
  for (const job of emailJobs(ctx)) jobs.register(job);
  events.register(await outboundMailProcessor(ctx));
  events.register(surveysProcessor(ctx));
  jobs.register(sendCsatJob(ctx));
  jobs.register(surveysCatchUpJob(ctx));

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  enforceRouteAccessDeclared(app);
  installErrorHandler(app);
  await app.register(fastifyCookie);
  await installRateLimits(app, config);
  await app.register(fastifyMultipart, { limits: { fileSize: config.maxAttachmentBytes, files: 1, fields: 10 } });
  installAuthentication(app, async (req) =>
    authenticate(ctx, {
      sessionToken: req.cookies[SESSION_COOKIE],
      bearerToken: /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1],
    }),
  );
  installCustomerAuthentication(app, async (token) => await authenticateCustomer(ctx, token));
  await installSecurityHeaders(app, config);
  installAfterResponse(app, ctx.afterResponse);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Extramile API",
        version: "1",
        description:
          "Customer service API. Authenticate with `Authorization: Bearer <token>` (create one under POST /api/v1/me/tokens) or with the session cookie from POST /api/v1/auth/login plus the `X-CSRF-Token` header on writes.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: "/api/docs",
    theme: { js: [{ filename: "csrf.js", content: DOCS_CSRF_SCRIPT }] },
    uiConfig: { persistAuthorization: true, withCredentials: true },
  });

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.get("/healthz", { schema: { hide: true } }, async (_req, reply) => {
    try {
      await database.db.execute(sql`SELECT 1`);
      return { status: "ok", database: database.embedded ? "embedded" : "server" };
    } catch {
      return reply.status(503).send({ status: "unavailable", database: "unreachable" });
    }
  });

  for (const routes of [
    authRoutes,
    usersRoutes,
    departmentsRoutes,
    teamsRoutes,
    organizationsRoutes,
    contactsRoutes,
    customFieldsRoutes,
    casesRoutes,
    messagesRoutes,
    executiveRoutes,
    remediesRoutes,
    rootCausesRoutes,
    emailRoutes,
    viewsRoutes,
    realtimeRoutes,
    auditRoutes,
    slaRoutes,
    commitmentsRoutes,
    accountabilityRoutes,
    notificationsRoutes,
    brandingRoutes,
    surveysRoutes,
    recoveryRoutes,
    knowledgeRoutes,
    portalRoutes,
    webformRoutes,
  ]) {
    await app.register(routes);
  }

  if (existsSync(join(WEB_DIST, "index.html"))) await serveWebApp(app, WEB_DIST);

  app.addHook("onClose", async () => {
    await ctx.afterResponse.settled();
    await jobs.stop();
    await events.close();
    await realtime.close();
  });
  app.addHook("onClose", async () => await closeEmail(ctx));
  return app;
};

/** Starts background work (jobs, event dispatch) for a serving process. */
export const startBackground = async (app: FastifyInstance): Promise<void> => {
  if (app.ctx.config.jobs) await app.ctx.jobs.start();
  app.ctx.events.kick();
};
