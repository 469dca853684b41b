import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  WEBFORM_LIMITS,
  zUpdateWebformSettingsInput,
  zWebformFields,
  zWebformReceipt,
  zWebformSettings,
} from "../../../shared/contracts/webform";
import { AppError, httpStatusOf } from "../../platform/errors";
import { requireActor } from "../../platform/http";
import { parseFields, readMultipart } from "../../platform/multipart";
import { embeddableHelmet } from "../../platform/security-headers";
import { getBranding } from "../branding/branding.service";
import { publicExecutiveLetter } from "../executive/executive.service";
import { embedScript, FRAME_SCRIPT, renderFormPage, renderSentPage, WEBFORM_CSP_DIRECTIVES } from "./webform.html";
import {
  getWebformSettings,
  submitWebform,
  updateWebformSettings,
  webformCustomFields,
  webformFileBytes,
} from "./webform.service";

const admin = { access: "user", scope: "admin" } as const;
const zEmbedQuery = z.object({ embed: z.literal("1").optional() });
const zSentQuery = z.object({ n: z.coerce.number().int().positive().optional(), embed: z.literal("1").optional() });

/** Form fields as posted: `cf.<key>` are custom fields. */
const fromForm = (fields: Record<string, string>): Record<string, unknown> => {
  const customFields: Record<string, string> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k.startsWith("cf.")) customFields[k.slice(3)] = v;
    else rest[k] = v;
  }
  return { ...rest, customFields };
};

const html = (reply: FastifyReply, status: number, body: string): FastifyReply =>
  reply.status(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(body);

const wantsHtml = (req: FastifyRequest): boolean => (req.headers.accept ?? "").includes("text/html");

export const webformRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["web form"];
  const maxFileMb = Math.floor(webformFileBytes(app.ctx) / 1024 / 1024);
  const embeddable = embeddableHelmet(app.ctx.config, WEBFORM_CSP_DIRECTIVES);

  const formPage = async (embed: boolean, values: Record<string, string>, error: AppError | null) =>
    renderFormPage(
      await getBranding(app.ctx),
      await webformCustomFields(app.ctx),
      { values, error: error ? { field: error.field ?? null, message: error.message } : null },
      { embed, maxFileMb, executive: await publicExecutiveLetter(app.ctx) },
    );

  r.post(
    "/api/v1/webform/submissions",
    {
      ...embeddable,
      config: { access: "public" },
      bodyLimit: WEBFORM_LIMITS.files * webformFileBytes(app.ctx) + 1024 * 1024,
      schema: {
        tags,
        security: [],
        description:
          "Opens a case from the public web form: multipart/form-data (name, email, subject, description, `cf.<key>` custom fields, up to five `files`, `addressedTo`: `team` or, when the company offers it, `executive` for a letter to the chief executive) or JSON without files. A browser (Accept: text/html) is redirected to the confirmation page or shown the form again with the problem.",
        querystring: zEmbedQuery,
        response: { 201: zWebformReceipt },
      },
    },
    async (req, reply) => {
      const embed = req.query.embed === "1";
      let values: Record<string, string> = {};
      try {
        await app.limiters.webformPerIp(req, reply, req.ip);
        const { fields, files } = req.isMultipart()
          ? await readMultipart(req, { files: WEBFORM_LIMITS.files, fileBytes: webformFileBytes(app.ctx) })
          : { fields: (req.body ?? {}) as Record<string, string>, files: [] };
        values = fields;
        const input = parseFields(zWebformFields, req.isMultipart() ? fromForm(fields) : fields);
        await app.limiters.webformPerAddress(req, reply, input.email);
        const receipt = await submitWebform(app.ctx, input, files, req.ip);
        if (!wantsHtml(req)) return reply.status(201).send(receipt);
        const query = new URLSearchParams({
          ...(receipt.caseNumber ? { n: String(receipt.caseNumber) } : {}),
          ...(embed ? { embed: "1" } : {}),
        });
        return reply.redirect(`/form/sent${query.size > 0 ? `?${query}` : ""}`, 303);
      } catch (err) {
        const known =
          err instanceof AppError
            ? err
            : (err as { statusCode?: number }).statusCode === 413
              ? new AppError("PAYLOAD_TOO_LARGE", "A file is too large or there are too many files", "files")
              : null;
        if (!wantsHtml(req) || !known) throw known ?? err;
        return html(reply, httpStatusOf(known.code), await formPage(embed, values, known));
      }
    },
  );
  r.get(
    "/api/v1/webform/settings",
    { config: admin, schema: { tags, response: { 200: zWebformSettings } } },
    async (req) => await getWebformSettings(app.ctx, requireActor(req)),
  );
  r.patch(
    "/api/v1/webform/settings",
    { config: admin, schema: { tags, body: zUpdateWebformSettingsInput, response: { 200: zWebformSettings } } },
    async (req) => await updateWebformSettings(app.ctx, requireActor(req), req.body),
  );

  r.get("/form", { ...embeddable, schema: { hide: true, querystring: zEmbedQuery } }, async (req, reply) =>
    html(reply, 200, await formPage(req.query.embed === "1", {}, null)),
  );
  r.get("/form/sent", { ...embeddable, schema: { hide: true, querystring: zSentQuery } }, async (req, reply) =>
    html(
      reply,
      200,
      renderSentPage(
        await getBranding(app.ctx),
        req.query.n ?? null,
        "Thank you: we received your request and will answer by email.",
        req.query.embed === "1",
      ),
    ),
  );
  r.get("/form/embed.js", { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=300")
      .header("cross-origin-resource-policy", "cross-origin")
      .send(embedScript(new URL(app.ctx.config.publicUrl).origin)),
  );
  r.get("/form/frame.js", { schema: { hide: true } }, async (_req, reply) =>
    reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=300").send(FRAME_SCRIPT),
  );
};
