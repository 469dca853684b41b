import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { zIdParams } from "../../../shared/contracts/common";
import { zPresence, zPresenceInput } from "../../../shared/contracts/realtime";
import { requireActor } from "../../platform/http";
import { announcePresence, openStream } from "./realtime.service";

const PING_MS = 25_000;

export const realtimeRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["realtime"];
  const open = new Set<() => void>();
  app.addHook("onClose", async () => {
    for (const close of open) close();
  });
  r.get(
    "/api/v1/stream",
    {
      config: { access: "user" },
      schema: {
        tags,
        description:
          "Server-sent events: `case` when a case you can see changes, `presence` when someone views or replies on one.",
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.write(": connected\n\n");
      const unsubscribe = openStream(app.ctx, actor, (frame) => {
        res.write(`event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`);
      });
      const ping = setInterval(() => res.write(": ping\n\n"), PING_MS);
      const close = () => {
        clearInterval(ping);
        unsubscribe();
        open.delete(close);
        res.end();
      };
      open.add(close);
      req.raw.on("close", close);
    },
  );
  r.post(
    "/api/v1/cases/:id/presence",
    {
      config: { access: "user" },
      schema: { tags, params: zIdParams, body: zPresenceInput, response: { 200: zPresence } },
    },
    async (req) => await announcePresence(app.ctx, requireActor(req), req.params.id, req.body.state),
  );
};
