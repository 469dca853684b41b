import type { ServiceContext } from "../../platform/context";
import type { EventProcessor } from "../../platform/events";
import { applyCaseEvent } from "./clocks.service";

/** Starts, pauses, resumes, meets and re-plans SLA clocks as case and message events arrive. */
export const slaClocksProcessor = (ctx: ServiceContext): EventProcessor => ({
  name: "sla-clocks",
  handle: async (tx, event) => await applyCaseEvent(ctx, tx, event),
});
