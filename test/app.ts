import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { inject } from "vitest";
import { buildApp } from "../src/server/app";
import { type Config, loadConfig } from "../src/server/config";
import { connect } from "../src/server/db/connection";

export interface TestApp {
  app: FastifyInstance;
  close: () => Promise<void>;
}

export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  ...loadConfig({ EXTRAMILE_JOBS: "false", LOG_LEVEL: "silent" }),
  ...overrides,
});

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
