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
    async (req, reply) => reply.status(201).send(await createContact(app.ctx, requireActor(req), req.body)),
  );
  r.get(
    "/api/v1/contacts/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zContact } } },
    async (req) => await getContact(app.ctx, requireActor(req), req.params.id),
  );
  r.patch(
    "/api/v1/contacts/:id",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zUpdateContactInput, response: { 200: zContact } },
    },
    async (req) => await updateContact(app.ctx, requireActor(req), req.params.id, req.body),
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
