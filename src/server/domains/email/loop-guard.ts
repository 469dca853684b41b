import { parseAddressHeader } from "mailparser";

/**
 * Message headers as a plain record: header name (any case) to its value or values, unfolded.
 * A record rather than a Map because it survives JSON (a jsonb column, a job payload) and
 * structured cloning (a worker thread) unchanged; `ParsedInbound.headers` has this shape.
 */
export type MailHeaders = Readonly<Record<string, string | readonly string[]>>;

export type AutoReplyDecision = {
  allowed: boolean;
  reason: string;
};

export type AutoMailKind = "auto-generated" | "auto-replied";

const BULK_PRECEDENCE = new Set(["bulk", "list", "junk", "auto_reply"]);
const SYSTEM_LOCAL_PARTS = new Set(["mailer-daemon", "postmaster"]);

function indexHeaders(headers: MailHeaders): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const values = typeof value === "string" ? [value] : [...value];
    index.set(key, [...(index.get(key) ?? []), ...values]);
  }
  return index;
}

function addressesOf(values: readonly string[]): string[] {
  const found: string[] = [];
  for (const value of values) {
    for (const entry of parseAddressHeader(value, { flatten: true, decodePunycode: false }).value) {
      if (entry.address) found.push(entry.address.trim().toLowerCase());
    }
  }
  return found;
}

function withoutSubaddress(address: string): string {
  const at = address.lastIndexOf("@");
  if (at < 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  return plus < 0 ? address : `${local.slice(0, plus)}${address.slice(at)}`;
}

function localPart(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? address : address.slice(0, at);
}

function isNullReturnPath(value: string): boolean {
  const bare = value.replace(/\([^()]*\)/g, "").trim();
  return bare === "" || /^<\s*>$/.test(bare);
}

const deny = (reason: string): AutoReplyDecision => ({ allowed: false, reason });

/**
 * RFC 3834 decision whether an automatic response (acknowledgement, SLA notice) may be sent to the
 * sender of a message. `reason` is a stable code: "auto-submitted", "precedence", "mailing-list",
 * "null-return-path", "bounce", "auto-response-suppressed", "own-address", "no-sender" or "ok".
 * A missing Return-Path header decides nothing (it is the delivering server's to add); the SMTP
 * receiver should record the envelope sender as Return-Path so null-sender mail is caught here.
 */
export function shouldAutoReply(headers: MailHeaders, options: { ourAddresses: string[] }): AutoReplyDecision {
  const index = indexHeaders(headers);
  const all = (name: string) => index.get(name) ?? [];

  for (const value of all("auto-submitted")) {
    const keyword = value.split(";")[0]?.trim().toLowerCase() ?? "";
    if (keyword !== "no") return deny("auto-submitted");
  }
  if (all("x-autoreply").length > 0 || all("x-autorespond").length > 0) return deny("auto-submitted");
  if (all("precedence").some((value) => BULK_PRECEDENCE.has(value.trim().toLowerCase()))) return deny("precedence");
  if (all("list-id").length > 0 || all("list-unsubscribe").length > 0) return deny("mailing-list");
  if (all("return-path").some(isNullReturnPath)) return deny("null-return-path");

  const contentType = all("content-type")[0]?.toLowerCase() ?? "";
  if (/^\s*multipart\/report\b/.test(contentType) || /report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return deny("bounce");
  }
  if (all("x-failed-recipients").length > 0) return deny("bounce");

  const from = addressesOf(all("from"));
  const senders = [...from, ...addressesOf(all("sender")), ...addressesOf(all("return-path"))];
  if (senders.some((address) => SYSTEM_LOCAL_PARTS.has(localPart(address)))) return deny("bounce");

  const suppress = all("x-auto-response-suppress")
    .flatMap((value) => value.split(/[\s,;]+/))
    .map((token) => token.toLowerCase());
  if (suppress.includes("all") || suppress.includes("autoreply")) return deny("auto-response-suppressed");

  const ours = new Set(options.ourAddresses.map((address) => withoutSubaddress(address.trim().toLowerCase())));
  if (senders.some((address) => ours.has(withoutSubaddress(address)))) return deny("own-address");

  if (from.length === 0) return deny("no-sender");
  return { allowed: true, reason: "ok" };
}

/**
 * Headers every automatic message of ours carries: `Auto-Submitted` (RFC 3834: "auto-replied" for
 * acknowledgements of a received message, "auto-generated" for anything else a machine sends) and
 * `X-Auto-Response-Suppress: All`, which Exchange and Outlook honour by not sending out-of-office
 * or delivery receipts back. `Precedence: bulk` is deliberately absent: it is a non-standard field
 * that RFC 3834 does not rely on, and large providers read it as a bulk-mail signal, which would
 * push the one-to-one acknowledgements customers wait for towards the spam folder; old responders
 * that only understand Precedence are contained by the one-acknowledgement-per-sender window.
 */
export function autoHeaders(kind: AutoMailKind): Record<string, string> {
  return { "Auto-Submitted": kind, "X-Auto-Response-Suppress": "All" };
}
