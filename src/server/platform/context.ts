import type { Config } from "../config";
import type { Db, Tx } from "../db/connection";
import type { BlobStore } from "./blob-store";
import type { CaseGuards } from "./case-guards";
import type { EventDispatcher } from "./events";
import type { Jobs } from "./jobs";
import type { PresenceBoard, RealtimeBus } from "./realtime";

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
  log: (msg: string, err?: unknown) => void;
}

/** Runs `fn` in one transaction; after the commit the dispatcher delivers the events it recorded. */
export const inTransaction = async <T>(ctx: ServiceContext, fn: (tx: Tx) => Promise<T>): Promise<T> => {
  const result = await ctx.db.transaction(fn);
  ctx.events.kick();
  return result;
};
