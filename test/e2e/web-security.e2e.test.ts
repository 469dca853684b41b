import { sql } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSupportAddress } from "../../src/server/domains/email/email.service";
import { processInbound, receiveInbound } from "../../src/server/domains/email/inbound.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { PORTAL_COOKIE } from "../../src/server/platform/http";
import { sha256 } from "../../src/server/platform/secrets";
import { makeTeam, makeUser, uniq } from "../factories";
import { compose } from "../mail";
import { makeContact } from "../portal";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";

/** Mail whose HTML tries to cover the page: a fixed full-screen overlay, huge negative margins, a huge table. */
const HOSTILE_HTML = `<p>Please see the offer below.</p>
<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;z-index:2147483647;background-color:#ff0000">OVERLAY</div>
<div style="margin:-5000px 0 0 -5000px;background-color:#00ff00">PULLED</div>
<p style="margin-top:-9999px;text-indent:-9999px">INDENTED</p>
<table width="6000" style="width:6000px;height:3000px;background-color:#0000ff"><tr><td>WIDE</td></tr></table>`;

/**
 * In Chromium: every page of the workspace and the portal loads under the Content-Security-Policy without a
 * violation or a console error, and customer HTML stays inside its message card.
 */
describe("web security in the browser", () => {
  let served: ServedApp;
  let browser: Browser;
  let caseId = "";
  let agentEmail = "";
  let portalCookie = "";

  beforeAll(async () => {
    ensureWebBundle();
    served = await startServedApp();
    const app = served.app;
    const agent = await makeUser(app, { role: "admin", password: PASSWORD });
    agentEmail = agent.user.email;
    const team = await makeTeam(app, { leadId: agent.user.id, memberIds: [agent.user.id] });
    const address = `help@${uniq("websec")}.test`;
    await createSupportAddress(app.ctx, SYSTEM, {
      address,
      name: "Help",
      teamId: team.id,
      executiveUserId: null,
      autoAcknowledge: false,
      active: true,
    });
    const customer = await makeContact(app);
    const raw = await compose({ from: customer.email, to: address, subject: "Special offer", html: HOSTILE_HTML });
    const { id } = await receiveInbound(app.ctx, {
      source: "smtp",
      raw,
      envelope: { mailFrom: customer.email, rcptTo: [address], remoteAddress: null, heloName: null },
    });
    const outcome = await processInbound(app.ctx, id);
    if (outcome.status !== "parsed") throw new Error(`not filed: ${JSON.stringify(outcome)}`);
    caseId = outcome.caseId;
    portalCookie = uniq("portal-session");
    // a signed-in portal session of the requester, as the emailed link would create
    await app.ctx.db.execute(sql`
      INSERT INTO portal_sessions (token_hash, contact_id, csrf_token, expires_at)
      VALUES (${sha256(portalCookie)}, ${customer.id}, ${uniq("csrf")}, now() + interval '1 day')`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  /**
   * A page that records CSP violations (reported by the page itself), console errors, uncaught errors and
   * failed answers. Chromium also logs "Failed to load resource" for every 4xx; those are judged by their answer
   * instead: the one expected is the case page asking whether a case is on the executive line (404 when not).
   */
  const EXPECTED_MISSES = [/^404 \/api\/v1\/executive\/cases\/[0-9a-f-]{36}$/];
  const watchedPage = async (context: BrowserContext): Promise<{ page: Page; problems: string[] }> => {
    const problems: string[] = [];
    await context.exposeFunction("__reportViolation", (text: string) => problems.push(text));
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        (window as unknown as { __reportViolation: (t: string) => void }).__reportViolation(
          `CSP ${e.violatedDirective}: ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
        );
      });
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
        problems.push(`console on ${new URL(page.url()).pathname}: ${m.text().slice(0, 160)}`);
      }
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("response", (r) => {
      const answer = `${r.status()} ${new URL(r.url()).pathname}`;
      if (r.status() >= 400 && !EXPECTED_MISSES.some((e) => e.test(answer))) problems.push(answer);
    });
    return { page, problems };
  };

  it("loads the workspace's main pages without a CSP violation or console error", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, problems } = await watchedPage(context);
    await signIn(page, served.base, agentEmail, PASSWORD);
    const pages = [
      "/inbox",
      `/cases/${caseId}`,
      "/search?q=offer",
      "/contacts",
      "/organizations",
      "/knowledge",
      "/sla/breaching",
      "/cracks",
      "/admin/users",
      "/admin/customer-pages",
      "/admin/sla",
      "/admin/audit",
      "/settings/api-tokens",
    ];
    for (const path of pages) {
      await page.goto(`${served.base}${path}`);
      await page.locator("main").first().waitFor();
      await page.waitForLoadState("networkidle");
    }
    await page.goto(`${served.base}/cases/${caseId}`);
    await page.getByRole("heading", { level: 1, name: "Special offer" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("loads the portal, the help center and the web form without a CSP violation or console error", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.addCookies([{ name: PORTAL_COOKIE, value: portalCookie, url: served.base }]);
    const { page, problems } = await watchedPage(context);
    await page.goto(`${served.base}/portal`);
    await page.getByText("Special offer").first().waitFor();
    await page.getByText("Special offer").first().click();
    await page.waitForURL(new RegExp(`/portal/cases/${caseId}`));
    await page.getByText("Please see the offer below.").first().waitFor();
    await page.waitForLoadState("networkidle");
    for (const path of ["/help", "/form"]) {
      await page.goto(`${served.base}${path}`);
      await page.waitForLoadState("networkidle");
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it("keeps a mail's fixed overlay and negative margins inside its message card", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, served.base, agentEmail, PASSWORD);
    await page.goto(`${served.base}/cases/${caseId}`);
    const thread = page.getByRole("list", { name: "Conversation" });
    await thread.getByText("OVERLAY").waitFor();
    const measured = await page.evaluate(() => {
      const body = document.querySelector(".message-body");
      const card = body?.closest(".message");
      if (!body || !card) throw new Error("no message card");
      const box = card.getBoundingClientRect();
      const markers = ["OVERLAY", "PULLED", "INDENTED"].map((text) => {
        const el = [...body.querySelectorAll("div, p")].find((e) => e.textContent?.trim() === text);
        const r = el?.getBoundingClientRect();
        return { text, top: r?.top ?? Number.NaN, left: r?.left ?? Number.NaN };
      });
      // what is drawn where: every point of the viewport outside the card must show something other than the mail
      const outside: string[] = [];
      for (let x = 5; x < window.innerWidth; x += 40) {
        for (let y = 5; y < window.innerHeight; y += 40) {
          const inCard = x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
          const hit = document.elementFromPoint(x, y);
          if (!inCard && hit && body.contains(hit)) outside.push(`${x},${y}`);
        }
      }
      return {
        card: { top: box.top, left: box.left, right: box.right, bottom: box.bottom },
        bodyWidth: body.getBoundingClientRect().width,
        markers,
        outside,
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
      };
    });
    expect(measured.outside).toEqual([]);
    // nothing starts above or left of the card; what is wider (width:100vw, the table) scrolls inside it
    for (const m of measured.markers) {
      expect({ m, top: m.top >= measured.card.top, left: m.left >= measured.card.left }).toMatchObject({
        top: true,
        left: true,
      });
    }
    expect(measured.bodyWidth).toBeLessThanOrEqual(measured.card.right - measured.card.left);
    expect(measured.pageWidth).toBeLessThanOrEqual(measured.viewport);
    // the table wider than the card can be scrolled to inside the card, not cut off
    const scroll = await page.evaluate(() => {
      const body = document.querySelector(".message-body") as HTMLElement;
      body.scrollLeft = 100_000;
      return { wider: body.scrollWidth > body.clientWidth, scrolled: body.scrollLeft > 0 };
    });
    expect(scroll).toEqual({ wider: true, scrolled: true });
    // should a fixed overlay ever get past the sanitizer, the containment still keeps it in the card
    const escaped = await page.evaluate(() => {
      const body = document.querySelector(".message-body") as HTMLElement;
      const card = (body.closest(".message") as HTMLElement).getBoundingClientRect();
      const overlay = document.createElement("div");
      Object.assign(overlay.style, { position: "fixed", inset: "0", zIndex: "2147483647", background: "red" });
      body.append(overlay);
      const corners = [
        [2, 2],
        [window.innerWidth - 2, 2],
        [2, window.innerHeight - 2],
        [window.innerWidth - 2, window.innerHeight - 2],
      ].filter(([x = 0, y = 0]) => x < card.left || x > card.right || y < card.top || y > card.bottom);
      const hits = corners.filter(([x = 0, y = 0]) => document.elementFromPoint(x, y) === overlay);
      overlay.remove();
      return { corners: corners.length, hits: hits.length };
    });
    expect(escaped.corners).toBeGreaterThan(0);
    expect(escaped.hits).toBe(0);
    // the case's own heading is still what a click there reaches (nothing drawn over it)
    await page.getByRole("heading", { level: 1, name: "Special offer" }).click({ trial: true });
    await context.close();
  });
});
