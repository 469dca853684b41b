import type { Config } from "../config";
import type { Db, Tx } from "../db/connection";
import type { AfterResponse } from "./after-response";
import type { BlobStore } from "./blob-store";
import type { CaseGuards } from "./case-guards";
import type { DeactivationSteps } from "./deactivation";
import { databaseErrorCode } from "./errors";
import type { EventDispatcher } from "./events";
import type { ExecutiveLine } from "./executive-line";
import type { Jobs } from "./jobs";
import type { PresenceBoard, RealtimeBus } from "./realtime";
import type { SignOut } from "./sign-out";
import type { SystemMailer } from "./system-mail";

/** What every service function receives: the database and the platform parts, never HTTP. */
export interface ServiceContext {
  db: Db;
  config: Config;
  events: EventDispatcher;
  blobs: BlobStore;
  jobs: Jobs;
  realtime: RealtimeBus;
  presence: PresenceBoard;
  /** Rules other domains add to every case (solve, close, merge, followers). */
  caseGuards: CaseGuards;
  /** What other domains do, inside the deactivation's transaction, when an employee is deactivated. */
  deactivation: DeactivationSteps;
  /** The executive line, as the email channel reaches it. */
  executiveLine: ExecutiveLine;
  /** Ends an employee's sessions, as the users domain reaches the auth domain. */
  signOut: SignOut;
  /** System mail, as domains the email domain depends on reach it. */
  systemMail: SystemMailer;
  /** Work requests leave for after their answer (constant-time answers). */
  afterResponse: AfterResponse;
  log: (msg: string, err?: unknown) => void;
}

/** Deadlock victim and serialization failure: PostgreSQL rolled the transaction back and asks for a retry. */
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 4;

/**
 * Runs `fn` in one transaction; after the commit the dispatcher delivers the events it recorded.
 * A transaction PostgreSQL aborted as a deadlock victim (or for serialization) ran nothing that
 * lasts, so it is run again, a few times, after a short random pause. `fn` must therefore keep its
 * effects inside the transaction (events, outbox rows), as every service does.
 */
export const inTransaction = async <T>(ctx: ServiceContext, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await ctx.db.transaction(fn);
      ctx.events.kick();
      return result;
    } catch (err) {
      const code = databaseErrorCode(err);
      if (attempt >= ATTEMPTS || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((resolve) => setTimeout(resolve, attempt * 20 + Math.random() * 30));
    }
  }
};

/** Something a process holds per context (worker pools, queues): made on first use, closed with the context. */
export const perContext = <T extends { close: () => Promise<void> }>(create: (ctx: ServiceContext) => T) => {
  const made = new WeakMap<ServiceContext, T>();
  return {
    of: (ctx: ServiceContext): T => {
      const known = made.get(ctx);
      if (known) return known;
      const created = create(ctx);
      made.set(ctx, created);
      return created;
    },
    close: async (ctx: ServiceContext): Promise<void> => {
      const known = made.get(ctx);
      made.delete(ctx);
      await known?.close();
    },
  };
};
