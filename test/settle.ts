import { and, inArray, isNull, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { events } from "../src/server/db/schema/index";

/**
 * Waits until every event of these cases has been delivered to the processors. Test files share one database
 * and only one dispatcher runs at a time across apps, so `drain()` alone may return while another app's
 * dispatcher still holds the lock.
 */
export const settle = async (app: FastifyInstance, caseIds: readonly string[], timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await app.ctx.events.drain();
    const [row] = await app.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(and(inArray(events.caseId, [...caseIds]), isNull(events.dispatchedAt)));
    if ((row?.n ?? 0) === 0) return;
    if (Date.now() > deadline) throw new Error(`events of ${caseIds.join(", ")} still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
