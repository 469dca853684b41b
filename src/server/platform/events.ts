import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { EventType } from "../../shared/events";
import type { Db, Tx } from "../db/connection";
import { events } from "../db/schema/index";
import type { AnyActor } from "./actor";

export interface DomainEvent {
  type: EventType;
  aggregateType: string;
  aggregateId: string;
  caseId?: string | null;
  payload: Record<string, unknown>;
}

export interface StoredEvent extends DomainEvent {
  id: number;
  actorId: string | null;
  createdAt: Date;
}

export interface EventProcessor {
  name: string;
  /** Runs inside the dispatcher's transaction; may be called more than once for the same event. */
  handle: (tx: Tx, event: StoredEvent) => Promise<void>;
  /**
   * Optional: the same for many events in one go (in event order), with the outcome `handle` for each in turn
   * would have: audit and realtime record them together, SLA clocks read each case once. Used when a whole
   * batch is delivered at once.
   */
  handleMany?: (tx: Tx, events: StoredEvent[]) => Promise<void>;
}

/**
 * The payload of an audited change: the row's snapshot before (null when created) and after (null
 * when deleted), plus anything the event adds; the audit log turns it into a diff.
 */
export const changePayload = <Row>(
  snapshot: (row: Row) => Record<string, unknown>,
  before: Row | null,
  after: Row | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  before: before ? snapshot(before) : null,
  after: after ? snapshot(after) : null,
  ...extra,
});

type EventInsert = typeof events.$inferInsert;

const heldBack = new WeakMap<Tx, EventInsert[]>();
/** Rows per INSERT when held-back events are written (7 parameters a row, far below PostgreSQL's 65,535). */
const HELD_CHUNK = 1_000;

/** Records events in the caller's transaction: they exist if and only if the state change committed. */
export const recordEvents = async (tx: Tx, actor: AnyActor, list: DomainEvent[]): Promise<void> => {
  if (list.length === 0) return;
  const rows = list.map((e) => ({
    type: e.type,
    aggregateType: e.aggregateType,
    aggregateId: e.aggregateId,
    caseId: e.caseId ?? null,
    actorId: actor.type === "user" ? actor.id : null,
    payload: e.payload,
  }));
  const held = heldBack.get(tx);
  if (held) held.push(...rows);
  else await tx.insert(events).values(rows);
};

/**
 * Runs `fn` with the events it records on `tx` held back and written, in the order recorded, by one INSERT
 * when it returns (a batch of work records many: one statement instead of one each). For units of work
 * that open no savepoint on `tx`: an event recorded on a savepoint is written at once, so it would be
 * ordered before the held-back ones.
 */
export const holdingEvents = async <T>(tx: Tx, fn: () => Promise<T>): Promise<T> => {
  if (heldBack.has(tx)) return await fn();
  const held: EventInsert[] = [];
  heldBack.set(tx, held);
  let result: T;
  try {
    result = await fn();
  } finally {
    heldBack.delete(tx);
  }
  for (let at = 0; at < held.length; at += HELD_CHUNK) {
    await tx.insert(events).values(held.slice(at, at + HELD_CHUNK));
  }
  return result;
};

const DISPATCH_LOCK = 7_412_002;
const BATCH = 200;
const MAX_ATTEMPTS = 15;

const backoffSeconds = (attempts: number): number => Math.min(3600, 2 ** attempts);

/**
 * Delivers recorded events to processors, at least once and in order per aggregate.
 * One dispatcher runs at a time across all nodes (advisory lock); a failing event holds back
 * later events of the same aggregate until it succeeds or is dead-lettered.
 */
export class EventDispatcher {
  private readonly processors: EventProcessor[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  register(processor: EventProcessor): void {
    this.processors.push(processor);
  }

  /** Called after a commit: drains soon, in this process. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Waits until no event is ready for dispatch (tests, shutdown). */
  async drain(): Promise<void> {
    if (this.running) await this.running;
    while ((await this.dispatchBatch()) > 0) {
      /* keep going */
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.closed && (await this.dispatchBatch()) > 0) {
          /* keep going */
        }
      } catch (err) {
        this.log("event dispatch failed", err);
      }
    } while (this.again && !this.closed);
  }

  /**
   * Returns how many events were delivered in this batch. The ready events are first delivered together
   * (one savepoint, batched processors, one UPDATE); if that fails, each is delivered on its own so one
   * failing event holds back only its aggregate.
   */
  async dispatchBatch(): Promise<number> {
    return await this.db.transaction(async (tx) => {
      const lock = await tx.execute<{ locked: boolean }>(
        sql`SELECT pg_try_advisory_xact_lock(${DISPATCH_LOCK}) AS locked`,
      );
      if (!lock.rows[0]?.locked) return 0;
      const pending = await tx
        .select()
        .from(events)
        .where(isNull(events.dispatchedAt))
        .orderBy(asc(events.id))
        .limit(BATCH);
      const ready = readyEvents(pending, Date.now());
      if (ready.length === 0) return 0;
      if (ready.length > 1 && (await this.deliverTogether(tx, ready))) return ready.length;
      return await this.deliverOneByOne(tx, ready);
    });
  }

  private async deliverTogether(tx: Tx, ready: EventRow[]): Promise<boolean> {
    const stored = ready.map(storedEvent);
    try {
      await tx.transaction(async (sp) => {
        for (const p of this.processors) {
          if (p.handleMany) await p.handleMany(sp, stored);
          else for (const event of stored) await p.handle(sp, event);
        }
        await sp
          .update(events)
          .set({ dispatchedAt: new Date() })
          .where(
            inArray(
              events.id,
              ready.map((r) => r.id),
            ),
          );
      });
      return true;
    } catch (err) {
      this.log(`a batch of ${ready.length} events failed together; delivering them one by one`, err);
      return false;
    }
  }

  private async deliverOneByOne(tx: Tx, ready: EventRow[]): Promise<number> {
    const held = new Set<string>();
    const now = Date.now();
    let delivered = 0;
    for (const row of ready) {
      const key = aggregateKey(row);
      if (held.has(key)) continue;
      const event = storedEvent(row);
      try {
        await tx.transaction(async (sp) => {
          for (const p of this.processors) await p.handle(sp, event);
        });
        await tx.update(events).set({ dispatchedAt: new Date() }).where(eq(events.id, row.id));
        delivered++;
      } catch (err) {
        const attempts = row.attempts + 1;
        const dead = attempts >= MAX_ATTEMPTS;
        this.log(`event ${row.id} (${row.type}) failed, attempt ${attempts}${dead ? ", dead-lettered" : ""}`, err);
        await tx
          .update(events)
          .set({
            attempts,
            lastError: String(err instanceof Error ? err.message : err).slice(0, 2000),
            nextAttemptAt: new Date(now + backoffSeconds(attempts) * 1000),
            dispatchedAt: dead ? new Date() : null,
          })
          .where(and(eq(events.id, row.id)));
        held.add(key);
      }
    }
    return delivered;
  }
}

type EventRow = typeof events.$inferSelect;

const aggregateKey = (row: EventRow): string => `${row.aggregateType}:${row.aggregateId}`;

/** Pending events in order, minus those of an aggregate whose earlier event waits for a retry. */
const readyEvents = (pending: EventRow[], now: number): EventRow[] => {
  const held = new Set<string>();
  return pending.filter((row) => {
    const key = aggregateKey(row);
    if (held.has(key)) return false;
    if (row.nextAttemptAt && row.nextAttemptAt.getTime() > now) {
      held.add(key);
      return false;
    }
    return true;
  });
};

const storedEvent = (row: EventRow): StoredEvent => ({
  id: row.id,
  type: row.type as EventType,
  aggregateType: row.aggregateType,
  aggregateId: row.aggregateId,
  caseId: row.caseId,
  actorId: row.actorId,
  payload: row.payload,
  createdAt: row.createdAt,
});
