import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { ImapFlow } from "imapflow";
import type { ServiceContext } from "../../platform/context";
import { scheduleParse } from "./email.jobs";
import { decryptSecret, emailKeys } from "./email.keys";
import { receiveInbound } from "./inbound.service";
import { resolveMailHost } from "./mail-host-guard";
import { onMailboxesChanged } from "./mailbox-signals";
import * as mailboxes from "./mailboxes.service";

const LEASE_SECONDS = 90;
const LEASE_RENEW_MS = 30_000;
const RECONCILE_MS = 30_000;
const MAX_PER_PASS = 500;
const MAX_BACKOFF_MS = 15 * 60_000;

/** Wait before reconnecting after `failures` failures in a row: 5 s doubling to at most 15 minutes. */
export const imapBackoffMs = (failures: number): number =>
  Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.max(0, failures - 1));

const errorText = (error: unknown): string => {
  const e = error as { responseText?: unknown; message?: unknown; code?: unknown };
  const text = typeof e.responseText === "string" && e.responseText ? e.responseText : String(e.message ?? error);
  return (typeof e.code === "string" ? `${e.code}: ${text}` : text).slice(0, 1000);
};

const connect = async (ctx: ServiceContext, mailbox: mailboxes.Mailbox): Promise<ImapFlow> => {
  const keys = await emailKeys(ctx);
  // resolved and checked on every connection, and connected to by address, so DNS cannot point it inside
  const address = await resolveMailHost(mailbox.host, ctx.config.email.allowPrivateHosts);
  const client = new ImapFlow({
    host: address,
    ...(isIP(mailbox.host) ? {} : { servername: mailbox.host }),
    port: mailbox.port,
    secure: mailbox.tls,
    auth: { user: mailbox.username, pass: decryptSecret(keys.mailboxPassword, mailbox.passwordEncrypted) },
    logger: false,
    autoIdleDelay: 1_000,
    maxIdleTime: 5 * 60_000,
    missingIdleCommand: "NOOP",
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
    socketTimeout: 10 * 60_000,
  });
  client.on("error", (err: unknown) => ctx.log(`imap ${mailbox.name}: connection error`, err));
  await client.connect();
  if (mailbox.afterImport === "move" && mailbox.moveToFolder) {
    await client.mailboxCreate(mailbox.moveToFolder).catch(() => undefined);
  }
  return client;
};

/**
 * Imports what waits in the folder: unseen messages (mark_seen) or all of them (move). Each message is
 * committed raw before it is marked seen or moved, so a crash in between imports it again (and the
 * SHA-256 de-duplication keeps it once). Returns how many new messages were stored.
 */
const importWaiting = async (
  ctx: ServiceContext,
  client: ImapFlow,
  mailbox: mailboxes.Mailbox,
): Promise<{ imported: number; skipped: string[] }> => {
  const lock = await client.getMailboxLock(mailbox.folder);
  let imported = 0;
  const skipped: string[] = [];
  try {
    const found = await client.search(mailbox.afterImport === "mark_seen" ? { seen: false } : { all: true }, {
      uid: true,
    });
    const uids = (found || []).sort((a, b) => a - b).slice(0, MAX_PER_PASS);
    for (const uid of uids) {
      const meta = await client.fetchOne(String(uid), { size: true }, { uid: true });
      if (meta && (meta.size ?? 0) > ctx.config.email.maxMessageBytes) {
        skipped.push(`UID ${uid} is ${meta.size} bytes, over the ${ctx.config.email.maxMessageBytes}-byte limit`);
        continue;
      }
      const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (message === false || !message.source) continue;
      const stored = await receiveInbound(ctx, {
        source: `imap:${mailbox.id}`,
        raw: message.source,
        envelope: { mailFrom: null, rcptTo: [], remoteAddress: mailbox.host, heloName: null, imapUid: uid },
      });
      if (mailbox.afterImport === "move" && mailbox.moveToFolder) {
        await client.messageMove(String(uid), mailbox.moveToFolder, { uid: true });
      } else {
        await client.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      }
      if (!stored.duplicate) {
        imported++;
        scheduleParse(ctx, stored.id);
      }
    }
  } finally {
    lock.release();
  }
  return { imported, skipped };
};

const recordPass = async (
  ctx: ServiceContext,
  mailbox: mailboxes.Mailbox,
  result: { imported: number; skipped: string[] },
): Promise<void> => {
  await mailboxes.setStatus(ctx, mailbox.id, {
    state: "connected",
    lastSuccessAt: new Date(),
    consecutiveFailures: 0,
    nextAttemptAt: null,
    imported: result.imported,
    ...(result.skipped.length > 0
      ? { lastError: result.skipped.join("; ").slice(0, 1000), lastErrorAt: new Date() }
      : {}),
  });
};

const recordFailure = async (ctx: ServiceContext, mailbox: mailboxes.Mailbox, error: unknown): Promise<number> => {
  const failures = mailbox.consecutiveFailures + 1;
  const wait = imapBackoffMs(failures);
  await mailboxes.setStatus(ctx, mailbox.id, {
    state: "backoff",
    lastError: errorText(error),
    lastErrorAt: new Date(),
    consecutiveFailures: failures,
    nextAttemptAt: new Date(Date.now() + wait),
  });
  return wait;
};

/** One pass over a mailbox (connect, import, log out), with its status recorded: for tests and manual runs. */
export const pollMailboxOnce = async (
  ctx: ServiceContext,
  mailboxId: string,
): Promise<{ imported: number; error: string | null }> => {
  const mailbox = await mailboxes.find(ctx, mailboxId);
  if (!mailbox) return { imported: 0, error: "no such mailbox" };
  let client: ImapFlow | null = null;
  try {
    await mailboxes.setStatus(ctx, mailbox.id, { state: "connecting" });
    client = await connect(ctx, mailbox);
    const result = await importWaiting(ctx, client, mailbox);
    await recordPass(ctx, mailbox, result);
    await mailboxes.setStatus(ctx, mailbox.id, { state: "idle" });
    return { imported: result.imported, error: null };
  } catch (error) {
    await recordFailure(ctx, mailbox, error);
    return { imported: 0, error: errorText(error) };
  } finally {
    await client?.logout().catch(() => client?.close());
  }
};

/** Keeps one mailbox imported: a connection in IDLE (or polled), reconnecting with backoff, never silently stopped. */
class MailboxPoller {
  private stopped = false;
  private wake: (() => void) | null = null;
  private client: ImapFlow | null = null;
  readonly done: Promise<void>;

  constructor(
    private readonly ctx: ServiceContext,
    readonly mailboxId: string,
    readonly version: number,
    private readonly owner: string,
  ) {
    this.done = this.run();
  }

  private sleep(ms: number, client?: ImapFlow): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        client?.off("exists", finish);
        client?.off("close", finish);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      client?.on("exists", finish);
      client?.on("close", finish);
      this.wake = finish;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const mailbox = await mailboxes.find(this.ctx, this.mailboxId).catch(() => null);
      if (!mailbox?.active || mailbox.version !== this.version) return;
      if (!(await mailboxes.claimLease(this.ctx, mailbox.id, this.owner, LEASE_SECONDS).catch(() => false))) {
        await this.sleep(LEASE_RENEW_MS);
        continue;
      }
      const renew = setInterval(() => {
        mailboxes.claimLease(this.ctx, mailbox.id, this.owner, LEASE_SECONDS).catch(() => undefined);
      }, LEASE_RENEW_MS);
      try {
        await mailboxes.setStatus(this.ctx, mailbox.id, { state: "connecting" });
        const client = await connect(this.ctx, mailbox);
        this.client = client;
        while (!this.stopped && client.usable) {
          await recordPass(this.ctx, mailbox, await importWaiting(this.ctx, client, mailbox));
          await this.sleep(mailbox.pollIntervalSeconds * 1000, client);
        }
        if (!this.stopped) throw new Error("The IMAP server closed the connection");
      } catch (error) {
        if (this.stopped) break;
        const current = (await mailboxes.find(this.ctx, this.mailboxId).catch(() => null)) ?? mailbox;
        const wait = await recordFailure(this.ctx, current, error).catch(() => imapBackoffMs(1));
        await this.sleep(wait);
      } finally {
        clearInterval(renew);
        const client = this.client;
        this.client = null;
        await client?.logout().catch(() => client.close());
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.client?.close();
    await this.done;
    await mailboxes.releaseLease(this.ctx, this.mailboxId, this.owner).catch(() => undefined);
  }
}

export interface ImapPollers {
  stop: () => Promise<void>;
}

/**
 * Runs a poller for every active mailbox in this process. Across nodes a lease in the mailbox row
 * lets one process poll each mailbox; a changed or removed mailbox is picked up at once here and
 * within RECONCILE_MS elsewhere.
 */
export const startImapPollers = (ctx: ServiceContext): ImapPollers => {
  const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  const running = new Map<string, MailboxPoller>();
  let stopped = false;
  let reconciling: Promise<void> = Promise.resolve();
  const reconcile = async () => {
    if (stopped) return;
    const active = await mailboxes.active(ctx).catch((err: unknown) => {
      ctx.log("imap: listing mailboxes failed", err);
      return null;
    });
    if (!active || stopped) return;
    const wanted = new Map(active.map((m) => [m.id, m.version]));
    for (const [id, poller] of running) {
      if (wanted.get(id) !== poller.version) {
        running.delete(id);
        await poller.stop();
      }
    }
    for (const [id, version] of wanted) {
      if (!running.has(id)) running.set(id, new MailboxPoller(ctx, id, version, owner));
    }
  };
  const schedule = () => {
    reconciling = reconciling.then(reconcile);
  };
  const unsubscribe = onMailboxesChanged(ctx, schedule);
  const timer = setInterval(schedule, RECONCILE_MS);
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await reconciling;
      await Promise.all([...running.values()].map((p) => p.stop()));
      running.clear();
    },
  };
};
