import type { TPresence } from "../../../shared/contracts/realtime";
import type { Actor } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { notFound } from "../../platform/errors";
import type { RealtimeMessage } from "../../platform/realtime";
import { canSeeCase } from "../cases/cases.service";

export type StreamFrame = { event: "case" | "presence"; data: unknown };

/** Subscribes an employee to the changes of the cases they may see; returns the unsubscribe function. */
export const openStream = (ctx: ServiceContext, actor: Actor, send: (frame: StreamFrame) => void): (() => void) =>
  ctx.realtime.subscribe((message: RealtimeMessage) => {
    void (async () => {
      if (!(await canSeeCase(ctx, actor, message.caseId))) return;
      if (message.kind === "case") {
        send({
          event: "case",
          data: { caseId: message.caseId, type: message.type, actorId: message.actorId, eventId: message.eventId },
        });
      } else {
        send({ event: "presence", data: presenceOf(ctx, message.caseId) });
      }
    })().catch((err) => ctx.log("realtime delivery failed", err));
  });

const presenceOf = (ctx: ServiceContext, caseId: string): TPresence => ({ caseId, users: ctx.presence.list(caseId) });

export const announcePresence = async (
  ctx: ServiceContext,
  actor: Actor,
  caseId: string,
  state: "viewing" | "replying" | "left",
): Promise<TPresence> => {
  if (!(await canSeeCase(ctx, actor, caseId))) throw notFound("Case");
  const message: RealtimeMessage = { kind: "presence", caseId, userId: actor.id, name: actor.name, state };
  ctx.presence.apply(message);
  await ctx.realtime.publish(ctx.db, message);
  return presenceOf(ctx, caseId);
};
