import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import {
  breakDueCommitment,
  breakOverdueCommitments,
  COMMITMENT_DUE_JOB,
  COMMITMENT_REMINDER_JOB,
  remindCommitment,
} from "./commitments.service";

export const commitmentDueJob = (ctx: ServiceContext) =>
  defineJob({
    ...COMMITMENT_DUE_JOB,
    handler: async (timer) => {
      await breakDueCommitment(ctx, timer);
    },
  });

export const commitmentReminderJob = (ctx: ServiceContext) =>
  defineJob({
    ...COMMITMENT_REMINDER_JOB,
    handler: async (timer) => {
      await remindCommitment(ctx, timer);
    },
  });

/** A safety net for promises whose due timer never ran. */
export const commitmentsCatchUpJob = (ctx: ServiceContext) =>
  defineJob({
    name: "commitments.catch-up",
    payload: z.object({}).passthrough(),
    cron: "*/10 * * * *",
    handler: async () => {
      while ((await breakOverdueCommitments(ctx)) > 0) {
        /* next batch */
      }
    },
  });
