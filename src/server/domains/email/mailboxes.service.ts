import type { ServiceContext } from "../../platform/context";
import * as repo from "./email.repository";

/** What the IMAP poller reads and writes about its mailboxes (the system acting, no actor). */
export type Mailbox = repo.MailboxRow;

export const find = async (ctx: ServiceContext, id: string): Promise<Mailbox | null> =>
  (await repo.findMailbox(ctx.db, id)) ?? null;

export const active = async (ctx: ServiceContext): Promise<Mailbox[]> => await repo.activeMailboxes(ctx.db);

export const setStatus = async (
  ctx: ServiceContext,
  id: string,
  status: Parameters<typeof repo.setMailboxStatus>[2],
): Promise<void> => await repo.setMailboxStatus(ctx.db, id, status);

export const claimLease = async (ctx: ServiceContext, id: string, owner: string, seconds: number): Promise<boolean> =>
  await repo.claimMailboxLease(ctx.db, id, owner, seconds);

export const releaseLease = async (ctx: ServiceContext, id: string, owner: string): Promise<void> =>
  await repo.releaseMailboxLease(ctx.db, id, owner);
