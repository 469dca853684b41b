import type { NotificationKind, TNotification } from "../../../shared/contracts/notifications";
import type { DbOrTx } from "../../db/connection";
import type { Actor } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { ensureVisible } from "../../platform/policy";
import { notificationsPolicy } from "./notifications.policy";
import * as repo from "./notifications.repository";

export interface Notice {
  userId: string;
  kind: NotificationKind;
  caseId: string | null;
  title: string;
  body: string;
  /** Same key, same notice: a retried job or a second process notifies once. */
  dedupeKey: string;
}

const present = (n: repo.NotificationRow): TNotification => ({
  id: n.id,
  kind: n.kind,
  caseId: n.caseId,
  title: n.title,
  body: n.body,
  createdAt: n.createdAt,
  readAt: n.readAt,
});

/** Records notices in the caller's transaction (one per recipient and key); returns how many were new. */
export const notify = async (db: DbOrTx, notices: readonly Notice[]): Promise<number> => {
  const unique = [...new Map(notices.map((n) => [n.dedupeKey, n])).values()];
  return (await repo.insertMany(db, unique)).length;
};

export const listMyNotifications = async (
  ctx: ServiceContext,
  actor: Actor,
  q: { unread: boolean; limit: number },
): Promise<TNotification[]> => (await repo.listForUser(ctx.db, actor.id, q.unread, q.limit)).map(present);

export const markNotificationRead = async (ctx: ServiceContext, actor: Actor, id: string): Promise<TNotification> => {
  const row = await repo.findById(ctx.db, id);
  ensureVisible(!!row && notificationsPolicy.can(actor, "read", row), "Notification");
  const updated = await repo.markRead(ctx.db, id, new Date());
  return present(updated ?? (row as repo.NotificationRow));
};
