import type { EventProcessor } from "../../platform/events";
import { applyCommitmentEvent } from "./commitments.service";

/** Phone callbacks are commitments: a logged call keeps the callback promise it answers. */
export const commitmentsProcessor: EventProcessor = {
  name: "commitments",
  handle: async (tx, event) => await applyCommitmentEvent(tx, event),
};
