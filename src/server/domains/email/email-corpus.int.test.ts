import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../../test/app";
import { uniq } from "../../../../test/factories";
import { mailFixtures, mutationSeeds } from "../../../../test/fixtures/mail/generate";
import { type Desk, makeDesk, sendRaw } from "../../../../test/mail";
import { SYSTEM } from "../../platform/actor";
import { inboundRaw } from "./email.service";
import { type InboundOutcome, processInbound, receiveInbound } from "./inbound.service";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

let t: TestApp;
let smtp: SmtpReceiver;
let desk: Desk;

beforeAll(async () => {
  t = await startTestApp();
  smtp = await startSmtpReceiver(t.app.ctx, {
    host: "127.0.0.1",
    port: 0,
    maxMessageBytes: CORPUS_LIMIT,
  });
  desk = await makeDesk(t.app, { autoAcknowledge: false });
});
afterAll(async () => {
  await smtp.close();
  await t.close();
});

/**
 * SMTP carries lines ending in CRLF and a message that ends with one; a client rewrites bare CR or LF
 * and completes a last line (as every MTA does), so those fixtures enter through the intake function
 * the receivers call, unchanged.
 */
const smtpSafe = (raw: Buffer): boolean => {
  const text = raw.toString("latin1");
  return text.endsWith("\r\n") && !/\r(?!\n)|(?<!\r)\n/.test(text);
};

/** Above the 30 MB default, so the 25 MB attachment (34 MB encoded) goes through end to end. */
const CORPUS_LIMIT = 40 * 1024 * 1024;

interface Ending {
  status: string;
  raw: Buffer;
  messageBody: string | null;
  attachments: string[];
}

const endingOf = async (id: string, outcome: InboundOutcome): Promise<Ending> => {
  const result = await t.app.ctx.db.execute<{
    status: string;
    body_text: string | null;
    message_id: string | null;
  }>(
    sql`SELECT i.status, i.message_id, m.body_text FROM inbound_messages i
        LEFT JOIN messages m ON m.id = i.message_id WHERE i.id = ${id}`,
  );
  const row = result.rows[0];
  if (!row) throw new Error("inbound row missing");
  expect(row.status).toBe(outcome.status);
  if (outcome.status === "parsed") {
    expect(row.message_id).toBe(outcome.messageId);
    expect(row.body_text).not.toBeNull();
  }
  const { data } = await inboundRaw(t.app.ctx, SYSTEM, id);
  const files = row.message_id
    ? await t.app.ctx.db.execute<{ filename: string }>(
        sql`SELECT filename FROM attachments WHERE message_id = ${row.message_id} ORDER BY filename`,
      )
    : { rows: [] };
  return { status: row.status, raw: data, messageBody: row.body_text, attachments: files.rows.map((f) => f.filename) };
};

describe("the fixture corpus, end to end", () => {
  for (const fixture of mailFixtures()) {
    it(`${fixture.name} ends as expected (a case message, ignored or in quarantine), raw bytes intact`, async () => {
      let id: string;
      if (smtpSafe(fixture.raw)) {
        ({ id } = await sendRaw(smtp.port, fixture.raw, { from: "sender@acme.example", to: [desk.address.address] }));
      } else {
        ({ id } = await receiveInbound(t.app.ctx, {
          source: "smtp",
          raw: fixture.raw,
          envelope: {
            mailFrom: "sender@acme.example",
            rcptTo: [desk.address.address],
            remoteAddress: null,
            heloName: null,
          },
        }));
      }
      const outcome = await processInbound(t.app.ctx, id);
      const ending = await endingOf(id, outcome);
      expect(Buffer.compare(ending.raw, fixture.raw)).toBe(0);
      if (fixture.expect === "parse") expect(ending.status).toBe("parsed");
      else if (fixture.expect === "ignore") expect(ending.status).toBe("ignored");
      else expect(["parsed", "quarantined"]).toContain(ending.status);
      if (fixture.body) expect(ending.messageBody).toContain(fixture.body);
      if (fixture.attachments) expect(ending.attachments).toEqual(expect.arrayContaining(fixture.attachments));
    }, 120_000);
  }
});

describe("the size limit", () => {
  it("refuses the 25 MB attachment (34 MB encoded) with 552 under the default 30 MB limit", async () => {
    const big = mailFixtures().find((f) => f.name === "attachment-25mb");
    if (!big) throw new Error("fixture missing");
    const limit = t.app.ctx.config.email.maxMessageBytes;
    expect(limit).toBe(30 * 1024 * 1024);
    const strict = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: limit });
    try {
      await expect(
        sendRaw(strict.port, big.raw, { from: "sender@acme.example", to: [desk.address.address] }),
      ).rejects.toMatchObject({ responseCode: 552 });
    } finally {
      await strict.close();
    }
  }, 60_000);
});

describe("mutated messages (fast-check)", () => {
  it("never crash the pipeline: each ends as a case message, ignored (a bounce, a copy) or in quarantine, raw bytes intact", async () => {
    const seeds = mutationSeeds();
    const mutation = fc
      .record({
        seed: fc.integer({ min: 0, max: seeds.length - 1 }),
        edits: fc.array(
          fc.record({
            at: fc.nat(),
            kind: fc.constantFrom("flip", "delete", "insert", "truncate"),
            byte: fc.integer({ min: 0, max: 255 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
      })
      .map(({ seed, edits }) => {
        let bytes = Buffer.from(seeds[seed] as Buffer);
        for (const e of edits) {
          const at = bytes.length === 0 ? 0 : e.at % bytes.length;
          if (e.kind === "flip") bytes[at] = e.byte;
          else if (e.kind === "delete") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
          else if (e.kind === "insert")
            bytes = Buffer.concat([bytes.subarray(0, at), Buffer.of(e.byte), bytes.subarray(at)]);
          else bytes = bytes.subarray(0, at);
        }
        return Buffer.concat([bytes, Buffer.from(`\r\nX-Run: ${uniq()}\r\n`)]);
      });
    await fc.assert(
      fc.asyncProperty(mutation, async (raw) => {
        const { id } = await receiveInbound(t.app.ctx, {
          source: "smtp",
          raw,
          envelope: { mailFrom: "", rcptTo: [desk.address.address], remoteAddress: null, heloName: null },
        });
        const outcome = await processInbound(t.app.ctx, id);
        const ending = await endingOf(id, outcome);
        expect(["parsed", "quarantined", "ignored"]).toContain(ending.status);
        expect(Buffer.compare(ending.raw, raw)).toBe(0);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
