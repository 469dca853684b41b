import type { MailAddress } from "./mime-parse";

/**
 * What a received message is, before anything is filed:
 * - `bounce`: a delivery report (DSN, or a mailer daemon's message): never a case; it marks our mail failed;
 * - `automatic`: written by a machine (an out-of-office reply, a notification, a no-reply sender): never
 *   acknowledged and never a new case; it joins the thread it answers as an automatic message, else it is ignored;
 * - `list`: mailing-list mail: a case, but never acknowledged;
 * - `person`: someone writing to us.
 */
export type MailKind =
  | { kind: "bounce"; reason: string }
  | { kind: "automatic"; reason: string }
  | { kind: "list"; reason: string }
  | { kind: "person" };

type Headers = Readonly<Record<string, readonly string[]>>;

const values = (headers: Headers, name: string): readonly string[] => headers[name] ?? [];

const localPart = (address: string): string => address.slice(0, Math.max(0, address.lastIndexOf("@"))).toLowerCase();

const SYSTEM_SENDER = /^(?:mailer[-_.]?daemon|postmaster)$/;
const NO_REPLY =
  /(?:^|[-_.+])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply)(?:$|[-_.+\d])|^(?:notifications?|notify|alerts?|bounces?|auto[-_.]?(?:reply|responder|mailer))(?:$|[-_.+\d])/;
const FORM_SENDER =
  /^(?:wordpress|www-data|apache|nginx|nobody|website|web|forms?|webforms?|form[-_.]?submissions?|contact[-_.]?forms?|formmail)(?:$|[-_.+\d])/;

/** A sender nobody reads: noreply@, no-reply@, donotreply@, notifications@ and the like (including mailer daemons). */
export const isNoReplyAddress = (address: string): boolean => {
  const local = localPart(address);
  return NO_REPLY.test(local) || SYSTEM_SENDER.test(local);
};

/** A sender that relays what someone typed into a form (the person is in Reply-To): wordpress@, forms@, … */
export const isFormSender = (address: string): boolean => FORM_SENDER.test(localPart(address));

const AUTO_REPLY_SUBJECT =
  /^\s*(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (?:the )?office|ooo\b|abwesenheitsnotiz|abwesend|automatische antwort|r[ée]ponse automatique|absence|respuesta autom[áa]tica|risposta automatica|automatisch antwoord|afwezig|autosvar|automatisk svar|automaattinen vastaus|odpowied[źz] automatyczna|automatick[áa] odpov[ěe]d)\b/i;

/** Out-of-office and other automatic replies, by their usual subjects (Exchange's "Automatic reply:" has no other sign). */
export const isAutoReplySubject = (subject: string): boolean => AUTO_REPLY_SUBJECT.test(subject);

const isNullPath = (value: string): boolean => /^\s*<?\s*>?\s*$/.test(value.replace(/\([^()]*\)/g, ""));

/**
 * Classifies a message by its headers, subject and sender. `replyTo` is the address the requester would be (see
 * requesterAddress): a no-reply or form sender with a person in Reply-To is a person's mail, unless it is an
 * automatic reply.
 */
export const classifyMail = (input: {
  headers: Headers;
  subject: string;
  from: MailAddress | null;
  envelopeFrom: string | null;
  hasDeliveryReport: boolean;
  replyToPerson: boolean;
}): MailKind => {
  const { headers } = input;
  const contentType = values(headers, "content-type")[0]?.toLowerCase() ?? "";
  const from = input.from?.address ?? "";
  if (
    input.hasDeliveryReport ||
    /^\s*multipart\/report\b[\s\S]*report-type\s*=\s*"?delivery-status/.test(contentType) ||
    values(headers, "x-failed-recipients").length > 0
  ) {
    return { kind: "bounce", reason: "delivery-report" };
  }
  if (SYSTEM_SENDER.test(localPart(from))) return { kind: "bounce", reason: "mailer-daemon" };

  const autoSubmitted = values(headers, "auto-submitted").map((v) => v.split(";")[0]?.trim().toLowerCase() ?? "");
  const precedence = values(headers, "precedence").map((v) => v.trim().toLowerCase());
  if (
    autoSubmitted.includes("auto-replied") ||
    values(headers, "x-autoreply").length > 0 ||
    values(headers, "x-autorespond").length > 0 ||
    precedence.includes("auto_reply") ||
    isAutoReplySubject(input.subject)
  ) {
    return { kind: "automatic", reason: "auto-reply" };
  }
  if (input.replyToPerson) return { kind: "person" };
  if (autoSubmitted.some((v) => v !== "no" && v !== "")) return { kind: "automatic", reason: "auto-submitted" };
  if (precedence.some((v) => v === "bulk" || v === "junk")) return { kind: "automatic", reason: "precedence" };
  const suppress = values(headers, "x-auto-response-suppress").flatMap((v) => v.toLowerCase().split(/[\s,;]+/));
  if (suppress.some((v) => v === "all" || v === "oof" || v === "autoreply")) {
    return { kind: "automatic", reason: "auto-response-suppressed" };
  }
  if (from !== "" && isNoReplyAddress(from)) return { kind: "automatic", reason: "no-reply-sender" };
  if (input.envelopeFrom !== null && isNullPath(input.envelopeFrom) && input.from === null) {
    return { kind: "automatic", reason: "null-sender" };
  }
  if (
    precedence.includes("list") ||
    values(headers, "list-id").length > 0 ||
    values(headers, "list-unsubscribe").length > 0
  ) {
    return { kind: "list", reason: "mailing-list" };
  }
  return { kind: "person" };
};

/**
 * Who a message is from as the desk sees it. The From address, except when From is a no-reply or form sender (or
 * one of our own support addresses, which a website's contact form may send as) and Reply-To names someone else:
 * then the first Reply-To address that is neither ours nor a no-reply one is the person who wrote.
 */
export const requesterAddress = (
  from: MailAddress | null,
  replyTo: readonly MailAddress[],
  isOurs: (address: string) => boolean,
): { address: MailAddress; viaReplyTo: boolean } | null => {
  if (!from) return null;
  const relayed = isNoReplyAddress(from.address) || isFormSender(from.address) || isOurs(from.address);
  if (!relayed) return { address: from, viaReplyTo: false };
  const person = replyTo.find((a) => a.address !== from.address && !isOurs(a.address) && !isNoReplyAddress(a.address));
  return person ? { address: person, viaReplyTo: true } : { address: from, viaReplyTo: false };
};
