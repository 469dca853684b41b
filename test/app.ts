import { randomBytes } from "node:crypto";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import pg from "pg";
import { inject } from "vitest";
import { buildApp } from "../src/server/app";
import { type Config, loadConfig } from "../src/server/config";
import { connect, runMigrations, startEmbeddedPostgres } from "../src/server/db/connection";
import { testDnsResolver } from "./dns";

export interface TestApp {
  app: FastifyInstance;
  close: () => Promise<void>;
}

export const testConfig = (overrides: Partial<Config> = {}): Config => {
  const loaded = loadConfig({ EXTRAMILE_JOBS: "false", LOG_LEVEL: "silent" });
  return { ...loaded, email: { ...loaded.email, dnsResolver: testDnsResolver }, ...overrides };
};

/** The whole app on the run's test database, without listening; jobs are not started. */
export const startTestApp = async (overrides: Partial<Config> = {}): Promise<TestApp> => {
  const url = inject("databaseUrl");
  const database = connect(url, 4, url.includes("127.0.0.1:5432") === false);
  const app = await buildApp({ config: testConfig({ ...overrides, databaseUrl: url }), database });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
};

export type Caller = (opts: InjectOptions) => Promise<LightMyRequestResponse>;

/** A caller authenticated with a bearer token (scopes read, write, admin unless restricted). */
export const asBearer =
  (app: FastifyInstance, token: string): Caller =>
  (opts) =>
    app.inject({ ...opts, headers: { ...opts.headers, authorization: `Bearer ${token}` } });

/**
 * An app on a database of its own, for tests that change installation-wide settings (such as a required
 * custom field) that would leak into tests running in parallel on the shared run database.
 */
export const startIsolatedTestApp = async (overrides: Partial<Config> = {}): Promise<TestApp> => {
  if (process.env.EXTRAMILE_TEST_DB === "server") {
    const name = `extramile_iso_${randomBytes(4).toString("hex")}`;
    const serverUrl = process.env.EXTRAMILE_TEST_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const database = connect(url.toString(), 4, false);
    await runMigrations(database);
    const app = await buildApp({ config: testConfig({ ...overrides, databaseUrl: url.toString() }), database });
    await app.ready();
    return {
      app,
      close: async () => {
        await app.close();
        await database.close();
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const embedded = await startEmbeddedPostgres("memory://");
  const database = connect(embedded.url, 1, true, embedded.stop);
  await runMigrations(database);
  const app = await buildApp({ config: testConfig({ ...overrides, databaseUrl: embedded.url }), database });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
};
