import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminApi,
  type BenchDatabase,
  benchMessage,
  type Extramile,
  extramile,
  freshDatabase,
  sendOver,
  setupDesk,
} from "../../bench/lib/email-server";
import { serverNodeArgs } from "../../bench/lib/processes";
import { buildServer, SERVER_NODE_FLAGS, serverBuildIsFresh } from "../../scripts/server-build.mjs";

let database: BenchDatabase;
let server: Extramile;

beforeAll(async () => {
  await buildServer();
  database = await freshDatabase("pglite");
  server = await extramile(database);
  await server.start();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await database?.close();
});

/** `npm start` runs the esbuild bundle in dist/server: it must serve, migrate and parse mail like the sources do. */
describe("the compiled server", () => {
  it("is what bin/extramile.js runs once built, until a source file changes", () => {
    expect(serverBuildIsFresh()).toBe(true);
  });

  it("runs with the server's node flags however it is started: npm start, the bin, the benchmarks", () => {
    const start = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe(`node ${SERVER_NODE_FLAGS.join(" ")} bin/extramile.js start`);
    expect(readFileSync("bin/extramile.js", "utf8").split("\n")[0]).toBe(
      `#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(" ")}`,
    );
    expect(serverNodeArgs().slice(0, SERVER_NODE_FLAGS.length)).toEqual(SERVER_NODE_FLAGS);
  });

  it("turns a mail received over SMTP into a case, parsing it in its worker thread", async () => {
    const api = await adminApi(server.httpPort);
    const run = randomBytes(4).toString("hex");
    const desk = await setupDesk(api, `${run}.compiled.test`);
    const reply = await sendOver(
      server.smtpPort,
      benchMessage(run, 1, desk.address),
      `c1@${run}.example`,
      desk.address,
    );
    expect(reply).toMatch(/^250/);
    const deadline = Date.now() + 30_000;
    let count = 0;
    while (count < 1 && Date.now() < deadline) {
      count = ((await api.call("GET", `/api/v1/cases/count?teamId=${desk.teamId}`)).json as { count: number }).count;
      if (count < 1) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(1);
  }, 60_000);
});
