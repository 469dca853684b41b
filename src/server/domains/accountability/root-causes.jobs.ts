import { z } from "zod";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { generateUpstreamReports } from "./upstream.service";

/** On the first of every month (06:00 UTC): last month's upstream report for each department's director. */
export const upstreamReportJob = (ctx: ServiceContext) =>
  defineJob({
    name: "accountability.upstream-report",
    payload: z
      .object({
        month: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .optional(),
      })
      .passthrough(),
    cron: "0 6 1 * *",
    handler: async ({ month }) => {
      await generateUpstreamReports(ctx, month);
    },
  });
