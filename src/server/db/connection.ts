import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema/index";

export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface EmbeddedServer {
  url: string;
  stop: () => Promise<void>;
}

const freePort = async (): Promise<number> => {
  const net = await import("node:net");
  return await new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port")),
      );
    });
  });
};

/**
 * Creates a new data directory in a worker thread that ends with it. Initializing (initdb) in the process that
 * then serves kept that instance's WebAssembly memory resident: 826 MB RSS after a cold start against 451 MB
 * after a warm one (PGlite 0.5); initialized in a worker, the cold start ends at the warm start's ~420 MB.
 */
const initializeInWorker = async (dataDir: string): Promise<void> => {
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const worker = new Worker(
    `const { workerData, parentPort } = require("node:worker_threads");
     const { PGlite } = require(workerData.pglite);
     PGlite.create(workerData.dataDir).then((db) => db.close()).then(() => parentPort.postMessage("initialized"));`,
    { eval: true, workerData: { pglite, dataDir } },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`initializing ${dataDir} stopped (exit ${code})`)));
    });
  } finally {
    await worker.terminate();
  }
};

/**
 * Starts PGlite (persisted in `dataDir`, or in memory for `memory://`) and serves it on a private
 * loopback port so the app only ever talks to PostgreSQL through a `DATABASE_URL`.
 */
export const startEmbeddedPostgres = async (dataDir: string): Promise<EmbeddedServer> => {
  if (dataDir !== "memory://") {
    await mkdir(dataDir, { recursive: true });
    if (!existsSync(join(dataDir, "PG_VERSION"))) await initializeInWorker(dataDir);
  }
  const db = await PGlite.create(dataDir === "memory://" ? undefined : dataDir);
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 200 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
};

export interface Database {
  db: Db;
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  close: () => Promise<void>;
}

pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

interface Ambient {
  tx: Tx;
  open: boolean;
}

const ambient = new AsyncLocalStorage<Ambient>();

/**
 * Embedded PGlite is one backend, and its socket multiplexer interleaves the protocol messages of
 * connections that are busy at once (electric-sql/pglite#1046): embedded mode therefore runs on ONE
 * connection. With one connection, a query issued through `db` while the same async flow holds a
 * transaction would wait for itself forever, so this wrapper runs such queries inside that transaction
 * (and nested `db.transaction` calls become savepoints). Outside a transaction it is the plain `db`.
 */
export const withAmbientTransactions = (db: Db): Db =>
  new Proxy(db, {
    get(target, prop) {
      const current = ambient.getStore();
      const source: Db | Tx = current?.open ? current.tx : target;
      if (prop === "transaction") {
        return async <T>(fn: (tx: Tx) => Promise<T>) =>
          await source.transaction(async (tx) => {
            const scope: Ambient = { tx, open: true };
            try {
              return await ambient.run(scope, () => fn(tx));
            } finally {
              scope.open = false;
            }
          });
      }
      const value = Reflect.get(source, prop, source);
      return typeof value === "function" ? value.bind(source) : value;
    },
  });

/**
 * Starts a statement whose best plan depends on its values (full-text search: a rare word and a word in
 * half of all messages need different plans); such a statement is never prepared, so it is planned per call.
 */
export const PLAN_PER_CALL = "/* plan per call */";

/** Distinct statements this process prepares; beyond it a statement runs unnamed (parsed and planned each time). */
export const MAX_PREPARED_STATEMENTS = 1_000;

/**
 * Names every parameterized statement after a hash of its text, so each connection parses it once and
 * PostgreSQL can reuse its plan: a primary-key lookup with joins spends ten times longer in the planner
 * than in the executor (docs/performance.md). PostgreSQL still plans per call where a generic plan would
 * cost more (plan_cache_mode auto); statements starting with PLAN_PER_CALL are left unnamed. Server mode only: embedded connections share one PGlite backend,
 * where two clients preparing the same name would collide.
 */
export const prepareStatements = (pool: pg.Pool): void => {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    const known = names.get(text);
    if (known || names.size >= MAX_PREPARED_STATEMENTS || !text.includes("$1") || text.startsWith(PLAN_PER_CALL)) {
      return known;
    }
    const name = `em_${createHash("sha1").update(text).digest("base64url")}`;
    names.set(text, name);
    return name;
  };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    Object.assign(client, {
      query: (config: unknown, ...rest: unknown[]) => {
        const statement = config as { text?: unknown; name?: unknown } | null;
        if (statement && typeof statement === "object" && typeof statement.text === "string" && !statement.name) {
          const name = nameOf(statement.text);
          if (name) return query({ ...statement, name }, ...rest);
        }
        return query(config, ...rest);
      },
    });
  });
};

/** Connections per process in embedded mode (see withAmbientTransactions). */
export const EMBEDDED_POOL_SIZE = 1;

export const connect = (url: string, poolSize: number, embedded: boolean, onClose?: () => Promise<void>): Database => {
  const pool = new pg.Pool({
    connectionString: url,
    max: embedded ? EMBEDDED_POOL_SIZE : poolSize,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (err) => console.error("database pool error", err.message));
  if (!embedded) prepareStatements(pool);
  const db = drizzle(pool, { schema });
  return {
    db: embedded ? withAmbientTransactions(db) : db,
    pool,
    url,
    embedded,
    close: async () => {
      await pool.end();
      await onClose?.();
    },
  };
};

export const openDatabase = async (opts: {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
}): Promise<Database> => {
  if (opts.databaseUrl) return connect(opts.databaseUrl, opts.poolSize, false);
  const embedded = await startEmbeddedPostgres(join(opts.dataDir, "pg"));
  return connect(embedded.url, opts.poolSize, true, embedded.stop);
};

export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "migrations");

const MIGRATION_LOCK = 7_412_001;

/** Applies pending migrations under an advisory lock, so several processes may start at once. */
export const runMigrations = async (database: Database): Promise<void> => {
  const client = await database.pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
};
