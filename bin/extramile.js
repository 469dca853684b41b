#!/usr/bin/env -S node --max-semi-space-size=32
// Runs the compiled server (dist/server, built by `npm start`'s prestart) when it is up to date with the
// sources, otherwise the TypeScript sources through tsx.
import { SERVER_MAIN, serverBuildIsFresh } from "../scripts/server-build.mjs";

if (serverBuildIsFresh()) {
  process.setSourceMapsEnabled(true);
  await import(SERVER_MAIN);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/server/main.ts");
}
