import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureServerBuild, freePort, serverNodeArgs, startProcess } from "./lib/processes";
import type { Row } from "./lib/report";

/** Embedded start to the first 200 from /healthz: cold (empty data directory: initdb + migrations) and warm. */
export const runStartBench = async (): Promise<{ notes: string[]; rows: Row[] }> => {
  const dir = await mkdtemp(join(tmpdir(), "extramile-start-"));
  const rows: Row[] = [];
  await ensureServerBuild();
  try {
    for (const run of ["cold", "warm", "warm"]) {
      const port = await freePort();
      const server = await startProcess(
        ["node", ...serverNodeArgs(), "bin/extramile.js", "start"],
        {
          EXTRAMILE_DATA_DIR: dir,
          PORT: String(port),
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          EXTRAMILE_SMTP_PORT: String(await freePort()),
        },
        port,
      );
      rows.push({ start: run, "ms to first 200 from /healthz": Math.round(server.startMs) });
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    notes: [
      `\`npm start\`'s \`node ${serverNodeArgs().join(" ")} bin/extramile.js start\` on embedded PGlite (the web bundle and the compiled server are built beforehand, as \`npm start\`'s prestart does, not counted); goals ≤ 8 s cold, ≤ 2 s warm.`,
    ],
    rows,
  };
};
