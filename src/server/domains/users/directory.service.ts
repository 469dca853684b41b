import type { DbOrTx } from "../../db/connection";
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
