/**
 * Acknowledgements after a burst: a burst of new customer mails is sent over SMTP to the real server process,
 * whose outbound mail goes to a local SMTP sink in this process. Each mail opens a case and is acknowledged;
 * the sink notes when each acknowledgement arrives (matched to the mail it answers by In-Reply-To).
 *
 * The baseline is the burst itself, measured in the same run: the promise is that acknowledgements go out at
 * the rate mail arrives, so the table prints acknowledgements per second against mails received per second
 * (SMTP 250 answers) and the lag from a mail's 250 to its acknowledgement reaching the sink. To tell where the
 * time goes it splits that lag, from the database's own clock: receipt to the intake transaction that filed the
 * mail and wrote its acknowledgement (filing), and that to the acknowledgement marked sent (sending).
 *
 *   npx tsx bench/email-acks.ts [--db postgres|pglite] [--messages 2000] [--connections 8]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { SMTPServer } from "smtp-server";
import {
  adminApi,
  type BenchDatabase,
  benchMessage,
  type DbKind,
  extramile,
  freshDatabase,
  pooledSender,
  setupDesk,
} from "./lib/email-server";
import { freePort } from "./lib/processes";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    messages: { type: "string", default: "2000" },
    connections: { type: "string", default: "8" },
  },
});
const total = Number(values.messages);
const connections = Number(values.connections);
const WARMUP = 50;

/** An SMTP server that keeps, per In-Reply-To, when the acknowledgement's DATA ended. */
const ackSink = async () => {
  const arrived = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let head = "";
      stream.on("data", (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString("latin1");
      });
      stream.on("end", () => {
        const at = performance.now();
        const inReplyTo = /^In-Reply-To:\s*(<[^>]+>)/im.exec(head)?.[1];
        if (inReplyTo) arrived.set(inReplyTo, at);
        callback(null, "Ok: kept");
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, arrived, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

/** Sends every message; returns when each one was answered 250, by its Message-ID. */
const sendAll = async (port: number, messages: Buffer[], to: string): Promise<Map<string, number>> => {
  const answered = new Map<string, number>();
  const transport = pooledSender(port, connections);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      const raw = messages[n];
      if (!raw) return;
      await transport.sendMail({ envelope: { from: `c${n}@bench.example`, to: [to] }, raw });
      const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString("latin1"))?.[1] ?? "";
      answered.set(messageId, performance.now());
    }
  };
  try {
    await Promise.all(Array.from({ length: connections * 2 }, worker));
  } finally {
    transport.close();
  }
  return answered;
};

const waitForAcks = async (arrived: Map<string, number>, ids: Iterable<string>, timeoutMs: number) => {
  const wanted = [...ids];
  const deadline = Date.now() + timeoutMs;
  while (wanted.some((id) => !arrived.has(id))) {
    if (Date.now() > deadline) {
      throw new Error(`only ${wanted.filter((id) => arrived.has(id)).length} of ${wanted.length} acknowledgements`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
};

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Median filing and sending lag of the run's acknowledgements (seconds), read after the server stopped. */
const splitLag = async (database: BenchDatabase, run: string) => {
  const [row] = await database.query<{ filing: number; sending: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.created_at - i.received_at)) AS filing,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.sent_at - o.created_at)) AS sending
       FROM outbound_messages o JOIN inbound_messages i ON i.case_id = o.case_id
      WHERE o.kind = 'acknowledgement' AND o.subject LIKE $1`,
    [`%Bench ${run} message %`],
  );
  return { filing: Number(row?.filing), sending: Number(row?.sending) };
};

const measure = async (kind: DbKind) => {
  const sink = await ackSink();
  const database = await freshDatabase(kind);
  const server = await extramile(database, {
    EXTRAMILE_SMTP_OUT_HOST: "127.0.0.1",
    EXTRAMILE_SMTP_OUT_PORT: String(sink.port),
    EXTRAMILE_SMTP_OUT_SECURE: "false",
  });
  try {
    await server.start();
    const api = await adminApi(server.httpPort);
    const run = randomBytes(4).toString("hex");
    const desk = await setupDesk(api, `${run}.bench.test`, true);
    const warm = Array.from({ length: WARMUP }, (_v, n) => benchMessage(`${run}w`, n, desk.address));
    await waitForAcks(sink.arrived, (await sendAll(server.smtpPort, warm, desk.address)).keys(), 10 * 60_000);
    const messages = Array.from({ length: total }, (_v, n) => benchMessage(run, n, desk.address));
    const started = performance.now();
    const answered = await sendAll(server.smtpPort, messages, desk.address);
    const received = performance.now();
    await waitForAcks(sink.arrived, answered.keys(), 60 * 60_000);
    await server.stop();
    const lags = [...answered].map(([id, at]) => (sink.arrived.get(id) as number) - at).sort((a, b) => a - b);
    const lastAck = Math.max(...[...answered.keys()].map((id) => sink.arrived.get(id) as number));
    const receivedPerSecond = total / ((received - started) / 1000);
    const acksPerSecond = total / ((lastAck - started) / 1000);
    return {
      kind,
      receivedPerSecond,
      acksPerSecond,
      ratio: acksPerSecond / receivedPerSecond,
      p50: percentile(lags, 50) / 1000,
      p95: percentile(lags, 95) / 1000,
      max: (lags.at(-1) ?? Number.NaN) / 1000,
      trail: (lastAck - received) / 1000,
      ...(await splitLag(database, run)),
    };
  } finally {
    await server.stop();
    await database.close();
    await sink.close();
  }
};

console.info(
  `acknowledgements after a burst: ${total} new-case mails over ${connections} SMTP connections (after ${WARMUP} warm-up)`,
);
console.info(
  "| database | mails received/s (baseline) | acks sent/s | ratio | lag p50 s | lag p95 s | lag max s | last ack after last mail s | filing p50 s | sending p50 s |",
);
console.info("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const kind of (values.db ?? "").split(",") as DbKind[]) {
  const r = await measure(kind);
  console.info(
    `| ${r.kind} | ${r.receivedPerSecond.toFixed(0)} | ${r.acksPerSecond.toFixed(1)} | ${r.ratio.toFixed(2)} | ` +
      `${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.max.toFixed(2)} | ${r.trail.toFixed(1)} | ` +
      `${r.filing.toFixed(2)} | ${r.sending.toFixed(2)} |`,
  );
}
