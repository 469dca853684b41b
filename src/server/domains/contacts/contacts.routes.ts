import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { zIdParams, zPage } from "../../../shared/contracts/common";
import {
  zConfirmContactEmailInput,
  zContact,
  zContactEmailConfirmed,
  zCreateContactInput,
  zCustomerListQuery,
  zUpdateContactInput,
} from "../../../shared/contracts/customers";
import { etagOf, ifMatchDescription, versionFromIfMatch, zIfMatchHeaders } from "../../platform/concurrency";
import { requireActor } from "../../platform/http";
import { confirmContactEmail, createContact, getContact, listContacts, updateContact } from "./contacts.service";

export const contactsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["contacts"];
  r.get(
    "/api/v1/contacts",
    {
      config: { access: "user" },
      schema: { tags, querystring: zCustomerListQuery, response: { 200: zPage(zContact) } },
    },
    async (req) => await listContacts(app.ctx, requireActor(req), req.query),
  );
  r.post(
    "/api/v1/contacts",
    { config: { access: "user" }, schema: { tags, body: zCreateContactInput, response: { 201: zContact } } },
    async (req, reply) => {
      const created = await createContact(app.ctx, requireActor(req), req.body);
      return reply.status(201).header("etag", etagOf(created.version)).send(created);
    },
  );
  r.get(
    "/api/v1/contacts/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zContact } } },
    async (req, reply) => {
      const found = await getContact(app.ctx, requireActor(req), req.params.id);
      return reply.header("etag", etagOf(found.version)).send(found);
    },
  );
  r.patch(
    "/api/v1/contacts/:id",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: ifMatchDescription("contact"),
        params: zIdParams,
        headers: zIfMatchHeaders,
        body: zUpdateContactInput,
        response: { 200: zContact },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers["if-match"], "contact");
      const updated = await updateContact(app.ctx, requireActor(req), req.params.id, version, req.body);
      return reply.header("etag", etagOf(updated.version)).send(updated);
    },
  );
  r.post(
    "/api/v1/contact-email-confirmations",
    {
      config: { access: "public" },
      schema: {
        tags,
        security: [],
        description:
          "A customer confirms a new address with the token mailed to it; from then on it is one of the contact's addresses (portal sign-in, replies).",
        body: zConfirmContactEmailInput,
        response: { 200: zContactEmailConfirmed },
      },
    },
    async (req) => await confirmContactEmail(app.ctx, req.body.token),
  );
};
