import autocannon from "autocannon";
import pg from "pg";
import { connect, runMigrations } from "../src/server/db/connection";
import { randomToken, sha256 } from "../src/server/platform/secrets";
import { benchUuid, benchWords, generateCompany, RARE_WORDS, type Scale } from "./lib/generate";
import { ensureServerBuild, freePort, measure, type Server, serverNodeArgs, startProcess } from "./lib/processes";
import type { Row } from "./lib/report";

const SERVER = process.env.EXTRAMILE_BENCH_SERVER_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

interface Load {
  name: string;
  method: "GET" | "POST";
  extramile: (i: number) => { path: string; body?: unknown };
  floor: (i: number) => { path: string; body?: unknown };
  /** The same statements as Extramile's, hand-written (bench/floor-server.ts), for the writes. */
  sameWork?: (i: number) => { path: string; body?: unknown };
}

interface Measured {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number);

/** Runs autocannon and computes exact percentiles from every response time. */
const hammer = async (
  base: string,
  method: "GET" | "POST",
  next: (i: number) => { path: string; body?: unknown },
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Measured> => {
  let i = 0;
  const times: number[] = [];
  let finished: (r: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve) => {
    finished = resolve;
  });
  const options: autocannon.Options = {
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        method,
        setupRequest: (req) => {
          const r = next(i++);
          return {
            ...req,
            path: r.path,
            headers: { ...headers, ...(r.body ? { "content-type": "application/json" } : {}) },
            ...(r.body ? { body: JSON.stringify(r.body) } : {}),
          };
        },
      },
    ],
  };
  const instance = autocannon(options, (err, result) => {
    if (err) throw err;
    finished(result);
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    times.push(responseTime),
  );
  const result = await done;
  times.sort((a, b) => a - b);
  return {
    rps: result.requests.average,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors: result.non2xx + result.errors,
  };
};

/** Waits until the server has dispatched every recorded event (its after-commit work is done). */
const drained = async (pool: pg.Pool, timeoutMs = 600_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE dispatched_at IS NULL AND attempts = 0",
    );
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error(`${rows[0]?.n} events still pending`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

export interface ApiBenchOptions {
  scale: Scale;
  seconds: number;
  reuse: boolean;
  /** Concurrent HTTP connections per load: 10 measures throughput, 1 the latency of a request alone. */
  connections: number;
}

export const runApiBench = async (opts: ApiBenchOptions): Promise<{ notes: string[]; rows: Row[] }> => {
  const dbName = `extramile_bench_${opts.scale.name}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName])).rowCount === 1;
  if (!opts.reuse || !exists) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  }
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  const database = connect(url.toString(), 4, false);
  await runMigrations(database);
  const notes: string[] = [];
  if (!opts.reuse || !exists) {
    const generated = await generateCompany(database.pool, opts.scale, "bench");
    notes.push(
      `Generated ${Object.entries(generated.rows)
        .map(([k, v]) => `${v.toLocaleString("en")} ${k}`)
        .join(", ")} in ${generated.seconds.toFixed(1)} s (INSERT … SELECT generate_series, deterministic).`,
    );
  }
  const ids = await database.pool.query<{ admin: string; twenty: string; requester: string }>(
    `SELECT ${benchUuid("'bench-user-1'")} AS admin, ${benchUuid("'bench-case-1'")} AS twenty, ${benchUuid("'bench-contact-1'")} AS requester`,
  );
  const { admin: adminId, twenty, requester } = ids.rows[0] as { admin: string; twenty: string; requester: string };
  const openCases = (
    await database.pool.query<{ id: string }>(
      "SELECT id FROM cases WHERE status IN ('open','pending') ORDER BY number DESC LIMIT 500",
    )
  ).rows.map((r) => r.id);
  const token = `em_${randomToken()}`;
  await database.pool.query(
    "INSERT INTO api_tokens (user_id, name, prefix, token_hash, scopes) VALUES ($1, 'bench', 'em_bench', $2, ARRAY['read','write','admin'])",
    [adminId, sha256(token)],
  );

  const [appPort, floorPort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: url.toString(),
    LOG_LEVEL: "warn",
    EXTRAMILE_DB_POOL_SIZE: "10",
    EXTRAMILE_SMTP_PORT: String(await freePort()),
  };
  await ensureServerBuild();
  const app: Server = await startProcess(
    ["node", ...serverNodeArgs(), "bin/extramile.js", "start"],
    { ...env, PORT: String(appPort), HOST: "127.0.0.1" },
    appPort,
  );
  const floor: Server = await startProcess(
    ["node", "--import", "tsx", "bench/floor-server.ts"],
    { ...env, PORT: String(floorPort) },
    floorPort,
  );
  const auth = { authorization: `Bearer ${token}` };

  /** Follows the cursor up to `pages` pages (fewer when the view is shorter); returns the deepest cursor reached. */
  const deep = async (
    base: string,
    path: (cursor: string | null) => string,
    pages: number,
    headers: Record<string, string>,
  ) => {
    let cursor: string | null = null;
    let page = 1;
    for (; page < pages; page++) {
      const res = await fetch(`${base}${path(cursor)}`, { headers });
      const body = (await res.json()) as { nextCursor?: string | null };
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    return { cursor, page };
  };
  const { cursor: appDeep, page: deepPage } = await deep(
    app.url,
    (c) => `/api/v1/cases?status=open,pending&sort=-updated_at&limit=50${c ? `&cursor=${c}` : ""}`,
    100,
    auth,
  );
  const list = "/api/v1/cases?status=open,pending&sort=-updated_at&limit=50";
  const loads: Load[] = [
    {
      name: "create case",
      method: "POST",
      extramile: (i) => ({
        path: "/api/v1/cases",
        body: { subject: benchWords(i, 3), requester: { contactId: requester } },
      }),
      floor: (i) => ({
        path: "/floor/cases",
        body: { subject: benchWords(i, 3), requesterId: requester, ownerId: adminId },
      }),
      sameWork: (i) => ({
        path: "/floor/same-work/cases",
        body: { subject: benchWords(i, 3), requester: { contactId: requester } },
      }),
    },
    {
      name: "add message",
      method: "POST",
      extramile: (i) => ({
        path: `/api/v1/cases/${openCases[i % openCases.length]}/messages`,
        body: { kind: "note", body: benchWords(i, 25) },
      }),
      floor: (i) => ({
        path: `/floor/cases/${openCases[i % openCases.length]}/messages`,
        body: { body: benchWords(i, 25), authorId: adminId },
      }),
      sameWork: (i) => ({
        path: `/floor/same-work/cases/${openCases[i % openCases.length]}/messages`,
        body: { kind: "note", body: benchWords(i, 25) },
      }),
    },
    {
      name: "open case (detail)",
      method: "GET",
      extramile: () => ({ path: `/api/v1/cases/${twenty}` }),
      floor: () => ({ path: `/floor/cases/${twenty}` }),
    },
    {
      name: "open case (20 messages)",
      method: "GET",
      extramile: () => ({ path: `/api/v1/cases/${twenty}/messages` }),
      floor: () => ({ path: `/floor/cases/${twenty}/messages` }),
    },
    {
      name: "list view, first page",
      method: "GET",
      extramile: () => ({ path: list }),
      floor: () => ({ path: "/floor/list" }),
    },
    {
      name: `list view, page ${deepPage}`,
      method: "GET",
      extramile: () => ({ path: `${list}&cursor=${appDeep}` }),
      floor: () => ({ path: `/floor/list?cursor=${appDeep}` }),
    },
    {
      name: "search, common word",
      method: "GET",
      extramile: () => ({ path: "/api/v1/search?q=delivery" }),
      floor: () => ({ path: "/floor/search?q=delivery" }),
    },
    {
      name: "search, rare word",
      method: "GET",
      extramile: () => ({ path: `/api/v1/search?q=${RARE_WORDS[1]}` }),
      floor: () => ({ path: `/floor/search?q=${RARE_WORDS[1]}` }),
    },
    {
      name: "search, phrase",
      method: "GET",
      extramile: () => ({ path: `/api/v1/search?q=${encodeURIComponent('"conveyor roller"')}` }),
      floor: () => ({ path: `/floor/search?q=${encodeURIComponent('"conveyor roller"')}` }),
    },
  ];
  const rows: Row[] = [];
  try {
    for (const load of loads) {
      for (const [base, next, headers] of [
        [app.url, load.extramile, auth],
        [floor.url, load.floor, {}],
        ...(load.sameWork ? [[floor.url, load.sameWork, auth] as const] : []),
      ] as const) {
        const probe = next(0);
        const res = await fetch(`${base}${probe.path}`, {
          method: load.method,
          headers: { ...headers, ...(probe.body ? { "content-type": "application/json" } : {}) },
          ...(probe.body ? { body: JSON.stringify(probe.body) } : {}),
        });
        if (!res.ok) throw new Error(`${load.name}: ${probe.path} answered ${res.status}: ${await res.text()}`);
      }
      const pid = app.child.pid as number;
      await drained(database.pool);
      const ours = await measure(pid, () =>
        hammer(app.url, load.method, load.extramile, auth, opts.seconds, opts.connections),
      );
      const drainStarted = performance.now();
      await drained(database.pool);
      const drainSeconds = (performance.now() - drainStarted) / 1000;
      const base = await hammer(floor.url, load.method, load.floor, {}, opts.seconds, opts.connections);
      const same = load.sameWork
        ? await hammer(floor.url, load.method, load.sameWork, auth, opts.seconds, opts.connections)
        : null;
      rows.push({
        load: load.name,
        "req/s": Math.round(ours.result.rps),
        "p50 ms": ours.result.p50,
        "p95 ms": ours.result.p95,
        "p99 ms": ours.result.p99,
        "floor req/s": Math.round(base.rps),
        "floor p95 ms": base.p95,
        "ratio req/s": ours.result.rps / Math.max(1, base.rps),
        "same-work floor req/s": same ? Math.round(same.rps) : "",
        "ratio to same work": same ? ours.result.rps / Math.max(1, same.rps) : "",
        "after-commit backlog s": Math.round(drainSeconds * 10) / 10,
        "server RSS MB": Math.round(ours.peakRssMb),
        "server CPU s": ours.cpuSeconds,
        "errors (ours/floor)": `${ours.result.errors}/${base.errors}`,
      });
      console.info(`${load.name}: ${Math.round(ours.result.rps)} req/s (floor ${Math.round(base.rps)})`);
    }
  } finally {
    await app.stop();
    await floor.stop();
    await database.close();
  }
  notes.push(
    `PostgreSQL server at 127.0.0.1:5432, database ${dbName}; Extramile and the floor each in their own process with a pool of 10; autocannon with ${opts.connections} connection${opts.connections === 1 ? "" : "s"} for ${opts.seconds} s per load, in the bench process.`,
    "ratio req/s = Extramile ÷ floor (goal for create: ≥ 0.6). Latencies are exact percentiles over every response.",
    "same-work floor: the writes' own statements hand-written with pg (token owner, BEGIN, the INSERTs and the outbox event, the case view or lock, COMMIT; its events stored as dispatched, so no after-commit work); ratio to same work = Extramile ÷ that.",
    "after-commit backlog s: how long the server still worked through the events a load recorded (audit, SLA clocks, notifications) after the load ended; each load starts with none pending.",
  );
  return { notes, rows };
};
