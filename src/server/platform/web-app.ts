import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Negotiator } from "@fastify/accept-negotiator";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** Vite names every file under assets/ by its content hash: a changed file is a new URL, so it never goes stale. */
const HASHED = "/assets/";
const IMMUTABLE = "public, max-age=31536000, immutable";

type Encoding = "br" | "gzip" | "identity";

/**
 * Serves the built web app (workspace and portal) from `dir`: the brotli or gzip copy the build wrote beside each
 * file when the browser accepts it, hashed assets cached for a year as immutable, and index.html — the answer to
 * every page URL — revalidated on every load so a new release is picked up at once.
 */
export const serveWebApp = async (app: FastifyInstance, dir: string): Promise<void> => {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: "/",
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: (res, path) => {
      res.setHeader("cache-control", path.includes(`${join(dir, "assets")}`) ? IMMUTABLE : "no-cache");
    },
  });
  const index = {
    br: await readFile(join(dir, "index.html.br")),
    gzip: await readFile(join(dir, "index.html.gz")),
    identity: await readFile(join(dir, "index.html")),
  } satisfies Record<Encoding, Buffer>;
  const encodings = new Negotiator<Encoding>({ supportedValues: ["br", "gzip", "identity"] });
  app.get("/*", { schema: { hide: true } }, async (req, reply) => {
    if (req.url.startsWith("/api/") || req.url.startsWith(HASHED)) return reply.callNotFound();
    const encoding = encodings.negotiate(req.headers["accept-encoding"] ?? "identity") ?? "identity";
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").header("vary", "accept-encoding");
    if (encoding !== "identity") reply.header("content-encoding", encoding);
    return reply.send(index[encoding]);
  });
};
