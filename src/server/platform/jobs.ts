import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import PgBoss from "pg-boss";
import type { z } from "zod";
import type { Db, DbOrTx } from "../db/connection";

export interface JobDefinition<P extends z.ZodType> {
  name: string;
  payload: P;
  /** Cron (UTC) for recurring jobs. */
  cron?: string;
  /**
   * Jobs fetched per poll (default 1), parallel fetch loops in this process (default 1), and how many jobs of a
   * fetched batch run at once (default 1: one after the other). A loop that fetched a full batch fetches again at
   * once instead of waiting for the next poll, so a backlog drains at the rate the handler allows.
   */
  batchSize?: number;
  workers?: number;
  parallel?: number;
  handler: (payload: z.output<P>) => Promise<void>;
}

export const defineJob = <P extends z.ZodType>(def: JobDefinition<P>): JobDefinition<P> => def;

/** A job to enqueue at `startAfter` (now when omitted); `key` identifies it, so the same key is enqueued once. */
export interface KeyedJob<P extends z.ZodType> {
  payload: z.input<P>;
  key: string;
  startAfter?: Date;
}

/** The job id for a key: a UUID derived from queue name and key. */
const jobIdOf = (name: string, key: string): string => {
  const hex = createHash("sha256").update(`${name}\u0000${key}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Lets pg-boss run its SQL ($1, $2 … placeholders) on a Drizzle connection or transaction. Each value is one
 * bound parameter (`sql.param`): pg-boss passes arrays for `$n::uuid[]`, which a plain interpolation would
 * spread into a list.
 */
const executorOf = (db: DbOrTx): PgBoss.Db => ({
  executeSql: async (text: string, values: unknown[]) => {
    const parts = text.split(/\$(\d+)/);
    const query = sql.join(
      parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${sql.param(values[Number(part) - 1] ?? null)}`)),
    );
    return { rows: (await db.execute(query)).rows };
  },
});

/**
 * Runs `run` on every item, at most `parallel` at a time; every item is run even when one fails, then the first
 * failure is thrown (pg-boss fails the batch, and the retried jobs find their work done).
 */
const runAll = async <T>(items: readonly T[], parallel: number, run: (item: T) => Promise<void>): Promise<void> => {
  const failures: unknown[] = [];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        await run(items[i] as T);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, lane));
  if (failures.length > 0) throw failures[0];
};

/** pg-boss on the application's own database: retries, cron and singletons safe across nodes. */
export class Jobs {
  private boss: PgBoss | null = null;
  private readonly definitions = new Map<string, JobDefinition<z.ZodType>>();
  private readonly workerIds = new Map<string, string[]>();

  /** With `sharedDb` (embedded mode) pg-boss runs its SQL on the application's own connection. */
  constructor(
    private readonly connectionString: string,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly sharedDb?: Db,
  ) {}

  register<P extends z.ZodType>(def: JobDefinition<P>): void {
    this.definitions.set(def.name, def as unknown as JobDefinition<z.ZodType>);
  }

  async start(): Promise<void> {
    const boss = this.sharedDb
      ? new PgBoss({ db: executorOf(this.sharedDb), schema: "pgboss" })
      : new PgBoss({ connectionString: this.connectionString, schema: "pgboss", max: 4 });
    boss.on("error", (err) => this.log("job queue error", err));
    await boss.start();
    for (const def of this.definitions.values()) {
      await boss.createQueue(def.name, { name: def.name, retryLimit: 5, retryBackoff: true });
      const ids: string[] = [];
      const batchSize = def.batchSize ?? 1;
      for (let i = 0; i < (def.workers ?? 1); i++) {
        let workerId: string | null = null;
        const id = await boss.work(def.name, { pollingIntervalSeconds: 2, batchSize }, async (jobs) => {
          if (jobs.length >= batchSize && workerId) boss.notifyWorker(workerId);
          await runAll(jobs, def.parallel ?? 1, async (job) => await def.handler(def.payload.parse(job.data)));
        });
        workerId = id;
        ids.push(id);
      }
      this.workerIds.set(def.name, ids);
      if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: "UTC" });
    }
    this.boss = boss;
  }

  async send<P extends z.ZodType>(def: JobDefinition<P>, payload: z.input<P>, options: PgBoss.SendOptions = {}) {
    if (!this.boss) {
      await def.handler(def.payload.parse(payload));
      return;
    }
    await this.boss.send(def.name, def.payload.parse(payload) as object, options);
    if (!options.startAfter) for (const id of this.workerIds.get(def.name) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * Enqueues jobs in the caller's transaction, so they exist if and only if it commits. A job's id is derived
   * from its key (also its singletonKey): enqueuing a key again — a retried event, a second process — adds
   * nothing. Returns false and enqueues nothing when this process runs no queue (jobs disabled: tests, CLI).
   */
  async enqueue<P extends z.ZodType>(
    db: DbOrTx,
    def: Pick<JobDefinition<P>, "name" | "payload">,
    jobs: readonly KeyedJob<P>[],
  ): Promise<boolean> {
    if (!this.boss) return false;
    if (jobs.length === 0) return true;
    await this.boss.insert(
      jobs.map((job) => ({
        id: jobIdOf(def.name, job.key),
        name: def.name,
        data: def.payload.parse(job.payload) as object,
        singletonKey: job.key,
        ...(job.startAfter ? { startAfter: job.startAfter } : {}),
      })),
      { db: executorOf(db) },
    );
    return true;
  }

  /** Lets this process's workers of a queue fetch now rather than at their next poll (after a commit enqueued jobs). */
  wake(def: Pick<JobDefinition<z.ZodType>, "name">): void {
    if (!this.boss) return;
    for (const id of this.workerIds.get(def.name) ?? []) this.boss.notifyWorker(id);
  }

  /** Whether jobs run on the queue (start() was called): otherwise send() runs the handler inline. */
  get running(): boolean {
    return this.boss !== null;
  }

  async stop(): Promise<void> {
    await this.boss?.stop({ graceful: true, wait: true });
    this.boss = null;
  }
}
