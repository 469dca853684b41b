import { connect } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIsolatedTestApp, type TestApp } from "../../../../test/app";
import { uniq } from "../../../../test/factories";
import { compose, type Desk, makeDesk, outboundMailTo, type SmtpSink, startSmtpSink } from "../../../../test/mail";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

/**
 * Acknowledgements after a burst, with the job queue running as in production: mail arrives over SMTP, the intake
 * queue files it, the delivery job sends the acknowledgements to a local SMTP sink. Until 2026-12-08 each of two
 * delivery loops took 5 jobs per 2-second poll and sent them one after the other, so acknowledgements trailed a
 * burst at 5 a second whatever the machine could do.
 */
let t: TestApp;
let sink: SmtpSink;
let smtp: SmtpReceiver;
let desk: Desk;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startIsolatedTestApp(outboundMailTo(sink.port));
  await t.app.ctx.jobs.start();
  smtp = await startSmtpReceiver(t.app.ctx, { host: "127.0.0.1", port: 0, maxMessageBytes: 1024 * 1024 });
  desk = await makeDesk(t.app, { autoAcknowledge: true });
}, 120_000);
afterAll(async () => {
  await smtp?.close();
  await t?.close();
  await sink?.close();
});

/** Sends the messages over a few pooled SMTP connections (Nagle off, as an MTA's client has it). */
const sendBurst = async (port: number, messages: { raw: Buffer; from: string }[]): Promise<void> => {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    ignoreTLS: true,
    pool: true,
    maxConnections: 4,
    getSocket: (_options, callback) => {
      const socket = connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("error", (err) => callback(err, null));
      socket.once("connect", () => callback(null, { connection: socket }));
    },
  });
  try {
    await Promise.all(
      messages.map(
        async ({ raw, from }) => await transport.sendMail({ envelope: { from, to: [desk.address.address] }, raw }),
      ),
    );
  } finally {
    transport.close();
  }
};

describe("acknowledgements after a burst", () => {
  it("acknowledges every mail of a burst of 60, each to its sender and in reply to its mail, without waiting for polls", async () => {
    const run = uniq("burst").toLowerCase();
    const mails = await Promise.all(
      Array.from({ length: 60 }, async (_v, n) => {
        const from = `customer${n}@${run}.example`;
        const messageId = `<${run}-${n}@${run}.example>`;
        const raw = await compose({
          from,
          to: desk.address.address,
          subject: `Burst ${n}`,
          text: `Mail ${n}`,
          messageId,
        });
        return { from, messageId, raw };
      }),
    );
    await sendBurst(smtp.port, mails);
    const received = performance.now();
    const acksOf = () => sink.received.filter((m) => m.envelope.to.some((to) => to.endsWith(`@${run}.example`)));
    while (acksOf().length < mails.length && performance.now() - received < 60_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const trailed = performance.now() - received;
    const acks = acksOf();
    expect(acks).toHaveLength(mails.length);
    for (const mail of mails) {
      const ack = acks.find((a) => a.envelope.to.includes(mail.from));
      expect(ack?.parsed.inReplyTo).toBe(mail.messageId);
      expect(ack?.parsed.headers.get("auto-submitted")).toBe("auto-replied");
    }
    // 60 acknowledgements at 10 per 2-second poll took at least 10 s; now they follow the filing
    expect(trailed).toBeLessThan(8_000);
  }, 120_000);
});
