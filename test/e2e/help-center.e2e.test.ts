import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csatSurveys } from "../../src/server/db/schema/index";
import { updateCase } from "../../src/server/domains/cases/cases.service";
import { deliverOutbound, dueOutbound } from "../../src/server/domains/email/outbound.service";
import {
  createKbArticle,
  createKbCategory,
  publishKbArticle,
} from "../../src/server/domains/knowledge/knowledge.service";
import { createOrganization } from "../../src/server/domains/organizations/organizations.service";
import { sendCsatSurvey } from "../../src/server/domains/surveys/surveys.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { makeCase, makeUser } from "../factories";
import { outboundMailTo, type SmtpSink, startSmtpSink } from "../mail";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, screenshot, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";
const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join("");

/** The page fits a phone: nothing wider than the viewport. */
const fitsWidth = async (page: Page) =>
  await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe("help center and satisfaction surveys in the browser", () => {
  let served: ServedApp;
  let sink: SmtpSink;
  let browser: Browser;
  const term = `glimmer${letters(6)}`;
  const title = `Pair your ${term} headset`;

  beforeAll(async () => {
    ensureWebBundle();
    sink = await startSmtpSink();
    served = await startServedApp({
      ...outboundMailTo(sink.port, "care@e2e.example"),
    });
    const app = served.app;
    const category = await createKbCategory(app.ctx, SYSTEM, {
      name: `Headsets ${letters(4)}`,
      description: "Pairing, charging and sound.",
      position: 0,
    });
    const article = await createKbArticle(app.ctx, SYSTEM, {
      categoryId: category.id,
      title,
      summary: "Bluetooth pairing in three steps.",
      bodyHtml: `<p>Hold the power button of the ${term} for five seconds.</p><h2>Still not paired?</h2><p>Reset it.</p>`,
    });
    await publishKbArticle(app.ctx, SYSTEM, article.id);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await sink?.close();
  });

  it("finds an article with JavaScript disabled, on a phone", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${served.base}/help`);
    await expect(page.title()).resolves.toMatch(/^Help center · /);
    await page.getByRole("searchbox", { name: "Search the help center" }).fill(`${term} pairing`);
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/\/help\/search\?q=/);
    await page.getByRole("link", { name: title }).click();
    await page.waitForURL(/\/help\/articles\//);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
    await page.getByRole("button", { name: "Yes" }).click();
    await page.waitForURL(/feedback=thanks/);
    expect(await page.getByRole("status").textContent()).toContain("Thank you");
    await screenshot(page, "help-center-no-js-phone");
    await context.close();

    const checked = await browser.newContext({ viewport: { width: 375, height: 740 }, bypassCSP: true });
    const a11y = await checked.newPage();
    for (const path of ["/help", `/help/search?q=${term}`, new URL(page.url()).pathname]) {
      await a11y.goto(`${served.base}${path}`);
      expect(await seriousA11yViolations(a11y)).toEqual([]);
      expect(await fitsWidth(a11y)).toBe(true);
    }
    await checked.close();
  });

  it("answers a CSAT link with a bad rating, and the account owner finds the recovery case in the workspace", async () => {
    const app = served.app;
    const owner = await makeUser(app, { role: "agent", password: PASSWORD, name: `Rosa Recovery ${letters(4)}` });
    const agent = await makeUser(app, { role: "agent" });
    const org = await createOrganization(app.ctx, SYSTEM, {
      name: `Brightline ${letters(4)}`,
      domains: [],
      accountOwnerId: owner.user.id,
      notes: "",
    });
    const email = `${letters(8)}@brightline.example`;
    const c = await makeCase(app, agent.user.id, {
      subject: `Headset crackles ${letters(4)}`,
      requester: { email, name: "Bruno Buyer" },
      organizationId: org.id,
    });
    await updateCase(app.ctx, SYSTEM, c.id, c.version, { status: "solved" });
    await app.ctx.events.drain();
    const [survey] = await app.ctx.db.select().from(csatSurveys).where(eq(csatSurveys.caseId, c.id));
    expect(await sendCsatSurvey(app.ctx, survey?.id ?? "", new Date(Date.now() + 25 * 3_600_000))).toBe(true);
    for (const id of await dueOutbound(app.ctx, 100)) await deliverOutbound(app.ctx, id);
    const mail = sink.received.find((m) => m.envelope.to.includes(email));
    const link = /https?:\/\/\S+\/surveys\/csat\/\S+\?rating=bad/.exec(mail?.parsed.text ?? "")?.[0];
    expect(link).toBeTruthy();

    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${served.base}${new URL(link ?? "").pathname}${new URL(link ?? "").search}`);
    expect(await page.getByRole("radio", { name: /Bad/ }).isChecked()).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole("textbox", { name: /Anything you would like to add/ }).fill("It still crackles");
    await page.getByRole("button", { name: "Send my answer" }).click();
    await page.getByText("Your answer has been recorded").waitFor();
    await context.close();
    await app.ctx.events.drain();

    const workspace = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const desk = await workspace.newPage();
    await signIn(desk, served.base, owner.user.email, PASSWORD);
    const recovery = desk.getByText(/Service recovery: Bruno Buyer rated case/).first();
    await recovery.waitFor();
    const [answered] = await app.ctx.db.select().from(csatSurveys).where(eq(csatSurveys.caseId, c.id));
    expect(answered).toMatchObject({ rating: "bad", comment: "It still crackles" });
    await desk.goto(`${served.base}/cases/${answered?.recoveryCaseId}`);
    await desk.getByRole("heading", { name: /Service recovery: Bruno Buyer/ }).waitFor();
    await desk.goto(`${served.base}/cases/${c.id}`);
    await desk.getByRole("group", { name: "Satisfaction survey" }).getByText("Bad").waitFor();
    await screenshot(desk, "recovery-case");
    await workspace.close();
  });

  it("an agent finds the article from the reply composer and the customer gets its public link", async () => {
    const app = served.app;
    const agent = await makeUser(app, { role: "agent", password: PASSWORD });
    const c = await makeCase(app, agent.user.id, { subject: `Headset will not pair ${letters(4)}` });
    const workspace = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const desk = await workspace.newPage();
    await signIn(desk, served.base, agent.user.email, PASSWORD);
    await desk.goto(`${served.base}/cases/${c.id}`);
    await desk.getByTestId("composer-editor").click();
    await desk.keyboard.type("This should help: ");
    await desk.getByRole("button", { name: "Insert a help-center article" }).click();
    await desk.getByRole("textbox", { name: "Find an article" }).fill(term);
    await desk
      .getByRole("list", { name: "Articles" })
      .getByRole("button", { name: new RegExp(title) })
      .click();
    // scan the page the agent goes on with, not the picker while its closing transition still runs
    await desk.getByRole("dialog").waitFor({ state: "detached" });
    expect(await seriousA11yViolations(desk)).toEqual([]);
    await desk.getByRole("button", { name: "Send reply" }).click();
    const link = desk.getByRole("list", { name: "Conversation" }).getByRole("link", { name: title });
    await link.waitFor();
    expect(await link.getAttribute("href")).toMatch(new RegExp(`^${served.base}/help/articles/[a-z0-9-]+$`));
    await workspace.close();
  });
});
