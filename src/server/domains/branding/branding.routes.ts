import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { zBranding, zUpdateBrandingInput } from "../../../shared/contracts/branding";
import { AppError } from "../../platform/errors";
import { requireActor } from "../../platform/http";
import { brandingLogo, getBranding, removeLogo, updateBranding, uploadLogo } from "./branding.service";

const admin = { access: "user", scope: "admin" } as const;

export const brandingRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["branding"];
  r.get(
    "/api/v1/branding",
    {
      config: { access: "public" },
      schema: {
        tags,
        description: "Company name, logo and colour of customer-facing pages.",
        response: { 200: zBranding },
      },
    },
    async () => await getBranding(app.ctx),
  );
  r.patch(
    "/api/v1/branding",
    { config: admin, schema: { tags, body: zUpdateBrandingInput, response: { 200: zBranding } } },
    async (req) => await updateBranding(app.ctx, requireActor(req), req.body),
  );
  r.put(
    "/api/v1/branding/logo",
    {
      config: admin,
      schema: {
        tags,
        description: "multipart/form-data with one `file` part: a PNG, JPEG, WebP or GIF image up to 512 KiB.",
        consumes: ["multipart/form-data"],
        response: { 200: zBranding },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      if (!req.isMultipart()) throw new AppError("VALIDATION_FAILED", "Send multipart/form-data with a file", "file");
      const part = await req.file();
      if (!part) throw new AppError("VALIDATION_FAILED", "No file in the upload", "file");
      return await uploadLogo(app.ctx, actor, await part.toBuffer());
    },
  );
  r.delete(
    "/api/v1/branding/logo",
    { config: admin, schema: { tags, response: { 200: zBranding } } },
    async (req) => await removeLogo(app.ctx, requireActor(req)),
  );
  r.get("/api/v1/branding/logo", { config: { access: "public" }, schema: { tags } }, async (_req, reply) => {
    const logo = await brandingLogo(app.ctx);
    return reply
      .header("content-type", logo.contentType)
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; sandbox")
      .header("cache-control", "public, max-age=300")
      .send(logo.data);
  });
};
