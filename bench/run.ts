import { runApiBench } from "./api.bench";
import { SCALES } from "./lib/generate";
import { record } from "./lib/report";
import { runPlanCheck } from "./plans.bench";
import { runStartBench } from "./start.bench";

const USAGE = `Usage: npm run bench -- <name> [--scale quick|full|tiny] [--seconds N] [--connections N] [--reuse] [--no-record]

  api     API throughput and latency against the floor, with RSS and CPU (PostgreSQL server);
          --connections 1 measures each request alone (latency goals), the default 10 throughput
  plans   EXPLAIN every hot query; fails on a sequential scan of cases or messages at full scale (PostgreSQL server)
  start   embedded cold and warm start to the first 200 from /healthz
  quick   api + plans at the quick scale, and start`;

const args = process.argv.slice(2);
const name = args[0];
const flag = (f: string) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const scale = SCALES[flag("--scale") ?? (name === "quick" ? "quick" : "full")];
const seconds = Number(flag("--seconds") ?? (scale?.name === "full" ? 10 : 5));
const connections = Number(flag("--connections") ?? 10);
const reuse = args.includes("--reuse");
const save = !args.includes("--no-record");
const command = `npm run bench -- ${args.join(" ")}`;

const main = async (): Promise<number> => {
  if (!name || !scale || !["api", "plans", "start", "quick"].includes(name)) {
    console.info(USAGE);
    return name === "--help" || name === "help" ? 0 : 2;
  }
  const out = (title: string, notes: string[], rows: Parameters<typeof record>[3]) =>
    save ? record(title, command, notes, rows) : console.table(rows);
  let failed = false;
  if (name === "api" || name === "quick") {
    const r = await runApiBench({ scale, seconds, reuse, connections });
    out(`API at ${scale.name} scale${connections === 1 ? ", one connection" : ""}`, r.notes, r.rows);
  }
  if (name === "plans" || name === "quick") {
    const r = await runPlanCheck({ scale, reuse: reuse || name === "quick" });
    out(`Query plans at ${scale.name} scale`, r.notes, r.rows);
    failed ||= r.failed;
  }
  if (name === "start" || name === "quick") {
    const r = await runStartBench();
    out("Embedded start", r.notes, r.rows);
  }
  return failed ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
