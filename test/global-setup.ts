import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { connect, runMigrations, startEmbeddedPostgres } from "../src/server/db/connection";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

const SERVER_URL = process.env.EXTRAMILE_TEST_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * One database per test run, migrated once: embedded PGlite by default, a fresh database on the
 * PostgreSQL server when EXTRAMILE_TEST_DB=server. Tests build their own data, so they run in parallel.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.EXTRAMILE_TEST_DB === "server") {
    const name = `extramile_test_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const database = connect(url.toString(), 2, false);
    await runMigrations(database);
    await database.close();
    project.provide("databaseUrl", url.toString());
    return async () => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  }
  const embedded = await startEmbeddedPostgres("memory://");
  const database = connect(embedded.url, 2, true);
  await runMigrations(database);
  await database.close();
  project.provide("databaseUrl", embedded.url);
  return async () => {
    await embedded.stop();
  };
}
