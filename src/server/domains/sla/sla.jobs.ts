import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import {
  CLOCK_TIMER_JOB,
  catchUpTimers,
  enqueueUpcomingTimers,
  fireClockTimer,
  REPLAN_JOB,
  runReplan,
} from "./clocks.service";

/** Warning and breach escalations, each enqueued for its instant when a clock is (re-)planned. */
export const slaClockTimerJob = (ctx: ServiceContext) =>
  defineJob({
    ...CLOCK_TIMER_JOB,
    batchSize: 20,
    handler: async (timer) => {
      await fireClockTimer(ctx, timer);
    },
  });

export const slaReplanJob = (ctx: ServiceContext) =>
  defineJob({ ...REPLAN_JOB, handler: async (request) => await runReplan(ctx, request) });

/**
 * Every 10 minutes: enqueues the timers coming within the planning horizon, and fires escalations whose timer
 * never ran (enqueued by a process without a queue, downtime). Indexed range reads of live clocks only.
 */
export const slaTimersJob = (ctx: ServiceContext) =>
  defineJob({
    name: "sla.timers",
    payload: z.object({}).passthrough(),
    cron: "*/10 * * * *",
    handler: async () => {
      await enqueueUpcomingTimers(ctx);
      while ((await catchUpTimers(ctx)) > 0) {
        /* next batch */
      }
    },
  });
