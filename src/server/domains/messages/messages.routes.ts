import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zAttachment, zCreateMessageInput, zMessage } from "../../../shared/contracts/cases";
import { zIdParams } from "../../../shared/contracts/common";
import { AppError } from "../../platform/errors";
import { requireActor } from "../../platform/http";
import { addMessage, downloadAttachment, listMessages, uploadAttachment } from "./messages.service";

const contentDisposition = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

export const messagesRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["messages"];
  r.get(
    "/api/v1/cases/:id/messages",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, response: { 200: z.object({ items: z.array(zMessage) }) } },
    },
    async (req) => ({ items: await listMessages(app.ctx, requireActor(req), req.params.id) }),
  );
  r.post(
    "/api/v1/cases/:id/messages",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zCreateMessageInput, response: { 201: zMessage } },
    },
    async (req, reply) => reply.status(201).send(await addMessage(app.ctx, requireActor(req), req.params.id, req.body)),
  );
  r.post(
    "/api/v1/cases/:id/attachments",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "multipart/form-data with one `file` part; attach the returned id to a message.",
        consumes: ["multipart/form-data"],
        params: zIdParams,
        response: { 201: zAttachment },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      if (!req.isMultipart()) throw new AppError("VALIDATION_FAILED", "Send multipart/form-data with a file", "file");
      const part = await req.file();
      if (!part) throw new AppError("VALIDATION_FAILED", "No file in the upload", "file");
      const data = await part.toBuffer();
      const created = await uploadAttachment(app.ctx, actor, req.params.id, {
        filename: part.filename,
        contentType: part.mimetype,
        data,
      });
      return reply.status(201).send(created);
    },
  );
  r.get(
    "/api/v1/attachments/:id",
    { config: { access: "user" }, schema: { tags, params: zIdParams } },
    async (req, reply) => {
      const file = await downloadAttachment(app.ctx, requireActor(req), req.params.id);
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", contentDisposition(file.filename))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, no-store")
        .send(file.data);
    },
  );
};
