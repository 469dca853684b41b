import type { DbOrTx, Tx } from "../../db/connection";
import * as repo from "./users.repository";

/**
 * Who is an active employee, for other domains that must check owners, leads, directors and
 * members. It imports nothing but this domain's repository, so any service may use it without
 * an import cycle through users.service.
 */
export const activeUserIds = async (db: DbOrTx, ids: readonly string[]): Promise<Set<string>> => {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  return new Set((await repo.findManyByIds(db, unique)).filter((u) => u.active).map((u) => u.id));
};

export const isActiveUser = async (db: DbOrTx, id: string): Promise<boolean> => (await activeUserIds(db, [id])).has(id);

/**
 * Which of these users are active, each kept active until the caller's transaction ends: a deactivation waits for
 * it (or it for the deactivation, and then sees the person inactive). Use it to choose an owner or a lead.
 */
export const lockActiveUsers = async (tx: Tx, ids: readonly string[]): Promise<Set<string>> =>
  new Set(await repo.lockActiveIds(tx, [...new Set(ids)]));
