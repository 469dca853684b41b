import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../db/connection";
import { auditLog } from "../db/schema/index";
import type { EventProcessor, StoredEvent } from "./events";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "./pagination";

const entryOf = (event: StoredEvent) => {
  const before = (event.payload.before as Record<string, unknown> | undefined) ?? null;
  const after = (event.payload.after as Record<string, unknown> | undefined) ?? null;
  const diff = diffRecords(before, after);
  return {
    eventId: event.id,
    actorId: event.actorId,
    action: event.type,
    entityType: event.aggregateType,
    entityId: event.aggregateId,
    before: diff.before,
    after: diff.after,
    createdAt: event.createdAt,
  };
};

const recordAudit = async (tx: Tx, list: StoredEvent[]): Promise<void> => {
  if (list.length === 0) return;
  await tx.insert(auditLog).values(list.map(entryOf)).onConflictDoNothing({ target: auditLog.eventId });
};

/** Every event becomes an audit entry; where the payload carries `before`/`after`, the diff keeps changed keys only. */
export const auditProcessor: EventProcessor = {
  name: "audit",
  handle: async (tx, event) => await recordAudit(tx, [event]),
  handleMany: recordAudit,
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export const diffRecords = (
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): { before: Record<string, unknown> | null; after: Record<string, unknown> | null } => {
  if (!before || !after) return { before, after };
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!same(before[key], after[key])) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return { before: b, after: a };
};

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

const AUDIT_CURSOR = cursorSchema(cursorValues.none, cursorValues.serial);

export const listAudit = async (db: Db, f: AuditFilter) => {
  const where: SQL[] = [];
  if (f.entityType) where.push(eq(auditLog.entityType, f.entityType));
  if (f.entityId) where.push(eq(auditLog.entityId, f.entityId));
  if (f.actorId) where.push(eq(auditLog.actorId, f.actorId));
  if (f.from) where.push(gte(auditLog.createdAt, f.from));
  if (f.to) where.push(lt(auditLog.createdAt, f.to));
  const after = f.cursor ? decodeCursor(f.cursor, AUDIT_CURSOR) : null;
  if (after) where.push(lt(auditLog.id, Number(after.id)));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r, id: String(r.id) })),
    nextCursor: rows.length > f.limit && last ? encodeCursor({ v: null, id: String(last.id) }) : null,
  };
};
