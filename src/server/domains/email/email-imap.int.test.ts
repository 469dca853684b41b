import { sql } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp, testConfig } from "../../../../test/app";
import { makeUser, type TestUser, uniq } from "../../../../test/factories";
import { compose, type Desk, type Dovecot, makeDesk, startDovecot } from "../../../../test/mail";
import { inboundMessages } from "../../db/schema/index";
import { SYSTEM } from "../../platform/actor";
import { createMailbox, updateMailbox } from "./email.service";
import { pollMailboxOnce, startImapPollers } from "./imap-poller";
import { processInbound } from "./inbound.service";

let t: TestApp;
let dovecot: Dovecot;
let desk: Desk;
let admin: TestUser;

beforeAll(async () => {
  dovecot = await startDovecot();
  // Dovecot listens on 127.0.0.1, a loopback address the IMAP host guard refuses unless allowed
  t = await startTestApp({ email: { ...testConfig().email, allowPrivateHosts: ["127.0.0.1"] } });
  desk = await makeDesk(t.app, { autoAcknowledge: false });
  admin = await makeUser(t.app, { role: "admin" });
});
afterAll(async () => {
  await t?.close();
  await dovecot?.stop();
});

/** The customer's side: puts messages into the mailbox over IMAP, and looks at what is left there. */
const withMailbox = async <T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> => {
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout();
  }
};

const folderOf = (name: string) => `${name}-${uniq()}`;

const append = async (folder: string, subject: string) => {
  const raw = await compose({
    from: `${uniq("cust")}@acme.example`,
    to: desk.address.address,
    subject,
    text: "via IMAP",
  });
  await withMailbox(async (c) => {
    await c.mailboxCreate(folder).catch(() => undefined);
    await c.append(folder, raw);
  });
  return raw;
};

const mailbox = async (folder: string, overrides: Partial<Parameters<typeof createMailbox>[2]> = {}) =>
  await createMailbox(t.app.ctx, SYSTEM, {
    name: `Mailbox ${uniq()}`,
    supportAddressId: desk.address.id,
    host: "127.0.0.1",
    port: dovecot.port,
    tls: false,
    username: dovecot.user,
    password: dovecot.password,
    folder,
    afterImport: "mark_seen",
    moveToFolder: null,
    pollIntervalSeconds: 60,
    active: false,
    ...overrides,
  });

const importedFrom = async (mailboxId: string) =>
  (
    await t.app.ctx.db.execute<{ id: string; raw: Buffer; status: string }>(
      sql`SELECT id, raw, status FROM inbound_messages WHERE source = ${`imap:${mailboxId}`} ORDER BY received_at`,
    )
  ).rows;

describe("IMAP import (Dovecot)", () => {
  it("imports unseen mail byte for byte, marks it seen only afterwards, and opens cases", async () => {
    const folder = folderOf("inbox");
    const raws = [await append(folder, "First by IMAP"), await append(folder, "Second by IMAP")];
    const box = await mailbox(folder);
    expect(await pollMailboxOnce(t.app.ctx, box.id)).toEqual({ imported: 2, error: null });
    const rows = await importedFrom(box.id);
    expect(rows.map((r) => Buffer.compare(r.raw, raws[rows.indexOf(r)] as Buffer))).toEqual([0, 0]);
    const unseen = await withMailbox(async (c) => {
      await c.mailboxOpen(folder);
      return (await c.search({ seen: false }, { uid: true })) || [];
    });
    expect(unseen).toEqual([]);
    for (const r of rows) expect((await processInbound(t.app.ctx, r.id)).status).toBe("parsed");
    expect(await pollMailboxOnce(t.app.ctx, box.id)).toEqual({ imported: 0, error: null });
    const status = (await admin.call({ method: "GET", url: `/api/v1/mailboxes/${box.id}` })).json();
    expect(status.status).toMatchObject({ lastError: null, consecutiveFailures: 0, importedCount: 2 });
    expect(status.status.lastSuccessAt).toBeTruthy();
  });

  it("leaves a message unseen in the mailbox when storing it failed", async () => {
    const folder = folderOf("inbox");
    await append(folder, "Storage is down");
    const box = await mailbox(folder);
    const db = t.app.ctx.db;
    const failingDb = new Proxy(db, {
      get: (target, key, receiver) =>
        key === "insert"
          ? (table: unknown) => {
              if (table === inboundMessages) throw new Error("storage is down");
              return target.insert(table as typeof inboundMessages);
            }
          : Reflect.get(target, key, receiver),
    });
    const result = await pollMailboxOnce({ ...t.app.ctx, db: failingDb }, box.id);
    expect(result.error).toMatch(/storage is down/);
    const unseen = await withMailbox(async (c) => {
      await c.mailboxOpen(folder);
      return (await c.search({ seen: false }, { uid: true })) || [];
    });
    expect(unseen).toHaveLength(1);
    expect(await pollMailboxOnce(t.app.ctx, box.id)).toEqual({ imported: 1, error: null });
  });

  it("moves imported mail to another folder when configured so", async () => {
    const folder = folderOf("support");
    const done = folderOf("imported");
    await append(folder, "To be moved");
    const box = await mailbox(folder, { afterImport: "move", moveToFolder: done });
    expect(await pollMailboxOnce(t.app.ctx, box.id)).toEqual({ imported: 1, error: null });
    const counts = await withMailbox(async (c) => ({
      left: ((await c.status(folder, { messages: true })) || { messages: -1 }).messages,
      moved: ((await c.status(done, { messages: true })) || { messages: -1 }).messages,
    }));
    expect(counts).toEqual({ left: 0, moved: 1 });
  });

  it("shows a connection error with the time and backs off, never silently", async () => {
    const box = await mailbox(folderOf("inbox"));
    await updateMailbox(t.app.ctx, SYSTEM, box.id, { password: "wrong-password" });
    const result = await pollMailboxOnce(t.app.ctx, box.id);
    expect(result.error).toMatch(/auth|fail|invalid/i);
    const status = (await admin.call({ method: "GET", url: `/api/v1/mailboxes/${box.id}` })).json().status;
    expect(status).toMatchObject({ state: "disabled", consecutiveFailures: 1 });
    expect(status.lastError).toBeTruthy();
    expect(new Date(status.nextAttemptAt).getTime()).toBeGreaterThan(Date.now());
    expect(status.lastErrorAt).toBeTruthy();
  });

  it("a running poller picks up new mail through IDLE within seconds", async () => {
    const folder = folderOf("live");
    const box = await mailbox(folder, { active: true, pollIntervalSeconds: 3600 });
    await withMailbox(async (c) => {
      await c.mailboxCreate(folder);
    });
    const pollers = startImapPollers(t.app.ctx);
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const state = (await admin.call({ method: "GET", url: `/api/v1/mailboxes/${box.id}` })).json().status.state;
        if (state === "connected") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await append(folder, "Arrives while idling");
      while (Date.now() < deadline && (await importedFrom(box.id)).length === 0) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await importedFrom(box.id)).toHaveLength(1);
    } finally {
      await pollers.stop();
      await updateMailbox(t.app.ctx, SYSTEM, box.id, { active: false });
    }
  }, 60_000);
});

describe("IMAP host guard", () => {
  const create = async (host: string) =>
    await admin.call({
      method: "POST",
      url: "/api/v1/mailboxes",
      payload: {
        name: `Probe ${uniq()}`,
        supportAddressId: desk.address.id,
        host,
        port: 22,
        username: "x",
        password: "y",
        active: false,
      },
    });

  it("refuses a host on an internal address the configuration does not allow, naming the field", async () => {
    for (const host of ["169.254.169.254", "10.0.0.5", "::1", "127.0.0.2"]) {
      const res = await create(host);
      expect(res.statusCode, host).toBe(400);
      expect(res.json().error, host).toMatchObject({ field: "host" });
      expect(res.json().error.message, host).toMatch(/not a public address/);
    }
  });

  it("refuses at connection time a host that was changed to point inside", async () => {
    const box = await mailbox(folderOf("inbox"));
    await t.app.ctx.db.execute(sql`UPDATE imap_mailboxes SET host = '10.1.2.3' WHERE id = ${box.id}`);
    const result = await pollMailboxOnce(t.app.ctx, box.id);
    expect(result.error).toMatch(/10\.1\.2\.3 .*not a public address/);
    const status = (await admin.call({ method: "GET", url: `/api/v1/mailboxes/${box.id}` })).json().status;
    expect(status.lastError).toMatch(/not a public address/);
  });
});
