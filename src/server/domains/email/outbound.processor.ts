import type { ServiceContext } from "../../platform/context";
import type { EventProcessor } from "../../platform/events";
import { enqueueDelivery } from "./delivery.jobs";
import { emailKeys } from "./email.keys";
import { enqueueReply } from "./outbound.service";

/**
 * Public replies by employees become outbound mail, and its delivery job, in the dispatcher's
 * transaction; the sweeper sends anything whose job was lost.
 */
export const outboundMailProcessor = async (ctx: ServiceContext): Promise<EventProcessor> => {
  const keys = await emailKeys(ctx);
  return {
    name: "email-outbound",
    handle: async (tx, event) => {
      if (event.type !== "message.added" || event.payload.kind !== "reply" || !event.payload.authorUserId) return;
      const outboundId = await enqueueReply(ctx, tx, keys, String(event.payload.messageId));
      if (outboundId) await enqueueDelivery(ctx, tx, [outboundId]);
    },
  };
};
