import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type ParsedMail, simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import type { Config } from "../src/server/config";
import { createSupportAddress } from "../src/server/domains/email/email.service";
import { type InboundOutcome, processInbound } from "../src/server/domains/email/inbound.service";
import { SYSTEM } from "../src/server/platform/actor";
import type { TSupportAddress } from "../src/shared/contracts/email";
import { testConfig } from "./app";
import { makeTeam, makeUser, type TestUser, uniq } from "./factories";

export const freePort = async (): Promise<number> =>
  await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

export interface Desk {
  address: TSupportAddress;
  lead: TestUser;
  teamId: string;
  domain: string;
}

/** A team with a lead and a support address of its own (unique domain, so tests never share mail). */
export const makeDesk = async (
  app: FastifyInstance,
  opts: { executiveUserId?: string | null; autoAcknowledge?: boolean; withLead?: boolean } = {},
): Promise<Desk> => {
  const lead = await makeUser(app, { role: "agent", name: `Lead ${uniq()}` });
  const team = await makeTeam(app, { leadId: opts.withLead === false ? null : lead.user.id });
  const domain = `${uniq("desk")}.test`;
  const address = await createSupportAddress(app.ctx, SYSTEM, {
    address: `help@${domain}`,
    name: "Help Desk",
    teamId: team.id,
    executiveUserId: opts.executiveUserId ?? null,
    autoAcknowledge: opts.autoAcknowledge ?? true,
    active: true,
  });
  return { address, lead, teamId: team.id, domain };
};

/** Sends raw bytes over SMTP (nodemailer) and returns the id the receiver answered with. */
export const sendRaw = async (
  port: number,
  raw: Buffer | string,
  envelope: { from: string; to: string[] },
): Promise<{ id: string; response: string }> => {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope, raw });
    const id = /queued as ([0-9a-f-]{36})/.exec(info.response)?.[1];
    if (!id) throw new Error(`unexpected answer: ${info.response}`);
    return { id, response: info.response };
  } finally {
    transport.close();
  }
};

export interface SimpleMail {
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType?: string; cid?: string }[];
}

/** Builds a message with nodemailer's composer (the bytes a real client would send). */
export const compose = async (mail: SimpleMail): Promise<Buffer> => {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  const info = await transport.sendMail({ ...mail, ...(mail.text ? {} : { text: mail.html ? undefined : "Hello" }) });
  return info.message as Buffer;
};

export const addressOnly = (value: string): string => /<([^>]+)>/.exec(value)?.[1] ?? value;

/** Composes and sends one message over SMTP, without filing it; returns the stored id and the bytes sent. */
export const store = async (port: number, mail: SimpleMail): Promise<{ id: string; raw: Buffer }> => {
  const raw = await compose(mail);
  const to = [mail.to, mail.cc ?? []].flat().map(addressOnly);
  const { id } = await sendRaw(port, raw, { from: addressOnly(mail.from), to });
  return { id, raw };
};

/** Composes and sends one message, then processes it as the parse job would; returns the outcome. */
export const deliver = async (
  app: FastifyInstance,
  port: number,
  mail: SimpleMail,
): Promise<{ id: string; raw: Buffer; outcome: InboundOutcome }> => {
  const { id, raw } = await store(port, mail);
  const outcome = await processInbound(app.ctx, id);
  await app.ctx.events.drain();
  return { id, raw, outcome };
};

export interface CapturedMail {
  raw: Buffer;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
}

export interface SmtpSink {
  port: number;
  received: CapturedMail[];
  /** Answer RCPT TO with this SMTP error for matching addresses. */
  reject: Map<string, { code: number; message: string }>;
  close: () => Promise<void>;
}

/** A local SMTP server that keeps what our outbound mail sends. */
export const startSmtpSink = async (): Promise<SmtpSink> => {
  const received: CapturedMail[] = [];
  const reject = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = reject.get(address.address.toLowerCase());
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              raw,
              parsed,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address),
              },
            });
            callback(null, "Ok: kept");
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, received, reject, close: () => new Promise((resolve) => server.close(() => resolve())) };
};

export interface Dovecot {
  port: number;
  user: string;
  password: string;
  stop: () => Promise<void>;
}

const idOf = (name: string): number => Number(execFileSync("id", ["-u", name]).toString().trim());

/**
 * A throwaway Dovecot IMAP server (Debian's dovecot-imapd) on a random loopback port, configured
 * under a temp directory with one passwd-file user and Maildir storage.
 */
export const startDovecot = async (): Promise<Dovecot> => {
  const dir = mkdtempSync(join(tmpdir(), "extramile-dovecot-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = "desk";
  const password = `pw-${uniq()}`;
  const mailUid = idOf("dovecot");
  const mail = join(dir, "mail");
  mkdirSync(mail, { recursive: true });
  chownSync(mail, mailUid, mailUid);
  writeFileSync(join(dir, "passwd"), `${user}:{PLAIN}${password}::::::\n`);
  const config = join(dir, "dovecot.conf");
  writeFileSync(
    config,
    [
      `base_dir = ${join(dir, "run")}`,
      `state_dir = ${join(dir, "state")}`,
      "protocols = imap",
      "listen = 127.0.0.1",
      "ssl = no",
      "disable_plaintext_auth = no",
      "auth_mechanisms = plain login",
      `log_path = ${join(dir, "dovecot.log")}`,
      `first_valid_uid = ${mailUid}`,
      `mail_location = maildir:${mail}/%u`,
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${join(dir, "passwd")}\n}`,
      `userdb {\n  driver = static\n  args = uid=${mailUid} gid=${mailUid} home=${mail}/%u\n}`,
      `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
      "service anvil {\n  chroot =\n}",
      "service imap-login {\n  chroot =\n}",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("/usr/sbin/dovecot", ["-F", "-c", config], { stdio: "ignore" });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createServer().listen(port, "127.0.0.1");
      socket.on("listening", () => socket.close(() => resolve(false)));
      socket.on("error", () => resolve(true));
    });
    if (open) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`dovecot did not start (see ${dir})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    user,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** Configuration whose outbound mail goes to the SMTP server on this loopback port (a sink, or a closed port). */
export const outboundMailTo = (port: number, envelopeFrom?: string): Pick<Config, "email"> => ({
  email: {
    ...testConfig().email,
    outbound: { host: "127.0.0.1", port, secure: false, user: undefined, pass: undefined },
    envelopeFrom,
  },
});
