import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { ServiceContext } from "../../platform/context";
import { scheduleParse } from "./email.jobs";
import { isSupportRecipient, receiveInbound } from "./inbound.service";

export interface SmtpReceiver {
  port: number;
  close: () => Promise<void>;
}

const smtpError = (code: number, message: string): Error => Object.assign(new Error(message), { responseCode: code });

/** Reads the DATA stream, keeping at most `limit` bytes (the server answers 552 for more). */
const readMessage = (stream: SMTPServerDataStream, limit: number): Promise<Buffer | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    stream.on("end", () => resolve(stream.sizeExceeded || size > limit ? null : Buffer.concat(chunks, size)));
    stream.on("error", reject);
  });

/**
 * The inbound SMTP server. A message is answered 250 only once its raw bytes are committed to the
 * database; recipients that are not our support addresses (or +tags of them) are refused with 550,
 * messages over the size limit with 552, and a storage failure with 451 so the sender retries.
 */
export const startSmtpReceiver = async (
  ctx: ServiceContext,
  options: { host: string; port: number; maxMessageBytes: number },
): Promise<SmtpReceiver> => {
  const server = new SMTPServer({
    name: hostname(),
    banner: "Extramile",
    size: options.maxMessageBytes,
    authOptional: true,
    disabledCommands: ["AUTH"],
    hideSTARTTLS: true,
    logger: false,
    maxClients: 200,
    socketTimeout: 120_000,
    closeTimeout: 10_000,
    onRcptTo(address, _session, callback) {
      isSupportRecipient(ctx, address.address).then(
        (ours) => callback(ours ? null : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
        (err: unknown) => {
          ctx.log("smtp: recipient check failed", err);
          callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
        },
      );
    },
    onData(stream, session: SMTPServerSession, callback) {
      readMessage(stream, options.maxMessageBytes)
        .then(async (raw) => {
          if (!raw) {
            callback(smtpError(552, `5.3.4 Message exceeds the size limit of ${options.maxMessageBytes} bytes`));
            return;
          }
          const { mailFrom, rcptTo } = session.envelope;
          const stored = await receiveInbound(ctx, {
            source: "smtp",
            raw,
            envelope: {
              mailFrom: mailFrom ? mailFrom.address.toLowerCase() : "",
              rcptTo: rcptTo.map((r) => r.address.toLowerCase()),
              remoteAddress: session.remoteAddress ?? null,
              heloName: session.clientHostname ?? session.hostNameAppearsAs ?? null,
            },
          });
          callback(null, `2.0.0 Ok: queued as ${stored.id}${stored.duplicate ? " (already received)" : ""}`);
          if (!stored.duplicate) {
            scheduleParse(ctx, stored.id);
          }
        })
        .catch((err: unknown) => {
          ctx.log("smtp: storing a message failed", err);
          callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
        });
    },
  });
  server.on("error", (err) => ctx.log("smtp server error", err));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
