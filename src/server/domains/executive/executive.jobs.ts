import { SYSTEM } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { defineJob } from "../../platform/jobs";
import { SETTLE_VERIFICATION_JOB, settleVerificationPromise } from "./executive.service";

export const cancelVerificationPromiseJob = (ctx: ServiceContext) =>
  defineJob({
    ...SETTLE_VERIFICATION_JOB,
    handler: async ({ commitmentId }) => {
      await settleVerificationPromise(ctx, SYSTEM, commitmentId, "cancel", "The case was reopened before the call");
    },
  });
