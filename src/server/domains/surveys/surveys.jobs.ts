import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { SEND_CSAT_JOB, sendCsatSurvey, sendDueCsatSurveys, sendDueNpsSurveys } from "./surveys.service";

export const sendCsatJob = (ctx: ServiceContext) =>
  defineJob({
    ...SEND_CSAT_JOB,
    handler: async ({ surveyId }) => {
      await sendCsatSurvey(ctx, surveyId);
    },
  });

/** Surveys whose timer never ran (enqueued by a process without a queue, downtime), and the NPS cadence. */
export const surveysCatchUpJob = (ctx: ServiceContext) =>
  defineJob({
    name: "surveys.catch-up",
    payload: z.object({}).passthrough(),
    cron: "*/15 * * * *",
    handler: async () => {
      while ((await sendDueCsatSurveys(ctx)) > 0) {
        /* next batch */
      }
      while ((await sendDueNpsSurveys(ctx)) > 0) {
        /* next batch */
      }
    },
  });
