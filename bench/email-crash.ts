/**
 * Crash test for the inbound mail pipeline: sends messages over SMTP to the real server process while
 * killing it with SIGKILL and restarting it several times. The sender behaves like an MTA: a message
 * without a 250 answer is sent again later. Afterwards exactly the acknowledged messages exist (the
 * same set, each once, each byte-identical) and each became exactly one case message.
 *
 *   npx tsx bench/email-crash.ts [--db postgres|pglite] [--messages 5000] [--kills 5] [--senders 8]
 */
import { createHash, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { adminApi, benchMessage, type DbKind, extramile, freshDatabase, sendOver, setupDesk } from "./lib/email-server";

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "postgres" },
    messages: { type: "string", default: "5000" },
    kills: { type: "string", default: "5" },
    senders: { type: "string", default: "8" },
  },
});
const kind = values.db as DbKind;
const total = Number(values.messages);
const kills = Number(values.kills);
const senders = Number(values.senders);
const run = randomBytes(4).toString("hex");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const database = await freshDatabase(kind);
const server = await extramile(database);
console.info(`crash test: ${total} messages, ${kills} SIGKILLs, ${senders} senders, ${kind}`);
/** Sends, kills, restarts, waits and checks; true when exactly the acknowledged messages exist, none twice. */
const crashTest = async (): Promise<boolean> => {
  await server.start();
  const api = await adminApi(server.httpPort);
  const desk = await setupDesk(api, `${run}.crash.test`);

  const raws = Array.from({ length: total }, (_v, n) => benchMessage(run, n, desk.address));
  const pending = Array.from({ length: total }, (_v, n) => n);
  const acknowledged = new Set<number>();
  const attempts = new Array<number>(total).fill(0);
  let duplicatesAnswered = 0;
  let failedAttempts = 0;
  let up = true;

  const sender = async () => {
    while (acknowledged.size < total) {
      const n = pending.shift();
      if (n === undefined) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (!up) {
        pending.push(n);
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      attempts[n] = (attempts[n] ?? 0) + 1;
      try {
        const answer = await sendOver(server.smtpPort, raws[n] as Buffer, `customer${n}@${run}.example`, desk.address);
        if (!answer.startsWith("250")) throw new Error(answer);
        if (answer.includes("already received")) duplicatesAnswered++;
        acknowledged.add(n);
      } catch {
        failedAttempts++;
        pending.push(n);
      }
    }
  };

  const killer = async () => {
    const startedAt = Date.now();
    for (let k = 1; k <= kills; k++) {
      const target = Math.floor((total * k) / (kills + 1));
      while (acknowledged.size < target) await new Promise((r) => setTimeout(r, 10));
      up = false;
      await server.kill();
      console.info(
        `  SIGKILL #${k} at ${acknowledged.size} acknowledged (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
      );
      await new Promise((r) => setTimeout(r, 300));
      const ms = await server.start();
      up = true;
      console.info(`  restarted in ${(ms / 1000).toFixed(1)} s`);
    }
  };

  const sendStart = Date.now();
  await Promise.all([killer(), ...Array.from({ length: senders }, sender)]);
  const sendSeconds = (Date.now() - sendStart) / 1000;
  console.info(
    `all ${total} acknowledged after ${sendSeconds.toFixed(1)} s (${failedAttempts} attempts failed during kills)`,
  );

  const waitStart = Date.now();
  for (;;) {
    const res = await (await adminApi(server.httpPort)).call("GET", `/api/v1/cases/count?teamId=${desk.teamId}`);
    const count = (res.json as { count: number }).count;
    const waiting = await (await adminApi(server.httpPort)).call(
      "GET",
      "/api/v1/inbound-emails?status=received&limit=1",
    );
    if (count >= total && (waiting.json as { items: unknown[] }).items.length === 0) break;
    if (Date.now() - waitStart > 60 * 60_000) throw new Error(`processing did not finish: ${count} cases`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.info(`processing finished ${((Date.now() - waitStart) / 1000).toFixed(1)} s after the last acknowledgement`);
  await server.stop();

  const stored = await database.query<{
    sha256: string;
    status: string;
    message_id: string | null;
    case_id: string | null;
  }>("SELECT sha256, status, message_id, case_id FROM inbound_messages WHERE source = 'smtp'");
  const messageRows = await database.query<{ n: number; distinct_cases: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT m.case_id)::int AS distinct_cases
     FROM messages m JOIN email_message_details d ON d.message_id = m.id
     JOIN inbound_messages i ON i.id = d.inbound_message_id WHERE i.source = 'smtp'`,
  );
  const byteCheck = await database.query<{ ok: number }>(
    `SELECT count(*)::int AS ok FROM inbound_messages i
     WHERE i.source = 'smtp' AND encode(sha256(i.raw || coalesce((SELECT string_agg(p.data, ''::bytea ORDER BY p.seq)
       FROM inbound_message_pieces p WHERE p.inbound_message_id = i.id), ''::bytea)), 'hex') = i.sha256`,
  );

  const expected = new Set(raws.map(sha));
  const storedShas = stored.map((r) => r.sha256);
  const missing = [...expected].filter((s) => !storedShas.includes(s)).length;
  const unexpected = storedShas.filter((s) => !expected.has(s)).length;
  const duplicateRows = storedShas.length - new Set(storedShas).size;
  const notParsed = stored.filter((r) => r.status !== "parsed" || !r.message_id).length;
  const messages = messageRows[0];
  const ok =
    acknowledged.size === total &&
    storedShas.length === total &&
    missing === 0 &&
    unexpected === 0 &&
    duplicateRows === 0 &&
    notParsed === 0 &&
    messages?.n === total &&
    messages.distinct_cases === total &&
    byteCheck[0]?.ok === total;

  console.info("");
  console.info(`database:                   ${kind}`);
  console.info(`messages sent:              ${total} (${attempts.reduce((a, b) => a + b, 0)} SMTP transactions)`);
  console.info(`SIGKILLs / restarts:        ${kills}`);
  console.info(`acknowledged (250):         ${acknowledged.size}`);
  console.info(`answered "already received": ${duplicatesAnswered} (stored before a kill, acknowledged on the resend)`);
  console.info(
    `stored raw messages:        ${storedShas.length} (missing ${missing}, unexpected ${unexpected}, twice ${duplicateRows})`,
  );
  console.info(`byte-identical (sha256):    ${byteCheck[0]?.ok ?? 0}`);
  console.info(`parsed into a case message: ${stored.length - notParsed}`);
  console.info(`case messages from SMTP:    ${messages?.n ?? 0} in ${messages?.distinct_cases ?? 0} cases`);
  console.info(`RESULT: ${ok ? "PASS" : "FAIL"} — exactly the acknowledged messages exist, none twice`);
  return ok;
};

let passed = false;
try {
  passed = await crashTest();
} finally {
  await server.kill();
  await database.close();
}
process.exit(passed ? 0 : 1);
