import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import pg from "pg";
import { startEmbeddedPostgres } from "../../src/server/db/connection";
import { ensureServerBuild, freePort, type Server, serverNodeArgs, startProcess } from "./processes";

export type DbKind = "postgres" | "pglite";

const SERVER_URL = process.env.EXTRAMILE_BENCH_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  env: Record<string, string>;
  /** Runs a query against the database; for PGlite only while no server process holds it. */
  query: <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/** A fresh database: a new one on the PostgreSQL server, or a new PGlite data directory. */
export const freshDatabase = async (kind: DbKind): Promise<BenchDatabase> => {
  if (kind === "postgres") {
    const name = `extramile_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    return {
      env: { DATABASE_URL: url.toString() },
      query: async (text, values) => (await pool.query(text, values)).rows,
      close: async () => {
        await pool.end();
        const c = new pg.Client({ connectionString: SERVER_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "extramile-bench-"));
  return {
    env: { EXTRAMILE_DATA_DIR: dir },
    query: async (text, values) => {
      const embedded = await startEmbeddedPostgres(join(dir, "pg"));
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
        await embedded.stop();
      }
    },
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

export interface Extramile {
  httpPort: number;
  smtpPort: number;
  env: Record<string, string>;
  server: Server | null;
  start: () => Promise<number>;
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

export const ADMIN = { email: "bench-admin@extramile.test", password: "bench-password-1234" };

/** The real server process (`bin/extramile.js start`) with its SMTP receiver on a fixed port across restarts. */
export const extramile = async (database: BenchDatabase, extraEnv: Record<string, string> = {}): Promise<Extramile> => {
  const httpPort = await freePort();
  const smtpPort = await freePort();
  const env = {
    ...database.env,
    PORT: String(httpPort),
    HOST: "127.0.0.1",
    EXTRAMILE_SMTP_PORT: String(smtpPort),
    EXTRAMILE_ADMIN_EMAIL: ADMIN.email,
    EXTRAMILE_ADMIN_PASSWORD: ADMIN.password,
    EXTRAMILE_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    LOG_LEVEL: "warn",
    ...extraEnv,
  };
  const self: Extramile = {
    httpPort,
    smtpPort,
    env,
    server: null,
    start: async () => {
      await ensureServerBuild();
      const server = await startProcess(["node", ...serverNodeArgs(), "bin/extramile.js", "start"], env, httpPort);
      self.server = server;
      await waitForPort(smtpPort);
      return server.startMs;
    },
    kill: async () => {
      const child = self.server?.child;
      self.server = null;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      await self.server?.stop();
      self.server = null;
    },
  };
  return self;
};

const waitForPort = async (port: number): Promise<void> => {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, ignoreTLS: true });
  for (let i = 0; i < 200; i++) {
    try {
      await transport.verify();
      transport.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`SMTP port ${port} did not open`);
};

export interface AdminApi {
  call: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>;
}

/** Signs in as the first admin (created from EXTRAMILE_ADMIN_*) and calls the API with the session. */
export const adminApi = async (httpPort: number): Promise<AdminApi> => {
  const base = `http://127.0.0.1:${httpPort}`;
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    call: async (method, path, body) => {
      const answer = await fetch(`${base}${path}`, {
        method,
        headers: { cookie, "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await answer.text();
      return { status: answer.status, json: text ? JSON.parse(text) : null };
    },
  };
};

/** A team and a support address for the run; returns the address and the team id. */
export const setupDesk = async (
  api: AdminApi,
  domain: string,
  autoAcknowledge = false,
): Promise<{ address: string; teamId: string }> => {
  const team = await api.call("POST", "/api/v1/teams", { name: `Bench ${randomBytes(3).toString("hex")}` });
  if (team.status !== 201 && team.status !== 200) throw new Error(`team: ${team.status} ${JSON.stringify(team.json)}`);
  const teamId = (team.json as { id: string }).id;
  const address = `help@${domain}`;
  const created = await api.call("POST", "/api/v1/support-addresses", {
    address,
    name: "Bench Desk",
    teamId,
    autoAcknowledge,
  });
  if (created.status !== 201) throw new Error(`support address: ${created.status} ${JSON.stringify(created.json)}`);
  return { address, teamId };
};

/** A distinct small customer message; `n` appears in the subject, the Message-ID and the body. */
export const benchMessage = (run: string, n: number, to: string): Buffer =>
  Buffer.from(
    [
      `From: "Customer ${n}" <customer${n}@${run}.example>`,
      `To: ${to}`,
      `Subject: Bench ${run} message ${n}`,
      `Message-ID: <bench-${run}-${n}@customer.example>`,
      "Date: Tue, 24 Nov 2026 10:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Hello, this is message ${n} of run ${run}. The printer is on fire again.`,
      "",
    ].join("\r\n"),
  );

/** One SMTP session per call (as a sending MTA would open): resolves with the 250 answer, rejects otherwise. */
export const sendOver = async (port: number, raw: Buffer, from: string, to: string): Promise<string> => {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    ignoreTLS: true,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 30_000,
  });
  try {
    return (await transport.sendMail({ envelope: { from, to: [to] }, raw })).response;
  } finally {
    transport.close();
  }
};

/**
 * A pooled sender (connections reused) for throughput runs, with Nagle's algorithm off as an MTA's client
 * has it. Nodemailer leaves it on, so the end-of-data dot waited for the receiver's delayed ACK (40 ms),
 * which capped each connection at about 20 messages per second whatever the receiver did.
 */
export const pooledSender = (port: number, connections: number) =>
  nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
    getSocket: (_options, callback) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      const failed = (err: Error) => callback(err, null);
      socket.once("error", failed);
      socket.once("connect", () => {
        socket.off("error", failed);
        callback(null, { connection: socket });
      });
    },
  });
