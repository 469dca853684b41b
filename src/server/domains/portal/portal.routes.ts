import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams, zOk, zPage } from "../../../shared/contracts/common";
import { zPublicExecutiveLetter } from "../../../shared/contracts/executive";
import {
  PORTAL_MAX_FILES,
  zMagicLinkRequest,
  zMagicLinkRequested,
  zPortalCase,
  zPortalCaseListQuery,
  zPortalExecutiveLetterInput,
  zPortalMessage,
  zPortalReplyFields,
  zPortalSession,
  zPortalSignIn,
} from "../../../shared/contracts/portal";
import { afterResponse } from "../../platform/after-response";
import { PORTAL_COOKIE, requireCustomer } from "../../platform/http";
import { parseFields, readMultipart } from "../../platform/multipart";
import {
  getPortalCase,
  listPortalCases,
  MAGIC_LINK_SENT,
  portalAttachment,
  portalExecutiveLetter,
  portalThread,
  presentContact,
  reopenFromPortal,
  replyFromPortal,
  requestMagicLink,
  signIn,
  signOut,
  solveFromPortal,
  writeToExecutiveFromPortal,
} from "./portal.service";

const customer = { access: "customer" } as const;

const contentDisposition = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

const noStore = (reply: FastifyReply): FastifyReply => reply.header("cache-control", "private, no-store");

export const portalRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["portal"];
  r.post(
    "/api/v1/portal/magic-links",
    {
      config: { access: "public" },
      schema: {
        tags,
        security: [],
        description:
          "Emails a single-use sign-in link to a customer. The answer is the same for known and unknown addresses.",
        body: zMagicLinkRequest,
        response: { 202: zMagicLinkRequested },
      },
    },
    async (req, reply) => {
      await app.limiters.magicLinkPerIp(req, reply, req.ip);
      await app.limiters.magicLinkPerAddress(req, reply, req.body.email);
      const { work } = await requestMagicLink(app.ctx, req.body, req.ip);
      afterResponse(req, work);
      return reply.status(202).send({ message: MAGIC_LINK_SENT });
    },
  );
  r.post(
    "/api/v1/portal/sessions",
    {
      config: { access: "public" },
      schema: { tags, security: [], body: zPortalSignIn, response: { 201: zPortalSession } },
    },
    async (req, reply) => {
      const result = await signIn(app.ctx, req.body.token);
      reply.setCookie(PORTAL_COOKIE, result.sessionToken, {
        path: "/api/v1/portal",
        httpOnly: true,
        sameSite: "lax",
        secure: app.ctx.config.secureCookies,
        expires: result.expiresAt,
      });
      return reply.status(201).send({ contact: result.contact, csrfToken: result.csrfToken, caseId: result.caseId });
    },
  );
  r.get(
    "/api/v1/portal/session",
    { config: customer, schema: { tags, response: { 200: zPortalSession } } },
    async (req, reply) => {
      noStore(reply);
      return {
        contact: await presentContact(app.ctx.db, requireCustomer(req)),
        csrfToken: req.customerCsrfToken ?? "",
        caseId: null,
      };
    },
  );
  r.delete(
    "/api/v1/portal/session",
    { config: customer, schema: { tags, response: { 200: zOk } } },
    async (req, reply) => {
      requireCustomer(req);
      const token = req.cookies[PORTAL_COOKIE];
      if (token) await signOut(app.ctx, token);
      reply.clearCookie(PORTAL_COOKIE, { path: "/api/v1/portal" });
      return { ok: true as const };
    },
  );
  r.get(
    "/api/v1/portal/cases",
    { config: customer, schema: { tags, querystring: zPortalCaseListQuery, response: { 200: zPage(zPortalCase) } } },
    async (req, reply) => {
      noStore(reply);
      return await listPortalCases(app.ctx, requireCustomer(req), req.query);
    },
  );
  r.get(
    "/api/v1/portal/cases/:id",
    { config: customer, schema: { tags, params: zIdParams, response: { 200: zPortalCase } } },
    async (req, reply) => {
      noStore(reply);
      return await getPortalCase(app.ctx, requireCustomer(req), req.params.id);
    },
  );
  r.get(
    "/api/v1/portal/cases/:id/messages",
    {
      config: customer,
      schema: { tags, params: zIdParams, response: { 200: z.object({ items: z.array(zPortalMessage) }) } },
    },
    async (req, reply) => {
      noStore(reply);
      return { items: await portalThread(app.ctx, requireCustomer(req), req.params.id) };
    },
  );
  r.post(
    "/api/v1/portal/cases/:id/messages",
    {
      config: customer,
      schema: {
        tags,
        description: `multipart/form-data: \`body\` (the message) and up to ${PORTAL_MAX_FILES} \`files\`.`,
        consumes: ["multipart/form-data"],
        params: zIdParams,
        response: { 201: zPortalMessage },
      },
    },
    async (req, reply) => {
      const who = requireCustomer(req);
      const { fields, files } = await readMultipart(req, {
        files: PORTAL_MAX_FILES,
        fileBytes: app.ctx.config.maxAttachmentBytes,
      });
      const input = parseFields(zPortalReplyFields, fields);
      return reply.status(201).send(await replyFromPortal(app.ctx, who, req.params.id, input, files));
    },
  );
  r.post(
    "/api/v1/portal/cases/:id/solve",
    { config: customer, schema: { tags, params: zIdParams, response: { 200: zPortalCase } } },
    async (req) => await solveFromPortal(app.ctx, requireCustomer(req), req.params.id),
  );
  r.post(
    "/api/v1/portal/cases/:id/reopen",
    { config: customer, schema: { tags, params: zIdParams, response: { 200: zPortalCase } } },
    async (req) => await reopenFromPortal(app.ctx, requireCustomer(req), req.params.id),
  );
  r.get(
    "/api/v1/portal/executive-letter",
    {
      config: customer,
      schema: {
        tags,
        description:
          'Whether the company offers "write to the chief executive" (Admin → Customer pages), to whom, and the executive\'s message to customers.',
        response: { 200: zPublicExecutiveLetter },
      },
    },
    async (req) => await portalExecutiveLetter(app.ctx, requireCustomer(req)),
  );
  r.post(
    "/api/v1/portal/executive-letters",
    {
      config: customer,
      schema: {
        tags,
        description:
          "A letter to the chief executive: opens an executive case owned by the executive (or adds to the customer's last one while it is not closed). 404 while the company does not offer it.",
        body: zPortalExecutiveLetterInput,
        response: { 201: zPortalCase },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await writeToExecutiveFromPortal(app.ctx, requireCustomer(req), req.body)),
  );
  r.get(
    "/api/v1/portal/attachments/:id",
    { config: customer, schema: { tags, params: zIdParams } },
    async (req, reply) => {
      const file = await portalAttachment(app.ctx, requireCustomer(req), req.params.id);
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", contentDisposition(file.filename))
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, no-store")
        .send(file.data);
    },
  );
};
