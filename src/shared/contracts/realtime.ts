import { z } from "zod";
import { EVENT_TYPES } from "../events";
import { zId } from "./common";

/**
 * Server-sent events on GET /api/v1/stream (session cookie; EventSource cannot send headers).
 * `event: case`     data: a case changed (refetch it and the lists that may show it).
 * `event: presence` data: who is viewing or replying on a case right now.
 * A comment line `: ping` arrives every 25 s.
 */
export const zCaseStreamEvent = z.object({
  caseId: zId,
  type: z.enum(EVENT_TYPES),
  actorId: zId.nullable(),
  eventId: z.number().int(),
});
export type TCaseStreamEvent = z.output<typeof zCaseStreamEvent>;

export const PRESENCE_STATES = ["viewing", "replying"] as const;

export const zPresence = z.object({
  caseId: zId,
  users: z.array(z.object({ id: zId, name: z.string(), state: z.enum(PRESENCE_STATES) })),
});
export type TPresence = z.output<typeof zPresence>;

/** POST /api/v1/cases/:id/presence — heartbeat every ~20 s while the case is open; "left" on leaving. */
export const zPresenceInput = z.strictObject({ state: z.enum([...PRESENCE_STATES, "left"]) });
