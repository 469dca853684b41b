import { z } from "zod";
import type { Tx } from "../../db/connection";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { deliverOutbound } from "./outbound.service";

const outboundPayload = z.object({ outboundId: z.uuid() });

/** Sends one outbound mail; a temporary failure schedules the next attempt. */
export const deliverJob = (ctx: ServiceContext) =>
  defineJob({
    name: "email.deliver",
    payload: outboundPayload,
    batchSize: 5,
    workers: 2,
    handler: async ({ outboundId }) => {
      const result = await deliverOutbound(ctx, outboundId);
      if (result.outcome === "retry") await scheduleDelivery(ctx, outboundId, result.retryInSeconds);
    },
  });

/** Enqueues the first delivery attempt in the caller's transaction: it exists exactly when the mail does. */
export const enqueueDelivery = async (ctx: ServiceContext, tx: Tx, outboundIds: string[]): Promise<void> => {
  await ctx.jobs.enqueue(
    tx,
    deliverJob(ctx),
    outboundIds.map((outboundId) => ({ payload: { outboundId }, key: outboundId })),
  );
};

export const scheduleDelivery = async (ctx: ServiceContext, outboundId: string, afterSeconds = 0): Promise<void> => {
  if (!ctx.jobs.running) return;
  await ctx.jobs.send(deliverJob(ctx), { outboundId }, afterSeconds > 0 ? { startAfter: afterSeconds } : {});
};
