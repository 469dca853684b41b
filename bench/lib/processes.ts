import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { buildServer, SERVER_NODE_FLAGS, serverBuildIsFresh } from "../../scripts/server-build.mjs";

export const freePort = async (): Promise<number> =>
  await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

/** Benchmarks measure what `npm start` runs: the compiled server, built here when the sources are newer. */
export const ensureServerBuild = async (): Promise<void> => {
  if (!serverBuildIsFresh()) await buildServer();
};

/**
 * Node flags for benchmarked server processes: the server's own, then extra ones, e.g.
 * EXTRAMILE_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export const serverNodeArgs = (): string[] => [
  ...SERVER_NODE_FLAGS,
  ...(process.env.EXTRAMILE_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean),
];

export interface Server {
  child: ChildProcess;
  url: string;
  stop: () => Promise<void>;
}

/** Starts a server process and waits until `healthPath` answers 200. */
export const startProcess = async (
  command: string[],
  env: Record<string, string>,
  port: number,
  healthPath = "/healthz",
  timeoutMs = 120_000,
): Promise<Server & { startMs: number }> => {
  const started = performance.now();
  const child = spawn(command[0] as string, command.slice(1), {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${stderr}`);
    if (performance.now() - started > timeoutMs) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy: ${stderr}`);
    }
    try {
      const res = await fetch(`${url}${healthPath}`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    startMs: performance.now() - started,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

const CLOCK_TICKS = 100;

/** Resident memory (MB) and CPU seconds of a process and its children, read from /proc. */
export const usage = (pid: number): { rssMb: number; cpuSeconds: number } => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / CLOCK_TICKS };
};

/** Samples peak RSS and CPU time used while `work` runs. */
export const measure = async <T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; peakRssMb: number; cpuSeconds: number }> => {
  const before = usage(pid);
  let peak = before.rssMb;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, usage(pid).rssMb);
    } catch {
      /* process gone */
    }
  }, 100);
  try {
    const result = await work();
    const after = usage(pid);
    return { result, peakRssMb: Math.max(peak, after.rssMb), cpuSeconds: after.cpuSeconds - before.cpuSeconds };
  } finally {
    clearInterval(timer);
  }
};
