/**
 * Inbound mail throughput: messages per second from SMTP DATA to a committed, threaded case message,
 * against the real server process (SMTP receiver, pg-boss parse jobs, worker-thread parsing, intake).
 * Each message is a new customer writing a new case. Prints the rate at which messages were
 * acknowledged (raw committed) and the end-to-end rate (case message committed).
 *
 *   npx tsx bench/email-throughput.ts [--db pglite,postgres] [--messages 2000] [--connections 8]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import {
  type AdminApi,
  adminApi,
  benchMessage,
  type DbKind,
  extramile,
  freshDatabase,
  pooledSender,
  setupDesk,
} from "./lib/email-server";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "pglite,postgres" },
    messages: { type: "string", default: "2000" },
    connections: { type: "string", default: "8" },
  },
});
const total = Number(values.messages);
const connections = Number(values.connections);
const WARMUP = 50;

const casesOf = async (api: AdminApi, teamId: string): Promise<number> =>
  ((await api.call("GET", `/api/v1/cases/count?teamId=${teamId}`)).json as { count: number }).count;

const waitForCases = async (api: AdminApi, teamId: string, count: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while ((await casesOf(api, teamId)) < count) {
    if (Date.now() > deadline) throw new Error(`only ${await casesOf(api, teamId)} of ${count} cases`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const sendAll = async (port: number, messages: Buffer[], to: string): Promise<void> => {
  const transport = pooledSender(port, connections);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      const raw = messages[n];
      if (!raw) return;
      await transport.sendMail({ envelope: { from: `c${n}@bench.example`, to: [to] }, raw });
    }
  };
  try {
    await Promise.all(Array.from({ length: connections * 2 }, worker));
  } finally {
    transport.close();
  }
};

const measure = async (kind: DbKind) => {
  const database = await freshDatabase(kind);
  const server = await extramile(database);
  try {
    await server.start();
    const api = await adminApi(server.httpPort);
    const run = randomBytes(4).toString("hex");
    const desk = await setupDesk(api, `${run}.bench.test`);
    const warm = Array.from({ length: WARMUP }, (_v, n) => benchMessage(`${run}w`, n, desk.address));
    await sendAll(server.smtpPort, warm, desk.address);
    await waitForCases(api, desk.teamId, WARMUP, 120_000);
    const messages = Array.from({ length: total }, (_v, n) => benchMessage(run, n, desk.address));
    const started = performance.now();
    await sendAll(server.smtpPort, messages, desk.address);
    const acknowledged = performance.now();
    await waitForCases(api, desk.teamId, WARMUP + total, 30 * 60_000);
    const threaded = performance.now();
    return {
      kind,
      acknowledgedPerSecond: total / ((acknowledged - started) / 1000),
      endToEndPerSecond: total / ((threaded - started) / 1000),
      seconds: (threaded - started) / 1000,
    };
  } finally {
    await server.stop();
    await database.close();
  }
};

console.info(`email throughput: ${total} messages over ${connections} SMTP connections (after ${WARMUP} warm-up)`);
for (const kind of (values.db ?? "").split(",") as DbKind[]) {
  const r = await measure(kind);
  console.info(
    `${r.kind.padEnd(9)} acknowledged ${r.acknowledgedPerSecond.toFixed(0).padStart(5)} msg/s   ` +
      `SMTP DATA -> threaded case message ${r.endToEndPerSecond.toFixed(0).padStart(5)} msg/s   (${r.seconds.toFixed(1)} s)`,
  );
}
