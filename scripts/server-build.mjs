// The server as plain JavaScript: one esbuild bundle of src/server (npm packages stay external) plus the
// parse worker and the migrations, in dist/server. `bin/extramile.js` runs it when it is newer than
// every source file and falls back to running the TypeScript through tsx otherwise, so a stale bundle
// never runs. Running compiled code spares the process tsx's loader thread (about 70 MB of memory).
import { existsSync, readdirSync, statSync } from "node:fs";
import { cp, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SERVER_OUT = join(root, "dist", "server");
export const SERVER_MAIN = join(SERVER_OUT, "main.js");
const SOURCES = [join(root, "src", "server"), join(root, "src", "shared")];

const newest = (dir) => {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
};

/**
 * Node flags the server runs with (`npm start`, the `extramile` bin's shebang, the benchmarks). A 32 MB young
 * generation semi-space (16 MB by default): at 10 concurrent requests a request's objects outlived two
 * scavenges and were promoted, so the old generation filled with garbage between mark-compacts; measured
 * in docs/performance.md (peak RSS under write load 344–352 → 217–231 MB, throughput the same or better).
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=32"];

/** Whether dist/server exists and no server or shared source changed after it was built. */
export const serverBuildIsFresh = () =>
  existsSync(SERVER_MAIN) && statSync(SERVER_MAIN).mtimeMs >= Math.max(...SOURCES.map(newest));

export const buildServer = async () => {
  const { build } = await import("esbuild");
  await rm(SERVER_OUT, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, "src/server/main.ts"), join(root, "src/server/domains/email/mime-parse.worker.ts")],
    outdir: SERVER_OUT,
    entryNames: "[name]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  await cp(join(root, "src/server/db/migrations"), join(SERVER_OUT, "migrations"), { recursive: true });
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();
