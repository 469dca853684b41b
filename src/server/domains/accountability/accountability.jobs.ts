import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { buildDailyDigests } from "./accountability.service";

/** Hourly, so each supervisor's digest is built at their local digest hour (once per local date). */
export const cracksDigestJob = (ctx: ServiceContext) =>
  defineJob({
    name: "accountability.cracks-digest",
    payload: z.object({}).passthrough(),
    cron: "5 * * * *",
    handler: async () => {
      await buildDailyDigests(ctx);
    },
  });
