import type { ServiceContext } from "../../platform/context";
import type { EventProcessor } from "../../platform/events";
import { applyCaseEvents } from "./clocks.service";

/** Starts, pauses, resumes, meets and re-plans SLA clocks as case and message events arrive. */
export const slaClocksProcessor = (ctx: ServiceContext): EventProcessor => ({
  name: "sla-clocks",
  handle: async (tx, event) => await applyCaseEvents(ctx, tx, [event]),
  handleMany: async (tx, events) => await applyCaseEvents(ctx, tx, events),
});
