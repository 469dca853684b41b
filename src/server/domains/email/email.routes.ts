import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams, zPage } from "../../../shared/contracts/common";
import {
  zCaseEmail,
  zCreateMailboxInput,
  zCreateSupportAddressInput,
  zEmailSettings,
  zInboundEmail,
  zInboundListQuery,
  zMailbox,
  zOutboundEmail,
  zOutboundListQuery,
  zParticipantParams,
  zSupportAddress,
  zUpdateMailboxInput,
  zUpdateSupportAddressInput,
} from "../../../shared/contracts/email";
import { requireActor } from "../../platform/http";
import {
  approveParticipant,
  caseEmail,
  createMailbox,
  createSupportAddress,
  deleteMailbox,
  deleteSupportAddress,
  emailSettings,
  getMailbox,
  inboundRaw,
  listInboundEmails,
  listMailboxes,
  listOutboundEmails,
  listSupportAddresses,
  removeParticipant,
  retryInboundEmail,
  retryOutboundEmail,
  updateMailbox,
  updateSupportAddress,
} from "./email.service";

const admin = { access: "user", scope: "admin" } as const;
const zNoContent = z.null();

export const emailRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["email"];

  r.get(
    "/api/v1/email-settings",
    { config: admin, schema: { tags, response: { 200: zEmailSettings } } },
    async (req) => await emailSettings(app.ctx, requireActor(req)),
  );

  r.get(
    "/api/v1/support-addresses",
    { config: admin, schema: { tags, response: { 200: z.object({ items: z.array(zSupportAddress) }) } } },
    async (req) => ({ items: await listSupportAddresses(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/support-addresses",
    { config: admin, schema: { tags, body: zCreateSupportAddressInput, response: { 201: zSupportAddress } } },
    async (req, reply) => reply.status(201).send(await createSupportAddress(app.ctx, requireActor(req), req.body)),
  );
  r.patch(
    "/api/v1/support-addresses/:id",
    {
      config: admin,
      schema: { tags, params: zIdParams, body: zUpdateSupportAddressInput, response: { 200: zSupportAddress } },
    },
    async (req) => await updateSupportAddress(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/support-addresses/:id",
    {
      config: admin,
      schema: {
        tags,
        description: "Only an address that never received mail; otherwise deactivate it (PATCH active=false).",
        params: zIdParams,
        response: { 204: zNoContent },
      },
    },
    async (req, reply) => {
      await deleteSupportAddress(app.ctx, requireActor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/api/v1/mailboxes",
    { config: admin, schema: { tags, response: { 200: z.object({ items: z.array(zMailbox) }) } } },
    async (req) => ({ items: await listMailboxes(app.ctx, requireActor(req)) }),
  );
  r.post(
    "/api/v1/mailboxes",
    {
      config: admin,
      schema: {
        tags,
        description: "The password is stored encrypted and never returned.",
        body: zCreateMailboxInput,
        response: { 201: zMailbox },
      },
    },
    async (req, reply) => reply.status(201).send(await createMailbox(app.ctx, requireActor(req), req.body)),
  );
  r.get(
    "/api/v1/mailboxes/:id",
    { config: admin, schema: { tags, params: zIdParams, response: { 200: zMailbox } } },
    async (req) => await getMailbox(app.ctx, requireActor(req), req.params.id),
  );
  r.patch(
    "/api/v1/mailboxes/:id",
    { config: admin, schema: { tags, params: zIdParams, body: zUpdateMailboxInput, response: { 200: zMailbox } } },
    async (req) => await updateMailbox(app.ctx, requireActor(req), req.params.id, req.body),
  );
  r.delete(
    "/api/v1/mailboxes/:id",
    { config: admin, schema: { tags, params: zIdParams, response: { 204: zNoContent } } },
    async (req, reply) => {
      await deleteMailbox(app.ctx, requireActor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/api/v1/inbound-emails",
    {
      config: admin,
      schema: {
        tags,
        description:
          "Inbound mail by status; `quarantined` (the default) is the list of messages that could not be parsed.",
        querystring: zInboundListQuery,
        response: { 200: zPage(zInboundEmail) },
      },
    },
    async (req) => await listInboundEmails(app.ctx, requireActor(req), req.query),
  );
  r.get(
    "/api/v1/inbound-emails/:id/raw",
    {
      config: admin,
      schema: { tags, description: "The message exactly as received (message/rfc822).", params: zIdParams },
    },
    async (req, reply) => {
      const file = await inboundRaw(app.ctx, requireActor(req), req.params.id);
      return reply
        .header("content-type", "message/rfc822")
        .header("content-disposition", `attachment; filename="${file.filename}"`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, no-store")
        .send(file.data);
    },
  );
  r.post(
    "/api/v1/inbound-emails/:id/retry",
    { config: admin, schema: { tags, params: zIdParams, response: { 200: zInboundEmail } } },
    async (req) => await retryInboundEmail(app.ctx, requireActor(req), req.params.id),
  );

  r.get(
    "/api/v1/outbound-emails",
    {
      config: admin,
      schema: {
        tags,
        description: "Outbound mail by status; `failed` (the default) lists delivery failures.",
        querystring: zOutboundListQuery,
        response: { 200: zPage(zOutboundEmail) },
      },
    },
    async (req) => await listOutboundEmails(app.ctx, requireActor(req), req.query),
  );
  r.post(
    "/api/v1/outbound-emails/:id/retry",
    { config: admin, schema: { tags, params: zIdParams, response: { 200: zOutboundEmail } } },
    async (req) => await retryOutboundEmail(app.ctx, requireActor(req), req.params.id),
  );

  r.get(
    "/api/v1/cases/:id/email",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "The case's email thread: per message where it came from or went to (delivery status, quoted history) and who is on the thread.",
        params: zIdParams,
        response: { 200: zCaseEmail },
      },
    },
    async (req) => await caseEmail(app.ctx, requireActor(req), req.params.id),
  );
  r.post(
    "/api/v1/cases/:id/email-participants/:contactId/approve",
    { config: { access: "user" }, schema: { tags, params: zParticipantParams, response: { 200: zCaseEmail } } },
    async (req) => await approveParticipant(app.ctx, requireActor(req), req.params.id, req.params.contactId),
  );
  r.delete(
    "/api/v1/cases/:id/email-participants/:contactId",
    { config: { access: "user" }, schema: { tags, params: zParticipantParams, response: { 200: zCaseEmail } } },
    async (req) => await removeParticipant(app.ctx, requireActor(req), req.params.id, req.params.contactId),
  );
};
