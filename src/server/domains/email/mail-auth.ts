import { isIP } from "node:net";
import { hostname } from "node:os";
import { authenticate } from "mailauth";
import type { MailDnsResolver } from "../../config";
import type { MailAuthResult } from "../../db/schema/index";
import { isPublicAddress } from "./mail-host-guard";

export type { MailAuthResult } from "../../db/schema/index";

/** How the message reached us: the SMTP client (address, HELO, MAIL FROM), or nothing for mail fetched over IMAP. */
export interface ArrivalFacts {
  remoteAddress: string | null;
  heloName: string | null;
  mailFrom: string | null;
}

const DNS_TIMEOUT_MS = 5_000;

/** A DNS answer that takes longer than DNS_TIMEOUT_MS counts as a temporary error, so a slow resolver never stalls intake. */
const withTimeout =
  (resolve: MailDnsResolver) =>
  (name: string, rrtype: string): Promise<unknown> =>
    new Promise((ok, fail) => {
      const timer = setTimeout(
        () => fail(Object.assign(new Error(`DNS ${rrtype} ${name} timed out`), { code: "ETIMEOUT" })),
        DNS_TIMEOUT_MS,
      );
      resolve(name, rrtype).then(
        (answer) => {
          clearTimeout(timer);
          ok(answer);
        },
        (error: unknown) => {
          clearTimeout(timer);
          fail(error);
        },
      );
    });

const domainOf = (address: string | null | undefined): string | null => {
  const at = address?.lastIndexOf("@") ?? -1;
  return address && at > 0 ? address.slice(at + 1).toLowerCase() : null;
};

/**
 * SPF, DKIM and DMARC of a received message (mailauth). SPF is checked for the SMTP client when it is on the public
 * internet; when it is not (an MTA in front of Extramile) and for mail fetched over IMAP, for the client the newest
 * `Received:` header names (the server that took the message from the internet). The verdict:
 * - `fail`: DMARC fails for the From domain, or the domain publishes no DMARC policy and SPF fails (hard) with no
 *   valid DKIM signature of the From domain;
 * - `pass`: DMARC passes, or (without a policy) SPF or a DKIM signature of the From domain passes;
 * - `none`: nothing could be verified either way (no records, temporary errors).
 */
export const verifyMailAuth = async (
  raw: Buffer,
  arrival: ArrivalFacts,
  resolver: MailDnsResolver | undefined,
): Promise<MailAuthResult> => {
  const direct =
    arrival.remoteAddress !== null && isIP(arrival.remoteAddress) !== 0 && isPublicAddress(arrival.remoteAddress);
  const result = await authenticate(raw, {
    ...(direct
      ? {
          ip: arrival.remoteAddress as string,
          ...(arrival.heloName ? { helo: arrival.heloName } : {}),
          ...(arrival.mailFrom ? { sender: arrival.mailFrom } : {}),
        }
      : { trustReceived: true, ...(arrival.mailFrom ? { sender: arrival.mailFrom } : {}) }),
    mta: hostname(),
    disableArc: true,
    disableBimi: true,
    ...(resolver ? { resolver: withTimeout(resolver) as never } : {}),
  });
  const fromDomain = domainOf(result.dkim.headerFrom?.[0]) ?? (result.dmarc ? result.dmarc.domain : null);
  const spf = result.spf ? result.spf.status.result : "none";
  const dkimResults = result.dkim.results ?? [];
  const dkimPassing = dkimResults.filter((r) => r.status.result === "pass");
  const dkimAligned = dkimPassing.some(
    (r) => fromDomain !== null && (r.signingDomain === fromDomain || fromDomain.endsWith(`.${r.signingDomain}`)),
  );
  const dkim = dkimPassing.length > 0 ? "pass" : (dkimResults[0]?.status.result ?? "none");
  const dmarc = result.dmarc ? result.dmarc.status.result : "none";
  const spfDomain = result.spf ? result.spf.domain : null;
  const spfAligned =
    spf === "pass" &&
    fromDomain !== null &&
    spfDomain !== null &&
    (spfDomain === fromDomain || spfDomain.endsWith(`.${fromDomain}`));
  const verdict: MailAuthResult["verdict"] =
    dmarc === "fail" || (dmarc !== "pass" && spf === "fail" && !dkimAligned)
      ? "fail"
      : dmarc === "pass" || dkimAligned || spfAligned
        ? "pass"
        : "none";
  return {
    verdict,
    spf,
    dkim,
    dmarc,
    fromDomain,
    dkimDomains: [...new Set(dkimPassing.map((r) => r.signingDomain))],
  };
};

/** The result in one line, as problems lists and notes name it: `dmarc=fail spf=fail dkim=none (example.com)`. */
export const describeMailAuth = (a: MailAuthResult): string =>
  `dmarc=${a.dmarc} spf=${a.spf} dkim=${a.dkim}${a.fromDomain ? ` (${a.fromDomain})` : ""}`;
