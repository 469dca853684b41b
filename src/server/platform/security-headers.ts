import fastifyHelmet, { type FastifyHelmetOptions } from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config";

/** HSTS for half a year, this host only (subdomains may still be served over plain HTTP). */
const HSTS_SECONDS = 180 * 24 * 60 * 60;

/**
 * The workspace, the portal and the API docs: scripts only from our own files (no inline script, no eval),
 * no plugins, no framing. Styles may be inline (Mantine writes style attributes and its CSS variables), which
 * cannot run script. Images are ours or `data:` (the sanitizer keeps raster `data:` images in mail and parks
 * remote ones in `data-remote-src`, so they are not fetched).
 */
export const appContentSecurityPolicy = (config: Config) => ({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:", "blob:"],
    fontSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    ...(config.publicUrl.startsWith("https://") ? { upgradeInsecureRequests: [] } : {}),
  },
});

/**
 * Security headers on every answer (@fastify/helmet): the CSP above, X-Frame-Options DENY, nosniff, a
 * same-origin referrer, and HSTS when configured. Pages with a policy of their own (help center, surveys, the
 * web form) set it on their routes.
 */
export const installSecurityHeaders = async (app: FastifyInstance, config: Config): Promise<void> => {
  const options: FastifyHelmetOptions = {
    contentSecurityPolicy: appContentSecurityPolicy(config),
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
    strictTransportSecurity: config.hsts ? { maxAge: HSTS_SECONDS, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
  };
  await app.register(fastifyHelmet, options);
};

/** The web form's pages may be framed by the configured sites (EXTRAMILE_WEBFORM_FRAME_ANCESTORS), nothing else. */
export const embeddableHelmet = (
  config: Config,
  directives: Record<string, string[]>,
): { helmet: Omit<FastifyHelmetOptions, "global"> } => ({
  helmet: {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...directives, frameAncestors: config.webform.frameAncestors },
    },
    xFrameOptions: false,
  },
});
