import type { ServiceContext } from "../../platform/context";
import { closeIntakeQueue, resumeInbound } from "./email.jobs";
import { startImapPollers } from "./imap-poller";
import { closeParsePool } from "./inbound.service";
import { closeTransports } from "./outbound.service";
import { type SmtpReceiver, startSmtpReceiver } from "./smtp-receiver";

export interface EmailChannels {
  smtp: SmtpReceiver | null;
  stop: () => Promise<void>;
}

/** Starts receiving mail in a serving process: the SMTP receiver (unless disabled) and the IMAP pollers. */
export const startEmailChannels = async (ctx: ServiceContext): Promise<EmailChannels> => {
  const { email } = ctx.config;
  const smtp = email.smtpInbound
    ? await startSmtpReceiver(ctx, {
        host: email.smtpHost,
        port: email.smtpPort,
        maxMessageBytes: email.maxMessageBytes,
      })
    : null;
  const imap = startImapPollers(ctx);
  resumeInbound(ctx).catch((err: unknown) => ctx.log("email: resuming waiting mail failed", err));
  return {
    smtp,
    stop: async () => {
      await smtp?.close();
      await imap.stop();
    },
  };
};

/** Releases what the email domain holds in this process (intake, parser workers, SMTP connections). */
export const closeEmail = async (ctx: ServiceContext): Promise<void> => {
  await closeIntakeQueue(ctx);
  closeTransports(ctx);
  await closeParsePool(ctx);
};
