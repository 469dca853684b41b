import { z } from "zod";
import type { Tx } from "../../db/connection";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { deliverOutbound, OUTBOUND_CONNECTIONS } from "./outbound.service";

const outboundPayload = z.object({ outboundId: z.uuid() });

/**
 * Sends outbound mail; a temporary failure schedules the next attempt. Each of two loops fetches up to 20 due
 * mails and sends as many at once as the transport has connections, so a burst of acknowledgements goes out
 * at the rate the relay takes it rather than a few per poll.
 */
export const deliverJob = (ctx: ServiceContext) =>
  defineJob({
    name: "email.deliver",
    payload: outboundPayload,
    batchSize: 20,
    workers: 2,
    parallel: OUTBOUND_CONNECTIONS,
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

/** Lets this process send now the mail a committed transaction enqueued, rather than at the next poll. */
export const wakeDelivery = (ctx: ServiceContext): void => ctx.jobs.wake(deliverJob(ctx));

export const scheduleDelivery = async (ctx: ServiceContext, outboundId: string, afterSeconds = 0): Promise<void> => {
  if (!ctx.jobs.running) return;
  await ctx.jobs.send(deliverJob(ctx), { outboundId }, afterSeconds > 0 ? { startAfter: afterSeconds } : {});
};
