import { sql } from "drizzle-orm";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { createContact } from "../src/server/domains/contacts/contacts.service";
import { deliverOutbound, dueOutbound } from "../src/server/domains/email/outbound.service";
import { createOrganization } from "../src/server/domains/organizations/organizations.service";
import { SYSTEM } from "../src/server/platform/actor";
import { PORTAL_COOKIE } from "../src/server/platform/http";
import { makeCase, uniq } from "./factories";
import type { SmtpSink } from "./mail";

export interface Customer {
  contactId: string;
  email: string;
  organizationId: string | null;
  /** Calls the portal API with the portal cookie and CSRF header. */
  call: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  cookie: string;
  csrfToken: string;
}

/** Sends the mail that is due now, as the delivery job would. */
/** Sends the queued mail, once the work requests left for after their answers (sign-in links) has run. */
export const sendDueMail = async (app: FastifyInstance): Promise<void> => {
  await app.ctx.afterResponse.settled();
  await app.ctx.events.drain();
  for (const id of await dueOutbound(app.ctx, 100)) await deliverOutbound(app.ctx, id);
};

/**
 * The sign-in token of the newest magic link mailed to `email`. Other mail to the same address (a reply on
 * the contact's case) can reach the sink after the link, because the sink records a mail once it is parsed.
 */
export const magicTokenFor = (sink: SmtpSink, email: string): string | null => {
  const mails = sink.received.filter((m) => m.envelope.to.includes(email));
  for (const mail of mails.reverse()) {
    const match = /#token=([\w%-]+)/.exec(mail.parsed.text ?? "");
    if (match?.[1]) return decodeURIComponent(match[1]);
  }
  return null;
};

/** The token once the sink has the mail, delivering what is due again while waiting. */
const mailedToken = async (
  app: FastifyInstance,
  sink: SmtpSink,
  email: string,
  timeoutMs = 5_000,
): Promise<string | null> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const token = magicTokenFor(sink, email);
    if (token || Date.now() > deadline) return token;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sendDueMail(app);
  }
};

export const makeOrganization = async (app: FastifyInstance): Promise<string> =>
  (await createOrganization(app.ctx, SYSTEM, { name: uniq("Org"), domains: [], notes: "" })).id;

export const makeContact = async (
  app: FastifyInstance,
  opts: { organizationId?: string | null; manager?: boolean } = {},
): Promise<{ id: string; email: string }> => {
  const email = `${uniq("cust")}@customer.test`;
  const c = await createContact(app.ctx, SYSTEM, {
    name: `Casey ${uniq("")}`,
    emails: [email],
    phones: [],
    organizationId: opts.organizationId ?? null,
    organizationManager: opts.manager ?? false,
  });
  return { id: c.id, email };
};

/** Signs a contact in through the real flow: magic link by mail (captured by the sink), then the session. */
export const signInCustomer = async (
  app: FastifyInstance,
  sink: SmtpSink,
  contact: { id: string; email: string; organizationId?: string | null },
  ip = "10.9.0.1",
): Promise<Customer> => {
  const asked = await app.inject({
    method: "POST",
    url: "/api/v1/portal/magic-links",
    payload: { email: contact.email },
    remoteAddress: ip,
  });
  if (asked.statusCode !== 202) throw new Error(`magic link: ${asked.statusCode} ${asked.body}`);
  await sendDueMail(app);
  const token = await mailedToken(app, sink, contact.email);
  if (!token) {
    const { rows } = await app.ctx.db.execute(
      sql`SELECT status, next_attempt_at, now() AS now, created_at FROM outbound_messages WHERE ${contact.email} = ANY("to")`,
    );
    throw new Error(`no sign-in mail for ${contact.email}: outbound ${JSON.stringify(rows)}`);
  }
  const res = await app.inject({ method: "POST", url: "/api/v1/portal/sessions", payload: { token } });
  if (res.statusCode !== 201) throw new Error(`sign-in: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === PORTAL_COOKIE)?.value ?? "";
  const { csrfToken } = res.json() as { csrfToken: string };
  return {
    contactId: contact.id,
    email: contact.email,
    organizationId: contact.organizationId ?? null,
    cookie,
    csrfToken,
    call: (opts) =>
      app.inject({
        ...opts,
        cookies: { ...(opts.cookies ?? {}), [PORTAL_COOKIE]: cookie },
        headers: { "x-csrf-token": csrfToken, ...(opts.headers ?? {}) },
      }),
  };
};

/** A case requested by the contact, owned by `ownerId`. */
export const caseOf = async (app: FastifyInstance, ownerId: string, contactId: string) =>
  await makeCase(app, ownerId, { requester: { contactId } });

/** A multipart body with text fields and files. */
export const multipart = (
  fields: Record<string, string>,
  files: { name: string; filename: string; type: string; data: Buffer }[] = [],
): { payload: Buffer; headers: Record<string, string> } => {
  const boundary = `----b${uniq()}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`,
      ),
      f.data,
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
};
