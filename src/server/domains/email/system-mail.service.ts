import { randomUUID } from "node:crypto";
import type { DbOrTx, Tx } from "../../db/connection";
import type { ServiceContext } from "../../platform/context";
import { enqueueDelivery } from "./delivery.jobs";
import * as repo from "./email.repository";
import { autoHeaders } from "./loop-guard";
import { textToHtml } from "./outbound.service";

/** Mail the system sends on its own account: password reset, sign-in link, survey, digest, report. */
export interface SystemMail {
  /** What the mail is for, shown to admins in the outbound list (e.g. "password_reset"). */
  purpose: string;
  to: string;
  subject: string;
  text: string;
  /** Sanitized or self-built HTML; the text, escaped, when absent. */
  html?: string;
  /** The case the mail is about, if any: a failed delivery is then noted on the case. */
  caseId?: string | null;
}

/** Whether mail can leave at all (EXTRAMILE_SMTP_OUT_HOST); features offering "we email you" check this. */
export const outboundMailConfigured = (ctx: ServiceContext): boolean => ctx.config.email.outbound !== null;

/** From: the oldest active support address, else EXTRAMILE_MAIL_FROM; null when there is neither. */
const systemSender = async (ctx: ServiceContext, db: DbOrTx): Promise<{ address: string; name: string } | null> => {
  const active = (await repo.activeAddresses(db)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const first = active[0];
  if (first) return { address: first.address, name: first.name };
  const configured = ctx.config.email.envelopeFrom;
  return configured ? { address: configured, name: "Extramile" } : null;
};

/** Whether a system mail would be queued and sent: outbound mail configured and a sender address known. */
export const systemMailAvailable = async (ctx: ServiceContext): Promise<boolean> =>
  outboundMailConfigured(ctx) && (await systemSender(ctx, ctx.db)) !== null;

/**
 * Queues a system mail and its first delivery attempt in the caller's transaction, so it exists
 * exactly when the change that caused it does. Returns the outbound id, or null when there is no
 * sender address (no support address and no EXTRAMILE_MAIL_FROM): nothing is queued then.
 */
export const enqueueSystemMail = async (ctx: ServiceContext, tx: Tx, mail: SystemMail): Promise<string | null> => {
  const sender = await systemSender(ctx, tx);
  if (!sender) return null;
  const id = randomUUID();
  const row = await repo.insertOutbound(tx, {
    id,
    kind: "system",
    purpose: mail.purpose,
    caseId: mail.caseId ?? null,
    fromAddress: sender.address,
    fromName: sender.name,
    to: [mail.to],
    subject: mail.subject,
    headerMessageId: `<${id}@${sender.address.slice(sender.address.lastIndexOf("@") + 1)}>`,
    headers: { inReplyTo: null, references: [], replyTo: null, extra: autoHeaders("auto-generated") },
    bodyText: mail.text,
    bodyHtml: mail.html ?? textToHtml(mail.text),
  });
  if (!row) return null;
  await enqueueDelivery(ctx, tx, [row.id]);
  return row.id;
};
