import { resolve } from "node:path";
import ipaddr from "ipaddr.js";
import { z } from "zod";

const isAddressRange = (value: string): boolean => ipaddr.isValid(value) || ipaddr.isValidCIDR(value);

const zBool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** A CSP frame-ancestors source: a wildcard, a keyword, a scheme or an origin (host may start with `*.`). */
const FRAME_SOURCE = /^(?:\*|'self'|'none'|https?:|https?:\/\/(?:\*\.)?[a-z0-9.-]+(?::\d{1,5})?)$/i;

const zEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().startsWith("postgres").optional(),
  EXTRAMILE_DATA_DIR: z.string().default("./data"),
  EXTRAMILE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  EXTRAMILE_ADMIN_EMAIL: z.email().optional(),
  EXTRAMILE_ADMIN_PASSWORD: z.string().min(10).optional(),
  EXTRAMILE_SECURE_COOKIES: zBool.optional(),
  EXTRAMILE_HSTS: zBool.optional(),
  EXTRAMILE_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  EXTRAMILE_MAX_ATTACHMENT_MB: z.coerce.number().min(1).max(1024).default(25),
  EXTRAMILE_SOLVED_CLOSE_DAYS: z.coerce.number().int().min(1).max(365).default(4),
  EXTRAMILE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  EXTRAMILE_JOBS: zBool.default(true),
  EXTRAMILE_COMMITMENT_REMINDER_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
  EXTRAMILE_CRACKS_NO_ACTIVITY_HOURS: z.coerce.number().min(1).max(2000).default(8),
  EXTRAMILE_CRACKS_WAITING_HOURS: z.coerce.number().min(1).max(2000).default(24),
  EXTRAMILE_CRACKS_BROKEN_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  EXTRAMILE_CRACKS_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  EXTRAMILE_SECRET: z.string().min(32).optional(),
  EXTRAMILE_SMTP_INBOUND: zBool.default(true),
  EXTRAMILE_SMTP_HOST: z.string().default("127.0.0.1"),
  EXTRAMILE_SMTP_PORT: z.coerce.number().int().min(0).max(65_535).default(2525),
  EXTRAMILE_MAIL_MAX_MB: z.coerce.number().min(1).max(200).default(30),
  EXTRAMILE_SMTP_OUT_HOST: z.string().min(1).optional(),
  EXTRAMILE_SMTP_OUT_PORT: z.coerce.number().int().min(1).max(65_535).default(587),
  EXTRAMILE_SMTP_OUT_SECURE: zBool.optional(),
  EXTRAMILE_SMTP_OUT_USER: z.string().optional(),
  EXTRAMILE_SMTP_OUT_PASS: z.string().optional(),
  EXTRAMILE_MAIL_FROM: z.email().optional(),
  EXTRAMILE_AUTO_ACK_DAYS: z.coerce.number().min(0).max(365).default(7),
  EXTRAMILE_MAIL_AUTH: z.enum(["enforce", "report", "off"]).default("enforce"),
  EXTRAMILE_MAIL_ALLOW_PRIVATE_HOSTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .refine((list) => list.every(isAddressRange), "comma-separated IP addresses or CIDR ranges"),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits, sign-in delays, audit): empty
   * (default) trusts none, a number trusts that many hops, a list trusts those addresses or CIDR ranges.
   */
  EXTRAMILE_TRUST_PROXY: z
    .string()
    .default("")
    .transform((v) => v.trim())
    .refine(
      (v) =>
        v === "" ||
        /^\d{1,2}$/.test(v) ||
        v
          .split(",")
          .map((s) => s.trim())
          .every((s) => s.length > 0 && isAddressRange(s)),
      "a hop count (e.g. 1) or comma-separated IP addresses or CIDR ranges (e.g. 10.0.0.0/8)",
    )
    .transform((v): false | number | string[] =>
      v === "" ? false : /^\d+$/.test(v) ? Number(v) : v.split(",").map((s) => s.trim()),
    ),
  EXTRAMILE_VERIFICATION_BUSINESS_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  EXTRAMILE_VERIFICATION_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  EXTRAMILE_REPEAT_FAILURE_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(3),
  EXTRAMILE_REPEAT_FAILURE_WINDOW_DAYS: z.coerce.number().int().min(1).max(3660).default(90),
  EXTRAMILE_PORTAL_LINK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  EXTRAMILE_PORTAL_SESSION_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  EXTRAMILE_PORTAL_REOPEN_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  EXTRAMILE_PORTAL_LINKS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  EXTRAMILE_WEBFORM_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  EXTRAMILE_WEBFORM_PER_EMAIL_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(5),
  EXTRAMILE_WEBFORM_FRAME_ANCESTORS: z
    .string()
    .default("*")
    .transform((v) => v.split(/[\s,]+/).filter((s) => s.length > 0))
    .refine(
      (list) => list.length > 0 && list.every((s) => FRAME_SOURCE.test(s)),
      "*, 'self', 'none' or origins such as https://www.example.com (space- or comma-separated)",
    ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  admin: { email: string | undefined; password: string | undefined };
  secureCookies: boolean;
  /** Strict-Transport-Security on every answer (EXTRAMILE_HSTS; by default when PUBLIC_URL is https). */
  hsts: boolean;
  sessionDays: number;
  maxAttachmentBytes: number;
  solvedCloseDays: number;
  loginMaxFailures: number;
  /** X-Forwarded-For trust: false (none), a hop count, or the proxies' addresses/CIDR ranges. */
  trustProxy: false | number | string[];
  jobs: boolean;
  /** Minutes before a promise is due that its owner is reminded. */
  commitmentReminderMinutes: number;
  /** Thresholds of the cracks report and the local hour its daily digest is built for each supervisor. */
  cracks: { noActivityBusinessHours: number; waitingHours: number; brokenWithinDays: number; digestHour: number };
  /** EXTRAMILE_SECRET; when unset, a secret generated on first start and kept in the database is used. */
  secret: string | undefined;
  email: EmailConfig;
  /** The executive line: the verification call is due N business days after solving; K calls before "unreachable". */
  executiveLine: { verificationBusinessDays: number; verificationAttempts: number };
  /** Root causes: a category recurring `repeatThreshold` times within `repeatWindowDays` is a repeat failure. */
  rootCauses: { repeatThreshold: number; repeatWindowDays: number };
  /**
   * Customer portal: sign-in links live `linkMinutes`; a contact gets at most `linksPerHour` of them (an IP
   * ten times as many); a solved case may be reopened by the customer for `reopenDays`.
   */
  portal: { linkMinutes: number; sessionDays: number; reopenDays: number; linksPerHour: number };
  /**
   * Web form submissions accepted per hour from one IP and for one email address; the sites that may embed the
   * form (its pages' frame-ancestors; every other page may not be framed).
   */
  webform: { perIpPerHour: number; perEmailPerHour: number; frameAncestors: string[] };
  logLevel: z.output<typeof zEnv>["LOG_LEVEL"];
}

export interface EmailConfig {
  /** Run the inbound SMTP receiver in this process. */
  smtpInbound: boolean;
  smtpHost: string;
  smtpPort: number;
  maxMessageBytes: number;
  /** null: outbound mail is not configured; replies are stored but not sent. */
  outbound: { host: string; port: number; secure: boolean; user: string | undefined; pass: string | undefined } | null;
  /** Envelope sender (bounce address) of outbound mail; the support address when unset. */
  envelopeFrom: string | undefined;
  autoAckWindowDays: number;
  /**
   * SPF, DKIM and DMARC on receipt: `enforce` verifies, shows the result on the message and quarantines a failing
   * message that would speak as a known participant in an existing case; `report` only verifies and shows; `off`.
   */
  auth: "enforce" | "report" | "off";
  /** DNS lookups for mail authentication (mailauth's resolver); unset: the system's resolver. Tests pass their own. */
  dnsResolver?: MailDnsResolver | undefined;
  /** Private, loopback or link-local ranges (IPs or CIDRs) an IMAP host may resolve to; everything else there is refused. */
  allowPrivateHosts: string[];
}

/** Answers a DNS query the way `dns.promises.resolve(name, rrtype)` does (TXT as arrays of strings). */
export type MailDnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export class ConfigError extends Error {}

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = zEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.EXTRAMILE_DATA_DIR),
    dbPoolSize: e.EXTRAMILE_DB_POOL_SIZE,
    admin: { email: e.EXTRAMILE_ADMIN_EMAIL?.toLowerCase(), password: e.EXTRAMILE_ADMIN_PASSWORD },
    secureCookies: e.EXTRAMILE_SECURE_COOKIES ?? publicUrl.startsWith("https://"),
    hsts: e.EXTRAMILE_HSTS ?? publicUrl.startsWith("https://"),
    sessionDays: e.EXTRAMILE_SESSION_DAYS,
    maxAttachmentBytes: Math.round(e.EXTRAMILE_MAX_ATTACHMENT_MB * 1024 * 1024),
    solvedCloseDays: e.EXTRAMILE_SOLVED_CLOSE_DAYS,
    loginMaxFailures: e.EXTRAMILE_LOGIN_MAX_FAILURES,
    trustProxy: e.EXTRAMILE_TRUST_PROXY,
    jobs: e.EXTRAMILE_JOBS,
    commitmentReminderMinutes: e.EXTRAMILE_COMMITMENT_REMINDER_MINUTES,
    cracks: {
      noActivityBusinessHours: e.EXTRAMILE_CRACKS_NO_ACTIVITY_HOURS,
      waitingHours: e.EXTRAMILE_CRACKS_WAITING_HOURS,
      brokenWithinDays: e.EXTRAMILE_CRACKS_BROKEN_DAYS,
      digestHour: e.EXTRAMILE_CRACKS_DIGEST_HOUR,
    },
    secret: e.EXTRAMILE_SECRET,
    email: {
      smtpInbound: e.EXTRAMILE_SMTP_INBOUND,
      smtpHost: e.EXTRAMILE_SMTP_HOST,
      smtpPort: e.EXTRAMILE_SMTP_PORT,
      maxMessageBytes: Math.round(e.EXTRAMILE_MAIL_MAX_MB * 1024 * 1024),
      outbound: e.EXTRAMILE_SMTP_OUT_HOST
        ? {
            host: e.EXTRAMILE_SMTP_OUT_HOST,
            port: e.EXTRAMILE_SMTP_OUT_PORT,
            secure: e.EXTRAMILE_SMTP_OUT_SECURE ?? e.EXTRAMILE_SMTP_OUT_PORT === 465,
            user: e.EXTRAMILE_SMTP_OUT_USER,
            pass: e.EXTRAMILE_SMTP_OUT_PASS,
          }
        : null,
      envelopeFrom: e.EXTRAMILE_MAIL_FROM?.toLowerCase(),
      autoAckWindowDays: e.EXTRAMILE_AUTO_ACK_DAYS,
      auth: e.EXTRAMILE_MAIL_AUTH,
      allowPrivateHosts: e.EXTRAMILE_MAIL_ALLOW_PRIVATE_HOSTS,
    },
    executiveLine: {
      verificationBusinessDays: e.EXTRAMILE_VERIFICATION_BUSINESS_DAYS,
      verificationAttempts: e.EXTRAMILE_VERIFICATION_ATTEMPTS,
    },
    rootCauses: {
      repeatThreshold: e.EXTRAMILE_REPEAT_FAILURE_THRESHOLD,
      repeatWindowDays: e.EXTRAMILE_REPEAT_FAILURE_WINDOW_DAYS,
    },
    portal: {
      linkMinutes: e.EXTRAMILE_PORTAL_LINK_MINUTES,
      sessionDays: e.EXTRAMILE_PORTAL_SESSION_DAYS,
      reopenDays: e.EXTRAMILE_PORTAL_REOPEN_DAYS,
      linksPerHour: e.EXTRAMILE_PORTAL_LINKS_PER_HOUR,
    },
    webform: {
      perIpPerHour: e.EXTRAMILE_WEBFORM_PER_IP_PER_HOUR,
      perEmailPerHour: e.EXTRAMILE_WEBFORM_PER_EMAIL_PER_HOUR,
      frameAncestors: e.EXTRAMILE_WEBFORM_FRAME_ANCESTORS,
    },
    logLevel: e.LOG_LEVEL,
  };
};
