import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { inject } from "vitest";
import { buildApp } from "../../src/server/app";
import type { Config } from "../../src/server/config";
import { connect } from "../../src/server/db/connection";
import { testConfig } from "../app";

export interface ServedApp {
  app: FastifyInstance;
  base: string;
  close: () => Promise<void>;
}

/**
 * The app on the run's database, listening on a random loopback port. Embedded PGlite gets one
 * connection, as `npm start` does (see docs/architecture.md).
 */
export const startServedApp = async (overrides: Partial<Config> = {}): Promise<ServedApp> => {
  const url = inject("databaseUrl");
  const embedded = !url.includes("127.0.0.1:5432");
  const database = connect(url, embedded ? 1 : 4, embedded);
  const app = await buildApp({ config: testConfig({ ...overrides, databaseUrl: url }), database });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    app,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
};
