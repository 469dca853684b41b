import { z } from "zod";
import { SYSTEM } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { closeSolvedCases } from "./cases.service";

export const closeSolvedCasesJob = (ctx: ServiceContext) =>
  defineJob({
    name: "cases.close-solved",
    payload: z.object({}).passthrough(),
    cron: "*/5 * * * *",
    handler: async () => {
      await closeSolvedCases(ctx, SYSTEM);
    },
  });
