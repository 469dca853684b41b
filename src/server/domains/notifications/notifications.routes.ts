import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { zIdParams } from "../../../shared/contracts/common";
import { zNotification, zNotificationListQuery } from "../../../shared/contracts/notifications";
import { requireActor } from "../../platform/http";
import { listMyNotifications, markNotificationRead } from "./notifications.service";

export const notificationsRoutes = async (app: FastifyInstance): Promise<void> => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["notifications"];
  r.get(
    "/api/v1/me/notifications",
    {
      config: { access: "user" },
      schema: {
        tags,
        description: "The caller's notices: SLA warnings and breaches, promise reminders, digests. Newest first.",
        querystring: zNotificationListQuery,
        response: { 200: z.object({ items: z.array(zNotification) }) },
      },
    },
    async (req) => ({ items: await listMyNotifications(app.ctx, requireActor(req), req.query) }),
  );
  r.post(
    "/api/v1/me/notifications/:id/read",
    { config: { access: "user" }, schema: { tags, params: zIdParams, response: { 200: zNotification } } },
    async (req) => await markNotificationRead(app.ctx, requireActor(req), req.params.id),
  );
};
