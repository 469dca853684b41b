import { z } from "zod";
import { perContext, type ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { deliverJob, scheduleDelivery, wakeDelivery } from "./delivery.jobs";
import { processInboundBatch, staleInbound } from "./inbound.service";
import { IntakeQueue } from "./intake-queue";
import { dueOutbound } from "./outbound.service";

/** Received messages untouched this long are picked up again (a crash, a lost job). */
const STALE_INBOUND_SECONDS = 60;
const SWEEP_BATCH = 500;

/**
 * This process's queue of stored messages to file (started on first use). When a batch committed
 * acknowledgements, the delivery loops are woken to send them now.
 */
const intakeQueues = perContext(
  (ctx) =>
    new IntakeQueue(async (inboundIds) => {
      const outcomes = await processInboundBatch(ctx, inboundIds);
      if ([...outcomes.values()].some((o) => o.status === "parsed" && o.outboundIds.length > 0)) wakeDelivery(ctx);
    }, ctx.log),
);

/** Lets the messages being filed finish; the waiting ones stay stored for the next start or another process. */
export const closeIntakeQueue = async (ctx: ServiceContext): Promise<void> => await intakeQueues.close(ctx);

/** Hands a stored message to this process's intake; without background work (tests, CLI) the caller or sweeper does it. */
export const scheduleParse = (ctx: ServiceContext, inboundId: string): void => {
  if (ctx.jobs.running) intakeQueues.of(ctx).push(inboundId);
};

/**
 * On start, every message still waiting is handed to the parse job: a process that died took its
 * in-flight jobs with it (pg-boss would only retry them once they expire). Handing one to a live
 * process twice is harmless, processing is idempotent.
 */
export const resumeInbound = async (ctx: ServiceContext): Promise<number> => {
  if (!ctx.jobs.running) return 0;
  const waiting = await staleInbound(ctx, 0, 10_000);
  for (const inboundId of waiting) scheduleParse(ctx, inboundId);
  return waiting.length;
};

export const emailJobs = (ctx: ServiceContext) => [
  deliverJob(ctx),
  defineJob({
    name: "email.sweep",
    payload: z.object({}).passthrough(),
    cron: "* * * * *",
    handler: async () => {
      for (const inboundId of await staleInbound(ctx, STALE_INBOUND_SECONDS, SWEEP_BATCH)) {
        scheduleParse(ctx, inboundId);
      }
      for (const outboundId of await dueOutbound(ctx, SWEEP_BATCH)) await scheduleDelivery(ctx, outboundId);
    },
  }),
];
