import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../src/server/db/schema/index";
import { createLeave } from "../../src/server/domains/accountability/accountability.service";
import { createRootCauseCategory } from "../../src/server/domains/accountability/root-causes.service";
import { createCorrectiveAction } from "../../src/server/domains/accountability/upstream.service";
import { createApiToken } from "../../src/server/domains/auth/auth.service";
import { uploadLogo } from "../../src/server/domains/branding/branding.service";
import { openCase, updateCase } from "../../src/server/domains/cases/cases.service";
import { createCommitment } from "../../src/server/domains/commitments/commitments.service";
import { createMailbox, createSupportAddress } from "../../src/server/domains/email/email.service";
import { processInbound, receiveInbound } from "../../src/server/domains/email/inbound.service";
import { outboundMailConfigured } from "../../src/server/domains/email/system-mail.service";
import {
  delegateExecutiveCase,
  fileFeedbackReport,
  openExecutiveCase,
  updateExecutiveLetterSettings,
} from "../../src/server/domains/executive/executive.service";
import { createKbArticle, createKbCategory } from "../../src/server/domains/knowledge/knowledge.service";
import { addMessage, uploadAttachment } from "../../src/server/domains/messages/messages.service";
import { notify } from "../../src/server/domains/notifications/notifications.service";
import { replyFromPortal } from "../../src/server/domains/portal/portal.service";
import { createAuthorityLimit, grantRemedy } from "../../src/server/domains/remedies/remedies.service";
import { createCalendar, createPolicy } from "../../src/server/domains/sla/sla.service";
import { sendCsatSurvey } from "../../src/server/domains/surveys/surveys.service";
import { loadActor } from "../../src/server/domains/users/users.service";
import { createView } from "../../src/server/domains/views/views.service";
import { type CustomerActor, SYSTEM } from "../../src/server/platform/actor";
import { PORTAL_COOKIE } from "../../src/server/platform/http";
import { sha256 } from "../../src/server/platform/secrets";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeDepartment, makeTeam, makeUser, type TestUser, uniq } from "../factories";
import { outboundMailTo } from "../mail";
import { makeContact, multipart } from "../portal";

/**
 * Every API route × every kind of caller. The table below is the specification: a route missing
 * from it fails the suite, so a new route cannot ship without saying who may call it.
 */
/** "customer" is a contact signed in to the portal (portal cookie and CSRF token); to staff routes a stranger. */
const ROLES = [
  "anonymous",
  "admin",
  "supervisor",
  "agent",
  "employee",
  "otherDepartment",
  "executive",
  "customer",
] as const;
type Role = (typeof ROLES)[number];
type Outcome = "ok" | "denied" | "hidden" | "unauthenticated";

const statusOutcome = (status: number): Outcome | `unexpected ${number}` => {
  if (status >= 200 && status < 300) return "ok";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "denied";
  if (status === 404) return "hidden";
  return `unexpected ${status}`;
};

let t: TestApp;
const who = {} as Record<Exclude<Role, "anonymous" | "customer">, TestUser>;
const customer = { contactId: "", cookie: uniq("portal-session"), csrfToken: uniq("csrf") };
const customerActor = (): CustomerActor => ({
  type: "customer",
  contactId: customer.contactId,
  name: "Casey",
  email: "casey@customer.test",
  organizationId: null,
  organizationManager: false,
});

/** The matrix customer's session; signing out (one of the routes) ends it, so it is put back before each call. */
const restoreCustomerSession = async () => {
  await t.app.ctx.db.execute(sql`
    INSERT INTO portal_sessions (token_hash, contact_id, csrf_token, expires_at)
    VALUES (${sha256(customer.cookie)}, ${customer.contactId}, ${customer.csrfToken}, now() + interval '1 day')
    ON CONFLICT (token_hash) DO NOTHING`);
};

const caseOfCustomer = async () =>
  await makeCase(t.app, who.agent.user.id, { requester: { contactId: customer.contactId } });

const solvedCaseOfCustomer = async () => {
  const c = await caseOfCustomer();
  await t.app.ctx.db.execute(sql`UPDATE cases SET status = 'solved', solved_at = now() WHERE id = ${c.id}`);
  return c;
};

/** A sign-in link of the matrix customer with a known token. */
const magicLink = async () => {
  const token = uniq("magic-link-token").padEnd(40, "x");
  await t.app.ctx.db.execute(sql`
    INSERT INTO portal_magic_links (contact_id, token_hash, ip, expires_at)
    VALUES (${customer.contactId}, ${sha256(token)}, '127.0.0.1', now() + interval '10 minutes')`);
  return token;
};

const customerOnly = { default: "unauthenticated", customer: "ok" } as const;
const everyone = { default: "ok", anonymous: "ok", customer: "ok" } as const;

type Prepared = Omit<InjectOptions, "headers"> & { headers?: Record<string, string> };
interface Entry {
  prepare: () => Promise<Prepared>;
  /** What each caller gets with a token that has the scope the route needs (and through the portal/anonymously). */
  expect: Partial<Record<Role, Outcome>> & { default: Outcome };
  /** The token scope the route needs beyond read (GET) and write (other methods): user administration etc. */
  scope?: "admin";
}

type Scope = "read" | "write" | "admin";
/** Every token an employee can hold: each non-empty combination of scopes (a demoted admin may keep "admin"). */
const SCOPE_SETS: Scope[][] = [
  ["read"],
  ["write"],
  ["admin"],
  ["read", "write"],
  ["read", "admin"],
  ["write", "admin"],
  ["read", "write", "admin"],
];
type StaffRole = Exclude<Role, "anonymous" | "customer">;
const STAFF_ROLES = ROLES.filter((r): r is StaffRole => r !== "anonymous" && r !== "customer");
/** tokens[role][scopes.join("+")]: a live token of that matrix employee with exactly those scopes. */
const tokens = {} as Record<StaffRole, Record<string, string>>;
const MATRIX_PASSWORD = "matrix passphrase";

const caseOfAgent = async () => await makeCase(t.app, who.agent.user.id);
const staff: Outcome = "ok";
const visibleToAllButOtherDepartment = { default: "ok", otherDepartment: "hidden" } as const;
const adminOnly = { default: "denied", admin: "ok" } as const;
/** A promise is settled by its owner (the agent here), the case owner or a supervisor. */
const settledByOwnerOrManager = {
  default: "denied",
  admin: "ok",
  supervisor: "ok",
  agent: "ok",
  otherDepartment: "hidden",
} as const;

/** A help-center category and a draft article in it, made by the system. */
const kbArticle = async () => {
  const category = await createKbCategory(t.app.ctx, SYSTEM, { name: uniq("Topic"), description: "", position: 0 });
  const article = await createKbArticle(t.app.ctx, SYSTEM, {
    categoryId: category.id,
    title: uniq("How to"),
    summary: "",
    bodyHtml: "<p>Steps.</p>",
  });
  return { categoryId: category.id, id: article.id };
};

const pngUpload = () => {
  const boundary = "matrixboundary";
  const png = Buffer.from(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001",
    "hex",
  );
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
};

/** The link token of a CSAT survey just mailed for a solved case of the agent's. */
const sentCsatToken = async () => {
  const c = await caseOfAgent();
  await updateCase(t.app.ctx, SYSTEM, c.id, c.version, { status: "solved" });
  await t.app.ctx.events.drain();
  const found = await t.app.ctx.db.execute<{ id: string }>(sql`SELECT id FROM csat_surveys WHERE case_id = ${c.id}`);
  await sendCsatSurvey(t.app.ctx, found.rows[0]?.id ?? "", new Date(Date.now() + 30 * 86_400_000));
  const mail = await t.app.ctx.db.execute<{ body_text: string }>(
    sql`SELECT body_text FROM outbound_messages WHERE case_id = ${c.id} AND purpose = 'csat_survey'`,
  );
  return /\/surveys\/csat\/([\w.-]+)/.exec(mail.rows[0]?.body_text ?? "")?.[1] ?? "";
};

/** Help-center writers: agents, supervisors and admins. */
const kbWriters = { default: "denied", admin: "ok", supervisor: "ok", agent: "ok" } as const;

const MATRIX: Record<string, Entry> = {
  "POST /api/v1/auth/login": {
    prepare: async () => {
      const u = await makeUser(t.app, { role: "employee", password: "correct horse battery" });
      return { payload: { email: u.user.email, password: "correct horse battery" } };
    },
    expect: { default: "ok", anonymous: "ok" },
  },
  "POST /api/v1/auth/password-reset": {
    prepare: async () => ({
      payload: { email: `${uniq()}@nobody.test` },
      remoteAddress: `10.76.${Math.floor(Math.random() * 250)}.1`,
    }),
    expect: { default: "ok", anonymous: "ok" },
  },
  "POST /api/v1/auth/password-reset/confirm": {
    prepare: async () => {
      const u = await makeUser(t.app, { role: "employee" });
      const sent = await t.app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset",
        payload: { email: u.user.email },
        remoteAddress: `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.1`,
      });
      expect(sent.statusCode).toBe(202);
      await t.app.ctx.afterResponse.settled();
      const mail = await t.app.ctx.db.execute<{ body_text: string }>(
        sql`SELECT body_text FROM outbound_messages WHERE ${u.user.email} = ANY("to") AND purpose = 'password_reset'`,
      );
      const token = /token=([^\s]+)/.exec(mail.rows[0]?.body_text ?? "")?.[1] ?? "";
      return { payload: { token: decodeURIComponent(token), password: "a brand new passphrase" } };
    },
    expect: { default: "ok", anonymous: "ok" },
  },
  "POST /api/v1/auth/logout": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/auth/session": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/me": { prepare: async () => ({}), expect: { default: staff } },
  "PATCH /api/v1/me": { prepare: async () => ({ payload: { timeZone: "UTC" } }), expect: { default: staff } },
  "POST /api/v1/me/password": {
    prepare: async () => ({ payload: { currentPassword: MATRIX_PASSWORD, newPassword: MATRIX_PASSWORD } }),
    expect: { default: staff },
  },
  "GET /api/v1/me/tokens": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/me/tokens": {
    prepare: async () => ({ payload: { name: "ci", scopes: ["read"] } }),
    expect: { default: staff },
  },
  "DELETE /api/v1/me/tokens/:id": {
    prepare: async () => {
      const actor = await loadActor(t.app.ctx.db, who.agent.user.id, null);
      if (!actor) throw new Error("agent inactive");
      const { apiToken } = await createApiToken(t.app.ctx, actor, { name: uniq(), scopes: ["read"], expiresInDays: 1 });
      return { url: `/api/v1/me/tokens/${apiToken.id}` };
    },
    expect: { default: "hidden", agent: "ok" },
  },
  "GET /api/v1/users": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/users": {
    scope: "admin",
    prepare: async () => ({ payload: { email: `${uniq()}@staff.test`, name: "New Hire", role: "employee" } }),
    expect: adminOnly,
  },
  "GET /api/v1/users/:id": {
    prepare: async () => ({ url: `/api/v1/users/${who.agent.user.id}` }),
    expect: { default: staff },
  },
  "PATCH /api/v1/users/:id": {
    prepare: async () => ({ url: `/api/v1/users/${(await makeUser(t.app)).user.id}`, payload: { role: "admin" } }),
    expect: adminOnly,
    scope: "admin",
  },
  "POST /api/v1/users/:id/deactivate": {
    prepare: async () => ({ url: `/api/v1/users/${(await makeUser(t.app)).user.id}/deactivate`, payload: {} }),
    expect: adminOnly,
    scope: "admin",
  },
  "GET /api/v1/departments": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/departments": {
    scope: "admin",
    prepare: async () => ({ payload: { name: uniq("d") } }),
    expect: adminOnly,
  },
  "PATCH /api/v1/departments/:id": {
    scope: "admin",
    prepare: async () => ({
      url: `/api/v1/departments/${(await makeDepartment(t.app)).id}`,
      headers: { "if-match": '"1"' },
      payload: { hourlyCostMinor: 7000 },
    }),
    expect: adminOnly,
  },
  "GET /api/v1/teams": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/teams": {
    prepare: async () => ({ payload: { name: uniq("team") } }),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "PATCH /api/v1/teams/:id": {
    prepare: async () => {
      const res = await who.admin.call({ method: "POST", url: "/api/v1/teams", payload: { name: uniq("team") } });
      return {
        url: `/api/v1/teams/${res.json().id}`,
        headers: { "if-match": '"1"' },
        payload: { name: uniq("renamed") },
      };
    },
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "GET /api/v1/organizations": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/organizations": {
    prepare: async () => ({ payload: { name: uniq("Org") } }),
    expect: { default: staff },
  },
  "GET /api/v1/organizations/:id": {
    prepare: async () => {
      const res = await who.admin.call({
        method: "POST",
        url: "/api/v1/organizations",
        payload: { name: uniq("Org") },
      });
      return { url: `/api/v1/organizations/${res.json().id}` };
    },
    expect: { default: staff },
  },
  "PATCH /api/v1/organizations/:id": {
    prepare: async () => {
      const res = await who.admin.call({
        method: "POST",
        url: "/api/v1/organizations",
        payload: { name: uniq("Org") },
      });
      return {
        url: `/api/v1/organizations/${res.json().id}`,
        headers: { "if-match": '"1"' },
        payload: { notes: "VIP" },
      };
    },
    expect: { default: "denied", admin: "ok", supervisor: "ok", agent: "ok" },
  },
  "GET /api/v1/contacts": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/contacts": {
    prepare: async () => ({ payload: { name: "Pat", emails: [`${uniq()}@c.test`] } }),
    expect: { default: staff },
  },
  "GET /api/v1/contacts/:id": {
    prepare: async () => ({ url: `/api/v1/contacts/${(await caseOfAgent()).requester.id}` }),
    expect: { default: staff },
  },
  "POST /api/v1/contact-email-confirmations": {
    prepare: async () => {
      const token = uniq("confirm-token");
      const contactId = (await makeContact(t.app)).id;
      await t.app.ctx.db.execute(sql`
        INSERT INTO contact_email_confirmations (contact_id, email, emails, token_hash, expires_at)
        VALUES (${contactId}, ${`${uniq()}@confirmed.test`}, '{}'::text[], ${sha256(token)}, now() + interval '1 hour')`);
      return { payload: { token } };
    },
    expect: everyone,
  },
  "PATCH /api/v1/contacts/:id": {
    prepare: async () => ({
      url: `/api/v1/contacts/${(await caseOfAgent()).requester.id}`,
      headers: { "if-match": '"1"' },
      payload: { phones: ["+49 30 1234"] },
    }),
    expect: { default: staff },
  },
  "GET /api/v1/custom-fields": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/custom-fields": {
    scope: "admin",
    prepare: async () => ({ payload: { key: `f_${uniq("").replace(/-/g, "")}`, label: "Serial", type: "text" } }),
    expect: adminOnly,
  },
  "PATCH /api/v1/custom-fields/:id": {
    scope: "admin",
    prepare: async () => {
      const res = await who.admin.call({
        method: "POST",
        url: "/api/v1/custom-fields",
        payload: { key: `f_${uniq("").replace(/-/g, "")}`, label: "Serial", type: "text" },
      });
      return {
        url: `/api/v1/custom-fields/${res.json().id}`,
        headers: { "if-match": '"1"' },
        payload: { label: "Serial number" },
      };
    },
    expect: adminOnly,
  },
  "GET /api/v1/cases": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/cases/count": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/cases": {
    prepare: async () => ({ payload: { subject: "Help", requester: { email: `${uniq()}@c.test` } } }),
    expect: { default: staff },
  },
  "GET /api/v1/cases/:id": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}` }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/cases/:id/history": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/history` }),
    expect: visibleToAllButOtherDepartment,
  },
  "PATCH /api/v1/cases/:id": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}`,
      headers: { "if-match": '"1"' },
      payload: { priority: "high" },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/merge": {
    prepare: async () => {
      const [a, b] = [await caseOfAgent(), await caseOfAgent()];
      return { url: `/api/v1/cases/${a.id}/merge`, payload: { targetCaseId: b.id } };
    },
    expect: { default: "ok", employee: "denied", executive: "denied", otherDepartment: "hidden" },
  },
  "POST /api/v1/cases/:id/links": {
    prepare: async () => {
      const [a, b] = [await caseOfAgent(), await caseOfAgent()];
      return { url: `/api/v1/cases/${a.id}/links`, payload: { otherCaseId: b.id, kind: "related" } };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "DELETE /api/v1/cases/:id/links/:linkId": {
    prepare: async () => {
      const [a, b] = [await caseOfAgent(), await caseOfAgent()];
      const res = await who.agent.call({
        method: "POST",
        url: `/api/v1/cases/${a.id}/links`,
        payload: { otherCaseId: b.id, kind: "duplicate" },
      });
      return { url: `/api/v1/cases/${a.id}/links/${res.json().links[0].id}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/followers": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/followers`,
      payload: { userId: who.admin.user.id },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "DELETE /api/v1/cases/:id/followers/:userId": {
    prepare: async () => {
      const c = await makeCase(t.app, who.agent.user.id, { followerIds: [who.supervisor.user.id] });
      return { url: `/api/v1/cases/${c.id}/followers/${who.supervisor.user.id}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/search": { prepare: async () => ({ url: "/api/v1/search?q=printer" }), expect: { default: staff } },
  "GET /api/v1/cases/:id/messages": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/messages` }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/messages": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/messages`,
      payload: { kind: "note", body: "hi" },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/attachments": {
    prepare: async () => {
      const boundary = "----matrix";
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`;
      return {
        url: `/api/v1/cases/${(await caseOfAgent()).id}/attachments`,
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        payload: body,
      };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/attachments/:id": {
    prepare: async () => {
      const c = await caseOfAgent();
      const agentActor = await loadActor(t.app.ctx.db, who.agent.user.id, null);
      if (!agentActor) throw new Error("agent inactive");
      const a = await uploadAttachment(t.app.ctx, agentActor, c.id, {
        filename: "log.txt",
        contentType: "text/plain",
        data: Buffer.from("log"),
      });
      await addMessage(t.app.ctx, agentActor, c.id, {
        kind: "note",
        body: "see log",
        format: "text",
        attachmentIds: [a.id],
      });
      return { url: `/api/v1/attachments/${a.id}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/views": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/views": {
    prepare: async () => ({ payload: { name: "Mine", filters: { ownerId: "me" } } }),
    expect: { default: staff },
  },
  "PATCH /api/v1/views/:id": {
    prepare: async () => ({ url: `/api/v1/views/${(await agentView()).id}`, payload: { name: "Renamed" } }),
    expect: { default: "hidden", agent: "ok" },
  },
  "DELETE /api/v1/views/:id": {
    prepare: async () => ({ url: `/api/v1/views/${(await agentView()).id}` }),
    expect: { default: "hidden", agent: "ok" },
  },
  "GET /api/v1/stream": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/cases/:id/presence": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/presence`, payload: { state: "viewing" } }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/audit": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "GET /api/v1/email-settings": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "GET /api/v1/support-addresses": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "POST /api/v1/support-addresses": {
    scope: "admin",
    prepare: async () => ({
      payload: { address: `help@${uniq("d")}.test`, name: "Help", teamId: (await makeTeam(t.app)).id },
    }),
    expect: adminOnly,
  },
  "PATCH /api/v1/support-addresses/:id": {
    scope: "admin",
    prepare: async () => ({
      url: `/api/v1/support-addresses/${(await supportAddress()).id}`,
      payload: { name: "Renamed" },
    }),
    expect: adminOnly,
  },
  "DELETE /api/v1/support-addresses/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/support-addresses/${(await supportAddress()).id}` }),
    expect: adminOnly,
  },
  "GET /api/v1/mailboxes": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "POST /api/v1/mailboxes": {
    scope: "admin",
    prepare: async () => ({
      payload: {
        name: "Inbox",
        supportAddressId: (await supportAddress()).id,
        host: "127.0.0.1",
        username: "desk",
        password: "secret",
        active: false,
      },
    }),
    expect: adminOnly,
  },
  "GET /api/v1/mailboxes/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/mailboxes/${(await mailbox()).id}` }),
    expect: adminOnly,
  },
  "PATCH /api/v1/mailboxes/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/mailboxes/${(await mailbox()).id}`, payload: { pollIntervalSeconds: 120 } }),
    expect: adminOnly,
  },
  "DELETE /api/v1/mailboxes/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/mailboxes/${(await mailbox()).id}` }),
    expect: adminOnly,
  },
  "GET /api/v1/inbound-emails": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "GET /api/v1/inbound-emails/:id/raw": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/inbound-emails/${await quarantinedEmail()}/raw` }),
    expect: adminOnly,
  },
  "POST /api/v1/inbound-emails/:id/retry": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/inbound-emails/${await quarantinedEmail()}/retry` }),
    expect: adminOnly,
  },
  "GET /api/v1/outbound-emails": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "POST /api/v1/outbound-emails/:id/retry": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/outbound-emails/${await failedOutbound()}/retry` }),
    expect: adminOnly,
  },
  "GET /api/v1/cases/:id/email": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/email` }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/email-participants/:contactId/approve": {
    prepare: async () => {
      const p = await pendingParticipant();
      return { url: `/api/v1/cases/${p.caseId}/email-participants/${p.contactId}/approve` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "DELETE /api/v1/cases/:id/email-participants/:contactId": {
    prepare: async () => {
      const p = await pendingParticipant();
      return { url: `/api/v1/cases/${p.caseId}/email-participants/${p.contactId}` };
    },
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/sla/calendars": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/sla/calendars": {
    scope: "admin",
    prepare: async () => ({ payload: { name: uniq("cal"), timeZone: "UTC", alwaysOpen: true } }),
    expect: adminOnly,
  },
  "GET /api/v1/sla/calendars/:id": {
    prepare: async () => ({ url: `/api/v1/sla/calendars/${(await slaCalendar()).id}` }),
    expect: { default: staff },
  },
  "PATCH /api/v1/sla/calendars/:id": {
    scope: "admin",
    prepare: async () => ({
      url: `/api/v1/sla/calendars/${(await slaCalendar()).id}`,
      headers: { "if-match": '"1"' },
      payload: { name: uniq("cal") },
    }),
    expect: adminOnly,
  },
  "DELETE /api/v1/sla/calendars/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/sla/calendars/${(await slaCalendar()).id}` }),
    expect: adminOnly,
  },
  "GET /api/v1/sla/policies": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/sla/policies": {
    scope: "admin",
    prepare: async () => ({
      payload: {
        name: uniq("policy"),
        calendarId: (await slaCalendar()).id,
        conditions: { tags: [uniq("matrix")] },
        targets: { first_response: { normal: 60 } },
      },
    }),
    expect: adminOnly,
  },
  "GET /api/v1/sla/policies/:id": {
    prepare: async () => ({ url: `/api/v1/sla/policies/${(await slaPolicy()).id}` }),
    expect: { default: staff },
  },
  "PATCH /api/v1/sla/policies/:id": {
    scope: "admin",
    prepare: async () => ({
      url: `/api/v1/sla/policies/${(await slaPolicy()).id}`,
      headers: { "if-match": '"1"' },
      payload: { name: uniq("policy") },
    }),
    expect: adminOnly,
  },
  "DELETE /api/v1/sla/policies/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/sla/policies/${(await slaPolicy()).id}` }),
    expect: adminOnly,
  },
  "GET /api/v1/cases/:id/sla": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/sla` }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/sla/clocks": {
    prepare: async () => ({ url: `/api/v1/sla/clocks?caseIds=${(await caseOfAgent()).id}` }),
    expect: { default: staff },
  },
  "GET /api/v1/sla/breaching": {
    prepare: async () => ({ url: "/api/v1/sla/breaching?withinMinutes=60" }),
    expect: { default: staff },
  },
  "GET /api/v1/cases/:id/commitments": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/commitments` }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/commitments": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/commitments`,
      payload: { kind: "callback", description: "Call back about the invoice", dueAt: inDays(1) },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/commitments": {
    prepare: async () => ({ url: "/api/v1/commitments?ownerId=me" }),
    expect: { default: staff },
  },
  "POST /api/v1/commitments/:id/keep": {
    prepare: async () => ({ url: `/api/v1/commitments/${(await agentCommitment()).id}/keep`, payload: {} }),
    expect: settledByOwnerOrManager,
  },
  "POST /api/v1/commitments/:id/cancel": {
    prepare: async () => ({
      url: `/api/v1/commitments/${(await agentCommitment()).id}/cancel`,
      payload: { note: "The customer called in" },
    }),
    expect: settledByOwnerOrManager,
  },
  "GET /api/v1/cracks": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/cracks/digests": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/leave": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/leave": {
    prepare: async () => {
      const window = nextLeaveWindow();
      return { payload: { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString() } };
    },
    expect: { default: staff },
  },
  "DELETE /api/v1/leave/:id": {
    prepare: async () => ({ url: `/api/v1/leave/${(await agentLeave()).id}` }),
    expect: { default: "denied", admin: "ok", supervisor: "ok", agent: "ok" },
  },
  "GET /api/v1/leave/:id/handover": {
    prepare: async () => ({ url: `/api/v1/leave/${(await agentLeave()).id}/handover` }),
    expect: { default: "denied", admin: "ok", supervisor: "ok", agent: "ok" },
  },
  "GET /api/v1/me/notifications": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/me/notifications/:id/read": {
    prepare: async () => ({ url: `/api/v1/me/notifications/${await agentNotification()}/read` }),
    expect: { default: "hidden", agent: "ok" },
  },
  "POST /api/v1/executive/cases": {
    prepare: async () => ({
      payload: { executiveId: who.executive.user.id, subject: "Dear CEO", requester: { email: `${uniq()}@c.test` } },
    }),
    expect: { default: staff },
  },
  "GET /api/v1/executive/cases/:id": {
    prepare: async () => ({ url: `/api/v1/executive/cases/${await executiveCaseOfAgent()}` }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/executive/cases/:id/delegate": {
    prepare: async () => ({
      url: `/api/v1/executive/cases/${await executiveCaseOfAgent()}/delegate`,
      payload: { ownerId: who.agent.user.id, note: "Yours, please" },
    }),
    expect: { default: "denied", executive: "ok", otherDepartment: "hidden" },
  },
  "PUT /api/v1/executive/cases/:id/report": {
    prepare: async () => ({
      url: `/api/v1/executive/cases/${await executiveCaseOfAgent()}/report`,
      payload: { customerSaid: "Late", actionsTaken: "Rebooked", remedyGiven: "Fee refunded", customerSatisfied: true },
    }),
    expect: { default: "denied", agent: "ok", otherDepartment: "hidden" },
  },
  "POST /api/v1/executive/cases/:id/verification-calls": {
    prepare: async () => ({
      url: `/api/v1/executive/cases/${await executiveCaseOfAgent(true)}/verification-calls`,
      payload: { outcome: "no_answer" },
    }),
    expect: { default: "denied", executive: "ok", otherDepartment: "hidden" },
  },
  "GET /api/v1/executive/letter-settings": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "PATCH /api/v1/executive/letter-settings": {
    scope: "admin",
    prepare: async () => ({ payload: { message: "I read every letter myself." } }),
    expect: adminOnly,
  },
  "POST /api/v1/executive/handovers": {
    scope: "admin",
    prepare: async () => ({
      payload: {
        fromExecutiveId: (await makeUser(t.app, { role: "executive" })).user.id,
        toExecutiveId: who.executive.user.id,
      },
    }),
    expect: adminOnly,
  },
  "GET /api/v1/executive/queue": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/executive/dashboard": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/cases/:id/remedies": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/remedies` }),
    expect: visibleToAllButOtherDepartment,
  },
  "POST /api/v1/cases/:id/remedies": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/remedies`,
      payload: { kind: "goodwill_gift", amountMinor: 100, currency: "EUR", description: "Chocolates" },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/remedies/authority": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/remedies/reviews": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "POST /api/v1/remedies/:id/review": {
    prepare: async () => ({ url: `/api/v1/remedies/${await flaggedRemedy()}/review`, payload: { outcome: "approve" } }),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "GET /api/v1/remedies/ledger": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok", executive: "ok" },
  },
  "GET /api/v1/remedies/ledger/export": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok", executive: "ok" },
  },
  "GET /api/v1/kb/categories": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/kb/categories": {
    prepare: async () => ({ payload: { name: uniq("Topic") } }),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "PATCH /api/v1/kb/categories/:id": {
    prepare: async () => ({
      url: `/api/v1/kb/categories/${(await kbArticle()).categoryId}`,
      headers: { "if-match": '"1"' },
      payload: { position: 3 },
    }),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "GET /api/v1/kb/articles": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/kb/articles": {
    prepare: async () => ({ payload: { categoryId: (await kbArticle()).categoryId, title: uniq("Article") } }),
    expect: kbWriters,
  },
  "GET /api/v1/kb/articles/:id": {
    prepare: async () => ({ url: `/api/v1/kb/articles/${(await kbArticle()).id}` }),
    expect: { default: staff },
  },
  "PATCH /api/v1/kb/articles/:id": {
    prepare: async () => ({
      url: `/api/v1/kb/articles/${(await kbArticle()).id}`,
      headers: { "if-match": '"1"' },
      payload: { summary: "Short" },
    }),
    expect: kbWriters,
  },
  "POST /api/v1/kb/articles/:id/publish": {
    prepare: async () => ({ url: `/api/v1/kb/articles/${(await kbArticle()).id}/publish` }),
    expect: kbWriters,
  },
  "POST /api/v1/kb/articles/:id/unpublish": {
    prepare: async () => ({ url: `/api/v1/kb/articles/${(await kbArticle()).id}/unpublish` }),
    expect: kbWriters,
  },
  "POST /api/v1/cases/:id/kb-article": {
    prepare: async () => {
      const c = await caseOfAgent();
      await updateCase(t.app.ctx, SYSTEM, c.id, c.version, { status: "solved" });
      return { url: `/api/v1/cases/${c.id}/kb-article`, payload: { categoryId: (await kbArticle()).categoryId } };
    },
    expect: kbWriters,
  },
  "POST /api/v1/kb/images": { prepare: async () => pngUpload(), expect: kbWriters },
  "GET /api/v1/kb/stats": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok", executive: "ok" },
  },
  "GET /api/v1/help/search": {
    prepare: async () => ({ url: "/api/v1/help/search?q=password" }),
    expect: { default: "ok", anonymous: "ok" },
  },
  "GET /api/v1/survey-settings": { prepare: async () => ({}), expect: { default: staff } },
  "PATCH /api/v1/survey-settings": {
    scope: "admin",
    prepare: async () => ({ payload: { csatDelayHours: 24 } }),
    expect: adminOnly,
  },
  "GET /api/v1/cases/:id/csat": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/csat` }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/reports/csat": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok", executive: "ok" },
  },
  "GET /api/v1/reports/nps": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok", executive: "ok" },
  },
  "POST /api/v1/surveys/csat/answers": {
    prepare: async () => ({ payload: { token: await sentCsatToken(), rating: "good" } }),
    expect: { default: "ok", anonymous: "ok" },
  },
  "POST /api/v1/surveys/nps/answers": {
    prepare: async () => ({ payload: { token: `n.${"A".repeat(22)}.${"B".repeat(24)}`, score: 9 } }),
    expect: { default: "hidden", anonymous: "hidden" },
  },
  "GET /api/v1/cases/:id/service-failure": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/service-failure` }),
    expect: visibleToAllButOtherDepartment,
  },
  "PUT /api/v1/cases/:id/service-failure": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/service-failure`,
      payload: { whatWentWrong: "Promised a call back and forgot", occurredAt: new Date().toISOString() },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/reports/recovery": {
    prepare: async () => ({}),
    expect: { default: "denied", admin: "ok", supervisor: "ok", executive: "ok" },
  },
  "GET /api/v1/authority-limits": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "POST /api/v1/authority-limits": {
    scope: "admin",
    prepare: async () => ({
      payload: { userId: (await makeUser(t.app)).user.id, perRemedyMinor: 1000, per30DaysMinor: 5000 },
    }),
    expect: adminOnly,
  },
  "PATCH /api/v1/authority-limits/:id": {
    scope: "admin",
    prepare: async () => ({
      url: `/api/v1/authority-limits/${await authorityLimit()}`,
      headers: { "if-match": '"1"' },
      payload: { perRemedyMinor: 1 },
    }),
    expect: adminOnly,
  },
  "DELETE /api/v1/authority-limits/:id": {
    scope: "admin",
    prepare: async () => ({ url: `/api/v1/authority-limits/${await authorityLimit()}` }),
    expect: adminOnly,
  },
  "GET /api/v1/root-cause-categories": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/root-cause-categories": {
    scope: "admin",
    prepare: async () => ({ payload: { name: uniq("Packaging") } }),
    expect: adminOnly,
  },
  "PATCH /api/v1/root-cause-categories/:id": {
    scope: "admin",
    prepare: async () => ({
      url: `/api/v1/root-cause-categories/${await rootCauseCategory()}`,
      headers: { "if-match": '"1"' },
      payload: { description: "Renamed" },
    }),
    expect: adminOnly,
  },
  "GET /api/v1/cases/:id/root-cause": {
    prepare: async () => ({ url: `/api/v1/cases/${(await caseOfAgent()).id}/root-cause` }),
    expect: visibleToAllButOtherDepartment,
  },
  "PUT /api/v1/cases/:id/root-cause": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/root-cause`,
      payload: { origin: "customer", categoryId: await rootCauseCategory(), description: "Used beyond spec" },
    }),
    expect: visibleToAllButOtherDepartment,
  },
  "PUT /api/v1/cases/:id/cost-correction": {
    prepare: async () => ({
      url: `/api/v1/cases/${(await caseOfAgent()).id}/cost-correction`,
      payload: { minutes: 20, reason: "Calls from the mobile phone" },
    }),
    expect: { default: "denied", admin: "ok", supervisor: "ok", agent: "ok", otherDepartment: "hidden" },
  },
  "GET /api/v1/departments/:id/upstream": {
    prepare: async () => ({ url: `/api/v1/departments/${who.agent.user.departmentId}/upstream` }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/corrective-actions": { prepare: async () => ({}), expect: { default: staff } },
  "POST /api/v1/corrective-actions": {
    prepare: async () => ({
      payload: {
        departmentId: who.agent.user.departmentId,
        title: "Fix the packing station",
        ownerId: who.agent.user.id,
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    }),
    expect: { default: "denied", admin: "ok", supervisor: "ok" },
  },
  "PATCH /api/v1/corrective-actions/:id": {
    prepare: async () => ({
      url: `/api/v1/corrective-actions/${await correctiveAction()}`,
      payload: { status: "in_progress" },
    }),
    expect: { default: "denied", admin: "ok", supervisor: "ok", agent: "ok", otherDepartment: "hidden" },
  },
  "GET /api/v1/upstream-reports": { prepare: async () => ({}), expect: { default: staff } },
  "GET /api/v1/upstream-reports/:id": {
    prepare: async () => ({ url: `/api/v1/upstream-reports/${await upstreamReport()}` }),
    expect: visibleToAllButOtherDepartment,
  },
  "GET /api/v1/branding": { prepare: async () => ({}), expect: everyone },
  "PATCH /api/v1/branding": {
    scope: "admin",
    prepare: async () => ({ payload: { companyName: "Acme" } }),
    expect: adminOnly,
  },
  "PUT /api/v1/branding/logo": {
    scope: "admin",
    prepare: async () => logoUpload(),
    expect: adminOnly,
  },
  "DELETE /api/v1/branding/logo": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "GET /api/v1/branding/logo": {
    prepare: async () => {
      await uploadLogo(t.app.ctx, SYSTEM, PNG_1PX);
      return {};
    },
    expect: everyone,
  },
  "POST /api/v1/portal/magic-links": {
    prepare: async () => ({
      payload: { email: `${uniq()}@customer.test` },
      remoteAddress: `10.77.0.${Math.floor(Math.random() * 250)}`,
    }),
    /** Public, and the same answer for any address; refused only where outbound mail is not configured. */
    get expect() {
      return outboundMailConfigured(t.app.ctx)
        ? everyone
        : ({ default: "denied", anonymous: "denied", customer: "denied" } as const);
    },
  },
  "POST /api/v1/portal/sessions": {
    prepare: async () => ({ payload: { token: await magicLink() } }),
    expect: everyone,
  },
  "GET /api/v1/portal/session": { prepare: async () => ({}), expect: customerOnly },
  "DELETE /api/v1/portal/session": { prepare: async () => ({}), expect: customerOnly },
  "GET /api/v1/portal/cases": { prepare: async () => ({}), expect: customerOnly },
  "GET /api/v1/portal/cases/:id": {
    prepare: async () => ({ url: `/api/v1/portal/cases/${(await caseOfCustomer()).id}` }),
    expect: customerOnly,
  },
  "GET /api/v1/portal/cases/:id/messages": {
    prepare: async () => ({ url: `/api/v1/portal/cases/${(await caseOfCustomer()).id}/messages` }),
    expect: customerOnly,
  },
  "POST /api/v1/portal/cases/:id/messages": {
    prepare: async () => ({
      url: `/api/v1/portal/cases/${(await caseOfCustomer()).id}/messages`,
      ...multipart({ body: "Thanks" }),
    }),
    expect: customerOnly,
  },
  "POST /api/v1/portal/cases/:id/solve": {
    prepare: async () => ({ url: `/api/v1/portal/cases/${(await caseOfCustomer()).id}/solve` }),
    expect: customerOnly,
  },
  "POST /api/v1/portal/cases/:id/reopen": {
    prepare: async () => ({ url: `/api/v1/portal/cases/${(await solvedCaseOfCustomer()).id}/reopen` }),
    expect: customerOnly,
  },
  "GET /api/v1/portal/executive-letter": { prepare: async () => ({}), expect: customerOnly },
  "POST /api/v1/portal/executive-letters": {
    prepare: async () => {
      await offerExecutiveLetters();
      return { payload: { subject: "Dear CEO", body: "Three deliveries late." } };
    },
    expect: customerOnly,
  },
  "GET /api/v1/portal/attachments/:id": {
    prepare: async () => {
      const c = await caseOfCustomer();
      const m = await replyFromPortal(t.app.ctx, customerActor(), c.id, { body: "File" }, [
        { filename: "a.txt", contentType: "text/plain", data: Buffer.from("a") },
      ]);
      return { url: `/api/v1/portal/attachments/${m.attachments[0]?.id}` };
    },
    expect: customerOnly,
  },
  "POST /api/v1/webform/submissions": {
    prepare: async () => ({
      payload: { name: "Fran", email: `${uniq()}@customer.test`, subject: "Help", description: "Please" },
      remoteAddress: `10.78.0.${Math.floor(Math.random() * 250)}`,
    }),
    expect: everyone,
  },
  "GET /api/v1/webform/settings": {
    scope: "admin",
    prepare: async () => ({}),
    expect: adminOnly,
  },
  "PATCH /api/v1/webform/settings": {
    scope: "admin",
    prepare: async () => ({ payload: { customFieldKeys: [] } }),
    expect: adminOnly,
  },
};

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();

const slaCalendar = async () =>
  await createCalendar(t.app.ctx, SYSTEM, {
    name: uniq("cal"),
    timeZone: "UTC",
    weeklyHours: [],
    holidays: [],
    alwaysOpen: true,
  });

const slaPolicy = async () =>
  await createPolicy(t.app.ctx, SYSTEM, {
    name: uniq("policy"),
    position: 100,
    active: true,
    conditions: { tags: [uniq("matrix")] },
    targets: { resolution: { normal: 480 } },
    calendarId: (await slaCalendar()).id,
    pauseStatuses: ["pending", "on_hold"],
    warningPercent: 80,
    warningActions: [],
    breachActions: [],
  });

const agentCommitment = async () =>
  await createCommitment(t.app.ctx, SYSTEM, (await caseOfAgent()).id, {
    kind: "callback",
    description: "Call back",
    dueAt: new Date(Date.now() + 86_400_000),
    ownerId: who.agent.user.id,
  });

let leaveWindows = 0;
/** Leave far in the future, a fresh window each time so no two overlap. */
const nextLeaveWindow = () => {
  const startsAt = new Date(Date.now() + (400 + 3 * leaveWindows++) * 86_400_000);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 2 * 86_400_000) };
};

const agentLeave = async () =>
  await createLeave(t.app.ctx, SYSTEM, { userId: who.agent.user.id, note: "", ...nextLeaveWindow() });

const agentNotification = async (): Promise<string> => {
  const key = uniq("notice");
  await notify(t.app.ctx.db, [
    { userId: who.agent.user.id, kind: "cracks_digest", caseId: null, title: "Digest", body: "", dedupeKey: key },
  ]);
  const [row] = await t.app.ctx.db.select().from(notifications).where(eq(notifications.dedupeKey, key));
  if (!row) throw new Error("notification missing");
  return row.id;
};

const supportAddress = async () =>
  await createSupportAddress(t.app.ctx, SYSTEM, {
    address: `help@${uniq("d")}.test`,
    name: "Help",
    teamId: (await makeTeam(t.app)).id,
    executiveUserId: null,
    autoAcknowledge: true,
    active: true,
  });

const mailbox = async () =>
  await createMailbox(t.app.ctx, SYSTEM, {
    name: "Inbox",
    supportAddressId: (await supportAddress()).id,
    host: "127.0.0.1",
    port: 993,
    tls: true,
    username: "desk",
    password: "secret",
    folder: "INBOX",
    afterImport: "mark_seen",
    moveToFolder: null,
    pollIntervalSeconds: 60,
    active: false,
  });

/** A message without a sender: quarantined. */
const quarantinedEmail = async () => {
  const { id } = await receiveInbound(t.app.ctx, {
    source: "smtp",
    raw: Buffer.from(`Subject: ${uniq()}\r\n\r\nno sender\r\n`),
    envelope: { mailFrom: "", rcptTo: [], remoteAddress: null, heloName: null },
  });
  await processInbound(t.app.ctx, id);
  return id;
};

const failedOutbound = async () => {
  const c = await caseOfAgent();
  const result = await t.app.ctx.db.execute<{ id: string }>(sql`
    INSERT INTO outbound_messages (kind, case_id, from_address, from_name, "to", subject, header_message_id, headers, body_text, status)
    VALUES ('reply', ${c.id}, 'help@desk.test', 'Help', ARRAY['x@c.test'], 'Hi', ${`<${uniq()}@desk.test>`},
      '{"inReplyTo":null,"references":[],"replyTo":null,"extra":{}}', 'Hi', 'failed')
    RETURNING id`);
  return result.rows[0]?.id;
};

const pendingParticipant = async () => {
  const c = await caseOfAgent();
  await t.app.ctx.db.execute(
    sql`INSERT INTO email_participants (case_id, contact_id, role, pending_review) VALUES (${c.id}, ${c.requester.id}, 'follower', true)`,
  );
  return { caseId: c.id, contactId: c.requester.id };
};

/** "Write to the chief executive" turned on, to the matrix's executive (the portal's letters need it). */
const offerExecutiveLetters = async (): Promise<void> => {
  await updateExecutiveLetterSettings(t.app.ctx, SYSTEM, {
    enabled: true,
    executiveId: who.executive.user.id,
    message: "I read every letter myself.",
  });
};

/** An executive case of the matrix's executive, delegated to the agent; `solved` also files the report and solves it. */
const executiveCaseOfAgent = async (solved = false): Promise<string> => {
  const executive = await loadActor(t.app.ctx.db, who.executive.user.id, null);
  const agent = await loadActor(t.app.ctx.db, who.agent.user.id, null);
  if (!executive || !agent) throw new Error("executive or agent inactive");
  const opened = await openExecutiveCase(t.app.ctx, SYSTEM, {
    executiveId: executive.id,
    subject: "Dear CEO",
    requester: { email: `${uniq()}@c.test` },
    status: "new",
    priority: "high",
    type: "request",
    channel: "api",
    tags: [],
    customFields: {},
    followerIds: [],
  });
  await delegateExecutiveCase(t.app.ctx, executive, opened.caseId, { ownerId: agent.id, note: "Please" });
  if (solved) {
    await fileFeedbackReport(t.app.ctx, agent, opened.caseId, {
      customerSaid: "Late",
      actionsTaken: "Rebooked",
      remedyGiven: "Fee refunded",
      customerSatisfied: true,
    });
    const current = await t.app.ctx.db.execute<{ version: number }>(
      sql`SELECT version FROM cases WHERE id = ${opened.caseId}`,
    );
    await updateCase(t.app.ctx, agent, opened.caseId, current.rows[0]?.version ?? 0, { status: "solved" });
  }
  return opened.caseId;
};

/** A remedy the agent granted above their authority, awaiting review. */
const flaggedRemedy = async (): Promise<string> => {
  const agent = await loadActor(t.app.ctx.db, who.agent.user.id, null);
  if (!agent) throw new Error("agent inactive");
  const granted = await grantRemedy(t.app.ctx, agent, (await caseOfAgent()).id, {
    kind: "refund",
    amountMinor: 10_000_000,
    currency: "EUR",
    description: "Whole order",
    justification: "Third failure this year",
  });
  return granted.remedy.id;
};

const rootCauseCategory = async (): Promise<string> =>
  (await createRootCauseCategory(t.app.ctx, SYSTEM, { name: uniq("Cause"), description: "", position: 0 })).id;

/** A corrective action of the agent's department, owned by the agent. */
const correctiveAction = async (): Promise<string> =>
  (
    await createCorrectiveAction(t.app.ctx, SYSTEM, {
      departmentId: who.agent.user.departmentId as string,
      title: "Fix the packing station",
      description: "",
      ownerId: who.agent.user.id,
      dueAt: new Date(Date.now() + 86_400_000),
      caseIds: [],
    })
  ).id;

/** An (empty) upstream report of the agent's department. */
const upstreamReport = async (): Promise<string> => {
  const department = { id: who.agent.user.departmentId as string, name: "Service" };
  const content = {
    month: "2001-01",
    department,
    director: null,
    cases: 0,
    costs: [],
    byCategory: [],
    repeatFailures: [],
    correctiveActions: { open: 0, overdue: 0, completedInMonth: 0 },
    topCases: [],
  };
  const res = await t.app.ctx.db.execute<{ id: string }>(sql`
    INSERT INTO upstream_reports (department_id, month, subject, body_text, content)
    VALUES (${department.id}, '2001-01', 'Upstream report', 'Nothing to report', ${JSON.stringify(content)}::jsonb)
    ON CONFLICT (department_id, month) DO UPDATE SET subject = excluded.subject
    RETURNING id`);
  return res.rows[0]?.id as string;
};

const authorityLimit = async (): Promise<string> =>
  (
    await createAuthorityLimit(t.app.ctx, SYSTEM, {
      userId: (await makeUser(t.app)).user.id,
      currency: "EUR",
      perRemedyMinor: 1000,
      per30DaysMinor: 5000,
    })
  ).id;

const agentView = async () => {
  const actor = await loadActor(t.app.ctx.db, who.agent.user.id, null);
  if (!actor) throw new Error("agent inactive");
  return await createView(t.app.ctx, actor, {
    name: uniq("view"),
    filters: {},
    sort: "-updated_at",
    shared: false,
    position: 1,
  });
};

const PNG_1PX = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

const logoUpload = (): Prepared => {
  const boundary = `b${uniq()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), PNG_1PX, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
};

/** The stream never ends, so it is checked over a real socket: status code only. */
const streamStatus = async (token: string | null): Promise<number> => {
  const address = t.app.server.address() as AddressInfo;
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${address.port}/api/v1/stream`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  controller.abort();
  return res.status;
};

/** A live token of this employee with exactly these scopes, written as the API would store it. */
const mintToken = async (userId: string, scopes: Scope[]): Promise<string> => {
  const token = `em_${uniq("matrix").replace(/-/g, "")}${scopes.join("")}`;
  await t.app.ctx.db.execute(sql`
    INSERT INTO api_tokens (user_id, name, prefix, token_hash, scopes, expires_at)
    VALUES (${userId}, ${scopes.join("+")}, ${token.slice(0, 11)}, ${sha256(token)},
      ${`{${scopes.join(",")}}`}::text[], now() + interval '1 day')`);
  return token;
};

beforeAll(async () => {
  /* Outbound mail "configured" towards a closed port: mail is queued (jobs are off), never sent. */
  const mail = outboundMailTo(9, "desk@matrix.test");
  /* Mailboxes point at 127.0.0.1; the matrix never fetches from them, it only checks who may touch them. */
  t = await startTestApp({ email: { ...mail.email, allowPrivateHosts: ["127.0.0.1"] } });
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  const deptA = await makeDepartment(t.app, "service");
  const deptB = await makeDepartment(t.app, "operations");
  const password = MATRIX_PASSWORD;
  who.admin = await makeUser(t.app, { role: "admin", password });
  who.supervisor = await makeUser(t.app, { role: "supervisor", departmentId: deptA.id, password });
  who.agent = await makeUser(t.app, { role: "agent", departmentId: deptA.id, password });
  who.employee = await makeUser(t.app, { role: "employee", departmentId: deptA.id, password });
  who.otherDepartment = await makeUser(t.app, { role: "employee", departmentId: deptB.id, password });
  who.executive = await makeUser(t.app, { role: "executive", password });
  for (const role of STAFF_ROLES) {
    tokens[role] = {};
    for (const scopes of SCOPE_SETS) tokens[role][scopes.join("+")] = await mintToken(who[role].user.id, scopes);
  }
  customer.contactId = (await makeContact(t.app)).id;
  await openCase(t.app.ctx, SYSTEM, {
    subject: "printer",
    requester: { email: `${uniq()}@c.test` },
    status: "new",
    priority: "normal",
    type: "question",
    channel: "api",
    tags: [],
    customFields: {},
    followerIds: [],
    ownerId: who.agent.user.id,
  });
});
afterAll(async () => await t.close());

/** A route that answers without signing in (sign-in, survey links): employee credentials change nothing. */
const isPublic = (entry: Entry) => (entry.expect.anonymous ?? "unauthenticated") !== "unauthenticated";

/** What a caller should get: the route's answer for the role, unless the token lacks the scope the route needs. */
const expectedFor = (entry: Entry, method: string, role: Role, scopes: Scope[] | null): Outcome => {
  if (role === "anonymous") return entry.expect.anonymous ?? "unauthenticated";
  if (role === "customer") return entry.expect.customer ?? entry.expect.anonymous ?? "unauthenticated";
  const answer = entry.expect[role] ?? entry.expect.default;
  if (!scopes || isPublic(entry) || answer === "unauthenticated") return answer;
  const needed: Scope = entry.scope ?? (method === "GET" ? "read" : "write");
  const allowed = scopes.includes(needed) || (needed === "read" && scopes.includes("write"));
  return allowed ? answer : "denied";
};

/** The callers of one row: anonymous, the portal customer, and every employee role with every token. */
const callers = (): { role: Role; scopes: Scope[] | null }[] => [
  { role: "anonymous", scopes: null },
  { role: "customer", scopes: null },
  ...STAFF_ROLES.flatMap((role) => SCOPE_SETS.map((scopes) => ({ role, scopes }))),
];

const labelOf = (c: { role: Role; scopes: Scope[] | null }) =>
  c.scopes ? `${c.role} [${c.scopes.join("+")}]` : c.role;

describe("authorization matrix", () => {
  it("covers every API route, and nothing else", () => {
    const routes = t.app.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(routes).toEqual(Object.keys(MATRIX).sort());
  });

  it("asks for the admin scope on every write only admins may make", () => {
    const adminOnlyWrites = Object.entries(MATRIX)
      .filter(([key, e]) => !key.startsWith("GET ") && !isPublic(e))
      .filter(([, e]) => (e.expect.admin ?? e.expect.default) === "ok")
      .filter(([, e]) => STAFF_ROLES.every((r) => r === "admin" || (e.expect[r] ?? e.expect.default) !== "ok"))
      .filter(([, e]) => e.scope !== "admin")
      .map(([key]) => key);
    expect(adminOnlyWrites).toEqual([]);
  });

  for (const [key, entry] of Object.entries(MATRIX)) {
    const [method, path] = key.split(" ") as [string, string];
    it(`${key}`, async () => {
      const observed: Record<string, string> = {};
      const expected: Record<string, string> = {};
      /*
       * A refused call changes nothing, and a GET changes nothing either: those share one prepared request. A
       * write expected to succeed may spend what it was prepared with (a link, a user to deactivate): it gets its own.
       */
      let shared: Prepared | null = null;
      for (const caller of callers()) {
        const { role, scopes } = caller;
        const label = labelOf(caller);
        const outcome = expectedFor(entry, method, role, scopes);
        expected[label] = outcome;
        if (path === "/api/v1/stream") {
          const token = role === "anonymous" || role === "customer" ? null : tokens[role][scopes?.join("+") ?? ""];
          observed[label] = statusOutcome(await streamStatus(token ?? null));
          continue;
        }
        if (role === "customer") await restoreCustomerSession();
        const fresh = role === "anonymous" || role === "customer" || (outcome === "ok" && method !== "GET");
        if (!fresh && !shared) shared = await entry.prepare();
        const prepared = fresh || !shared ? await entry.prepare() : shared;
        const credentials =
          role === "anonymous"
            ? {}
            : role === "customer"
              ? { cookies: { [PORTAL_COOKIE]: customer.cookie }, csrf: { "x-csrf-token": customer.csrfToken } }
              : { auth: { authorization: `Bearer ${tokens[role][scopes?.join("+") ?? ""]}` } };
        const res = await t.app.inject({
          method: method as InjectOptions["method"],
          url: path,
          ...prepared,
          ...("cookies" in credentials ? { cookies: credentials.cookies } : {}),
          headers: {
            ...(prepared.headers ?? {}),
            ...("auth" in credentials ? credentials.auth : {}),
            ...("csrf" in credentials ? credentials.csrf : {}),
          },
        } as InjectOptions);
        observed[label] = statusOutcome(res.statusCode);
      }
      expect(observed).toEqual(expected);
    });
  }
});
