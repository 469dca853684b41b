import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import pg from "pg";
import type { DbOrTx } from "../db/connection";
import type { EventProcessor, StoredEvent } from "./events";

export type RealtimeMessage =
  | { kind: "case"; caseId: string; type: string; actorId: string | null; eventId: number }
  | { kind: "presence"; caseId: string; userId: string; name: string; state: "viewing" | "replying" | "left" };

/**
 * Fans realtime messages out to every server process. On a PostgreSQL server it rides on
 * LISTEN/NOTIFY (sent inside the caller's transaction, so only committed changes are announced);
 * embedded PGlite has one process, so an in-process emitter is enough.
 */
export interface RealtimeBus {
  /** Sends the messages to every node (with PostgreSQL: when `db`'s transaction commits). */
  publish(db: DbOrTx, ...messages: RealtimeMessage[]): Promise<void>;
  subscribe(listener: (message: RealtimeMessage) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = "extramile_realtime";

export class InProcessBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(_db: DbOrTx, ...messages: RealtimeMessage[]): Promise<void> {
    setImmediate(() => {
      for (const message of messages) this.emitter.emit("message", message);
    });
  }

  subscribe(listener: (message: RealtimeMessage) => void): () => void {
    this.emitter.on("message", listener);
    return () => this.emitter.off("message", listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export class PostgresBus implements RealtimeBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private client: pg.Client | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("notification", (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      try {
        this.emitter.emit("message", JSON.parse(n.payload) as RealtimeMessage);
      } catch (err) {
        this.log("bad realtime payload", err);
      }
    });
    client.on("error", (err) => {
      this.log("realtime listener lost its connection; reconnecting", err);
      this.client = null;
      if (!this.closed)
        setTimeout(() => void this.start().catch((e) => this.log("realtime reconnect failed", e)), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  async publish(db: DbOrTx, ...messages: RealtimeMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const payloads = JSON.stringify(messages.map((m) => JSON.stringify(m)));
    await db.execute(
      sql`SELECT pg_notify(${CHANNEL}, p) FROM json_array_elements_text(${payloads}::json) WITH ORDINALITY AS t(p, n) ORDER BY n`,
    );
  }

  subscribe(listener: (message: RealtimeMessage) => void): () => void {
    this.emitter.on("message", listener);
    return () => this.emitter.off("message", listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.emitter.removeAllListeners();
    await this.client?.end();
    this.client = null;
  }
}

const caseMessages = (list: StoredEvent[]): RealtimeMessage[] =>
  list.flatMap((event) =>
    event.caseId
      ? [{ kind: "case" as const, caseId: event.caseId, type: event.type, actorId: event.actorId, eventId: event.id }]
      : [],
  );

/** Announces every committed case event to browsers. */
export const realtimeProcessor = (bus: RealtimeBus): EventProcessor => ({
  name: "realtime",
  handle: async (tx, event) => await bus.publish(tx, ...caseMessages([event])),
  handleMany: async (tx, list) => await bus.publish(tx, ...caseMessages(list)),
});

interface PresenceEntry {
  name: string;
  state: "viewing" | "replying";
  expiresAt: number;
}

/** Who is on which case right now, rebuilt on every node from the bus; entries expire without heartbeats. */
export class PresenceBoard {
  private readonly byCase = new Map<string, Map<string, PresenceEntry>>();

  constructor(private readonly ttlMs = 45_000) {}

  apply(message: RealtimeMessage, now = Date.now()): void {
    if (message.kind !== "presence") return;
    const users = this.byCase.get(message.caseId) ?? new Map<string, PresenceEntry>();
    if (message.state === "left") users.delete(message.userId);
    else users.set(message.userId, { name: message.name, state: message.state, expiresAt: now + this.ttlMs });
    if (users.size === 0) this.byCase.delete(message.caseId);
    else this.byCase.set(message.caseId, users);
  }

  list(caseId: string, now = Date.now()): { id: string; name: string; state: "viewing" | "replying" }[] {
    const users = this.byCase.get(caseId);
    if (!users) return [];
    for (const [id, e] of users) if (e.expiresAt <= now) users.delete(id);
    return [...users]
      .map(([id, e]) => ({ id, name: e.name, state: e.state }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
