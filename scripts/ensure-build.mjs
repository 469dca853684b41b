// Builds the web app and the server when dist/web or dist/server is missing or older than its sources,
// so `npm start` always serves the current code without rebuilding on every start.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildServer, serverBuildIsFresh } from "./server-build.mjs";

const newest = (dir) => {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
};

const built = existsSync("dist/web/index.html") ? statSync("dist/web/index.html").mtimeMs : 0;
const sources = Math.max(
  newest("src/web"),
  newest("src/shared"),
  existsSync("vite.config.ts") ? statSync("vite.config.ts").mtimeMs : 0,
);
if (existsSync("src/web") && sources > built) {
  console.info("Building the web app…");
  const result = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (existsSync("src/server") && !serverBuildIsFresh()) {
  console.info("Building the server…");
  await buildServer();
}
