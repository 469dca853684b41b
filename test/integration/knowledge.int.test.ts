import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateCase } from "../../src/server/domains/cases/cases.service";
import { kbStats } from "../../src/server/domains/knowledge/knowledge.service";
import { addMessage } from "../../src/server/domains/messages/messages.service";
import { loadActor } from "../../src/server/domains/users/users.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { startTestApp, type TestApp } from "../app";
import { makeCase, makeUser, type TestUser, uniq } from "../factories";

let t: TestApp;
let agent: TestUser;
let supervisor: TestUser;
let employee: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  agent = await makeUser(t.app, { role: "agent" });
  supervisor = await makeUser(t.app, { role: "supervisor" });
  employee = await makeUser(t.app, { role: "employee" });
});
afterAll(async () => await t.close());

/** A word no other test uses, so full-text results are this test's own. */
const pick = (letters: string, n: number) =>
  Array.from({ length: n }, () => letters[Math.floor(Math.random() * letters.length)]).join("");
/**
 * A made-up word whose first six letters the English stemmer leaves alone (consonants only, no y or s), so its
 * six-letter prefix finds it: a random prefix such as "xamrby" was stemmed to "xamrbi" and missed "xamrbyowxe".
 */
const word = () => pick("bcdfghjklmnpqrtvwxz", 6) + pick("abcdefghijklmnopqrstuvwxyz", 4);

const category = async () => {
  const res = await supervisor.call({
    method: "POST",
    url: "/api/v1/kb/categories",
    payload: { name: uniq("Billing") },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; slug: string; url: string };
};

const article = async (categoryId: string, fields: { title: string; summary?: string; bodyHtml: string }) => {
  const res = await agent.call({ method: "POST", url: "/api/v1/kb/articles", payload: { categoryId, ...fields } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; slug: string; state: string };
};

const publish = async (id: string) => {
  const res = await agent.call({ method: "POST", url: `/api/v1/kb/articles/${id}/publish` });
  expect(res.statusCode).toBe(200);
  return res.json();
};

const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  res.cookies.find((c) => c.name === "extramile_help")?.value ?? "";

describe("help center", () => {
  it("shows customers the published version only; drafts stay in the workspace", async () => {
    const cat = await category();
    const term = word();
    const a = await article(cat.id, { title: `Change your ${term} plan`, bodyHtml: `<p>Open ${term} settings.</p>` });
    expect(a.state).toBe("draft");
    expect((await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: `/api/v1/help/search?q=${term}` })).json().items).toEqual([]);
    expect((await t.app.inject({ method: "GET", url: cat.url })).statusCode).toBe(404);

    const published = await publish(a.id);
    const page = await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Change your ${term} plan`);

    const edited = await agent.call({
      method: "PATCH",
      url: `/api/v1/kb/articles/${a.id}`,
      headers: { "if-match": `"${published.version}"` },
      payload: { title: `Upgrade your ${term} plan` },
    });
    expect(edited.json()).toMatchObject({
      state: "changed",
      published: { title: `Change your ${term} plan`, version: 1 },
    });
    const still = await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` });
    expect(still.body).toContain(`Change your ${term} plan`);
    expect(still.body).not.toContain("Upgrade your");

    expect((await publish(a.id)).published).toMatchObject({ title: `Upgrade your ${term} plan`, version: 2 });
    expect((await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` })).body).toContain("Upgrade your");

    await agent.call({ method: "POST", url: `/api/v1/kb/articles/${a.id}/unpublish` });
    expect((await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` })).statusCode).toBe(404);
    const drafts = await employee.call({ method: "GET", url: `/api/v1/kb/articles?q=${term}` });
    expect(drafts.json().items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    const live = await employee.call({ method: "GET", url: `/api/v1/kb/articles?q=${term}&publishedOnly=true` });
    expect(live.json().items).toEqual([]);
  });

  it("gives a new article the address of the title it is published with, then keeps that address", async () => {
    const cat = await category();
    const created = await article(cat.id, { title: "Untitled article", bodyHtml: "" });
    expect(created.slug).toMatch(/^untitled-article/);
    const title = `Change your invoice address ${word()}`;
    const edit = async (version: number, payload: Record<string, unknown>) =>
      await agent.call({
        method: "PATCH",
        url: `/api/v1/kb/articles/${created.id}`,
        headers: { "if-match": `"${version}"` },
        payload,
      });
    const titled = await edit((created as unknown as { version: number }).version, {
      title,
      bodyHtml: "<p>Open Billing, then Addresses.</p>",
    });
    expect(titled.statusCode).toBe(200);
    expect(titled.json().slug).toBe(title.toLowerCase().replaceAll(" ", "-"));
    const published = await publish(created.id);
    const renamed = await edit(published.version, { title: `${title} (2027)` });
    expect(renamed.json().slug).toBe(titled.json().slug);
  });

  it("ranks a match in the title above one in the body, and understands phrases and exclusions", async () => {
    const cat = await category();
    const term = word();
    const inBody = await article(cat.id, {
      title: "Shipping times",
      bodyHtml: `<p>Parcels usually arrive in three days. If a ${term} is missing, tell us.</p>`,
    });
    const inTitle = await article(cat.id, {
      title: `Where is my ${term}?`,
      summary: `Tracking a ${term}`,
      bodyHtml: `<p>Use the tracking link from your ${term} confirmation.</p>`,
    });
    await publish(inBody.id);
    await publish(inTitle.id);
    const res = await t.app.inject({ method: "GET", url: `/api/v1/help/search?q=${term}` });
    expect(res.json().items.map((i: { url: string }) => i.url)).toEqual([
      `/help/articles/${inTitle.slug}`,
      `/help/articles/${inBody.slug}`,
    ]);
    const prefix = await t.app.inject({ method: "GET", url: `/api/v1/help/search?q=${term.slice(0, 6)}` });
    expect(prefix.json().items).toHaveLength(2);
    const excluded = await t.app.inject({ method: "GET", url: `/api/v1/help/search?q=${term}%20-tracking` });
    expect(excluded.json().items.map((i: { url: string }) => i.url)).toEqual([`/help/articles/${inBody.slug}`]);
    const phrase = await t.app.inject({
      method: "GET",
      url: `/api/v1/help/search?q=${encodeURIComponent(`"${term} is missing"`)}`,
    });
    expect(phrase.json().items).toHaveLength(1);
    const odd = await t.app.inject({
      method: "GET",
      url: `/api/v1/help/search?q=${encodeURIComponent("'&|!:*() <->")}`,
    });
    expect(odd.statusCode).toBe(200);
    expect(odd.json().items).toEqual([]);
  });

  it("serves pages readable without JavaScript, with titles, descriptions, canonical addresses and a sitemap", async () => {
    const cat = await category();
    const term = word();
    const a = await article(cat.id, {
      title: `Reset the ${term} password`,
      summary: "Three steps to a new password.",
      bodyHtml: `<p>Go to <a href="https://example.com/x" onclick="steal()">sign in</a>.</p><script>alert(1)</script><img src="javascript:alert(1)" onerror="x()"><img src="https://cdn.example.com/a.png" alt="Sign-in screen">`,
    });
    await publish(a.id);
    const page = await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` });
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(page.body).toMatch(new RegExp(`<title>Reset the ${term} password · `));
    expect(page.body).toContain('<meta name="description" content="Three steps to a new password.">');
    expect(page.body).toContain(`<link rel="canonical" href="http://localhost:3000/help/articles/${a.slug}">`);
    expect(page.body).toContain('<img src="https://cdn.example.com/a.png" alt="Sign-in screen" />');
    expect(page.body).not.toMatch(/<script|onclick|onerror|javascript:/);

    const search = await t.app.inject({ method: "GET", url: `/help/search?q=${term}` });
    expect(search.body).toContain(`href="/help/articles/${a.slug}"`);
    expect(search.body).not.toContain("<script");
    const home = await t.app.inject({ method: "GET", url: "/help" });
    expect(home.body).toContain(`href="${cat.url}"`);
    expect((await t.app.inject({ method: "GET", url: cat.url })).body).toContain(`Reset the ${term} password`);
    const sitemap = await t.app.inject({ method: "GET", url: "/help/sitemap.xml" });
    expect(sitemap.headers["content-type"]).toMatch(/application\/xml/);
    expect(sitemap.body).toContain(`<loc>http://localhost:3000/help/articles/${a.slug}</loc>`);
    expect(sitemap.body).toContain(`<loc>http://localhost:3000${cat.url}</loc>`);
  });

  it("counts views, feedback and deflection: searched, read, did not contact support within a day", async () => {
    const since = new Date(Date.now() - 60_000);
    const statsActor = await loadActor(t.app.ctx.db, supervisor.user.id, null);
    if (!statsActor) throw new Error("supervisor inactive");
    const before = await kbStats(
      t.app.ctx,
      statsActor,
      { from: since, to: new Date(Date.now() + 60_000) },
      new Date(Date.now() + 25 * 3_600_000),
    );
    const cat = await category();
    const term = word();
    const a = await article(cat.id, { title: `Cancel ${term}`, bodyHtml: `<p>Cancel ${term} from your account.</p>` });
    await publish(a.id);

    const journey = async (contact: boolean) => {
      const first = await t.app.inject({ method: "GET", url: `/help/search?q=${term}` });
      const cookie = cookieOf(first);
      expect(cookie).toMatch(/^[0-9a-f-]{36}$/);
      const cookies = { extramile_help: cookie };
      await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}`, cookies });
      if (contact) {
        const go = await t.app.inject({ method: "GET", url: "/help/contact", cookies });
        expect(go.statusCode).toBe(303);
        expect(go.headers.location).toBe("/form");
      }
      return cookies;
    };
    const helped = await journey(false);
    await journey(true);
    await t.app.inject({ method: "GET", url: `/help/articles/${a.slug}` });

    const feedback = await t.app.inject({
      method: "POST",
      url: `/help/articles/${a.slug}/feedback`,
      cookies: helped,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "helpful=yes",
    });
    expect(feedback.statusCode).toBe(303);
    expect(feedback.headers.location).toBe(`/help/articles/${a.slug}?feedback=thanks`);
    await t.app.inject({
      method: "POST",
      url: `/help/articles/${a.slug}/feedback`,
      cookies: helped,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "helpful=no",
    });
    const summary = (await agent.call({ method: "GET", url: `/api/v1/kb/articles/${a.id}` })).json();
    expect(summary).toMatchObject({ views: 3, helpful: 0, notHelpful: 1 });

    const actor = await loadActor(t.app.ctx.db, supervisor.user.id, null);
    if (!actor) throw new Error("supervisor inactive");
    const dayLater = new Date(Date.now() + 25 * 3_600_000);
    const window = { from: since, to: new Date() };
    const now = await kbStats(t.app.ctx, actor, window);
    const later = await kbStats(t.app.ctx, actor, window, dayLater);
    const delta = (k: "visits" | "searches" | "articleViews" | "deflections" | "contactedAfterReading") =>
      later[k] - before[k];
    expect(now.deflections).toBe(before.deflections);
    expect(now.contactedAfterReading - before.contactedAfterReading).toBe(1);
    expect({
      visits: delta("visits"),
      searches: delta("searches"),
      articleViews: delta("articleViews"),
      deflections: delta("deflections"),
      contactedAfterReading: delta("contactedAfterReading"),
    }).toEqual({ visits: 3, searches: 2, articleViews: 3, deflections: 1, contactedAfterReading: 1 });
    expect(later.topArticles).toContainEqual({ id: a.id, title: `Cancel ${term}`, views: 3 });
    expect((await agent.call({ method: "GET", url: "/api/v1/kb/stats" })).statusCode).toBe(403);
  });

  it("makes a draft from a solved case, and lets only writers write", async () => {
    const cat = await category();
    const c = await makeCase(t.app, agent.user.id, {
      subject: "How do I export invoices?",
      description: { body: "I need my invoices as PDF.", format: "text" },
    });
    const early = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/kb-article`,
      payload: { categoryId: cat.id },
    });
    expect(early.statusCode).toBe(422);
    const agentActor = await loadActor(t.app.ctx.db, agent.user.id, null);
    if (!agentActor) throw new Error("agent inactive");
    await addMessage(t.app.ctx, agentActor, c.id, {
      kind: "reply",
      body: "Billing › Invoices › Export as PDF.",
      format: "text",
      attachmentIds: [],
    });
    const current = (await agent.call({ method: "GET", url: `/api/v1/cases/${c.id}` })).json();
    await updateCase(t.app.ctx, SYSTEM, c.id, current.version, { status: "solved" });
    const res = await agent.call({
      method: "POST",
      url: `/api/v1/cases/${c.id}/kb-article`,
      payload: { categoryId: cat.id },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      title: "How do I export invoices?",
      state: "draft",
      sourceCaseId: c.id,
      draft: { bodyHtml: expect.stringContaining("Export as PDF") },
    });
    expect(res.json().draft.bodyHtml).toContain("I need my invoices as PDF.");

    const denied = await employee.call({
      method: "POST",
      url: "/api/v1/kb/articles",
      payload: { categoryId: cat.id, title: "x" },
    });
    expect(denied.statusCode).toBe(403);
    const bad = await agent.call({
      method: "POST",
      url: "/api/v1/kb/articles",
      payload: { categoryId: cat.id, title: "x", slug: "Not A Slug" },
    });
    expect(bad.json().error.field).toBe("slug");
    const empty = await article(cat.id, { title: "Empty", bodyHtml: "" });
    const refused = await agent.call({ method: "POST", url: `/api/v1/kb/articles/${empty.id}/publish` });
    expect(refused.json().error.field).toBe("bodyHtml");
  });
});
