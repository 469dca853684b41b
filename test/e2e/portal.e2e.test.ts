import { sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateWebformSettings } from "../../src/server/domains/webform/webform.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { makeTeam, makeUser, type TestUser, uniq } from "../factories";
import { makeDesk, outboundMailTo, type SmtpSink, startSmtpSink } from "../mail";
import { magicTokenFor, sendDueMail } from "../portal";
import { type ServedApp, startServedApp } from "./served-app";
import { docScreenshot, ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";
/** Markup a customer might type: it must show as text everywhere and never run. */
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`;

const noScriptRan = async (page: Page) => expect(await page.evaluate(() => "__xss" in window)).toBe(false);

describe("web form and customer portal", () => {
  let served: ServedApp;
  let sink: SmtpSink;
  let browser: Browser;
  let agent: TestUser;
  const email = `${uniq("carla")}@customer.test`;
  const subject = `Kettle will not boil ${uniq("")} ${XSS}`;
  let caseId = "";
  const dialogs: string[] = [];

  beforeAll(async () => {
    ensureWebBundle();
    sink = await startSmtpSink();
    served = await startServedApp({
      ...outboundMailTo(sink.port, "desk@portal-e2e.test"),
    });
    await makeDesk(served.app);
    agent = await makeUser(served.app, { role: "agent", password: PASSWORD, name: "Alice Agent" });
    const team = await makeTeam(served.app, { leadId: agent.user.id, memberIds: [agent.user.id] });
    await updateWebformSettings(served.app.ctx, SYSTEM, { teamId: team.id });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await sink?.close();
  });

  it("submits the hosted web form on a phone-sized screen", async () => {
    /* The form's Content-Security-Policy forbids inline script, so axe is injected with it bypassed. */
    const page = await browser.newPage({ viewport: { width: 375, height: 812 }, bypassCSP: true });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${served.base}/form`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel("Your name").fill(`Carla ${XSS}`);
    await page.getByLabel("Your email address").fill(email);
    await page.getByLabel("Subject").fill(subject);
    await page.getByLabel("How can we help?").fill(`It hums but never boils. ${XSS}`);
    await page.setInputFiles("#files", { name: "kettle.txt", mimeType: "text/plain", buffer: Buffer.from("model K1") });
    await docScreenshot(page, "web-form", { fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(/\/form\/sent/);
    await page.getByRole("heading", { name: "Request received" }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await noScriptRan(page);
    const row = await served.app.ctx.db.execute<{ id: string }>(
      sql`SELECT c.id FROM cases c JOIN contact_emails e ON e.contact_id = c.requester_id WHERE e.email = ${email}`,
    );
    caseId = row.rows[0]?.id ?? "";
    expect(caseId).not.toBe("");
    await page.close();
  });

  it("shows the case in the workspace without running the customer's markup; the agent replies and notes", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, served.base, agent.user.email, PASSWORD);
    await page.goto(`${served.base}/cases/${caseId}`);
    await page.getByRole("heading", { level: 1, name: subject }).waitFor();
    await page.getByText("It hums but never boils.", { exact: false }).first().waitFor();
    await noScriptRan(page);
    for (const [kind, body] of [
      ["reply", "Please descale it and tell us how it goes."],
      ["note", "INTERNAL: third kettle this month"],
    ]) {
      const res = await agent.call({
        method: "POST",
        url: `/api/v1/cases/${caseId}/messages`,
        payload: { kind, body },
      });
      expect(res.statusCode).toBe(201);
    }
    await page.close();
  });

  it("signs the customer in by the emailed link; they see the reply (not the note), answer and mark it solved", async () => {
    await sendDueMail(served.app);
    const ack = sink.received.find((m) => m.envelope.to.includes(email) && m.parsed.subject?.includes("We received"));
    expect(ack?.parsed.text).toContain(`/portal/cases/${caseId}`);

    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${served.base}/portal/cases/${caseId}`);
    await page.waitForURL(/\/portal\/sign-in/);
    await page.getByRole("textbox", { name: "Your email address" }).fill(email);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "portal-sign-in", { fullPage: true });
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByText("Check your email").waitFor();
    await sendDueMail(served.app);
    const token = magicTokenFor(sink, email);
    expect(token).toBeTruthy();

    await page.goto(`${served.base}/portal/sign-in#token=${encodeURIComponent(token ?? "")}`);
    await page.getByRole("button", { name: "Continue to my requests" }).click();
    await page.waitForURL(new RegExp(`/portal/cases/${caseId}`));
    await page.getByText("Please descale it and tell us how it goes.").waitFor();
    expect(await page.getByText("INTERNAL").count()).toBe(0);
    await page.getByRole("heading", { level: 1, name: subject }).waitFor();
    await noScriptRan(page);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await docScreenshot(page, "portal-case", { fullPage: true });

    await page.getByRole("textbox", { name: "Your reply" }).fill("Descaled it, works now. Thank you!");
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.getByText("Descaled it, works now. Thank you!").waitFor();
    await page.getByRole("button", { name: "Mark as solved" }).click();
    await page.getByText("Solved", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Reopen" }).waitFor();

    await page.getByRole("link", { name: "← Your requests" }).click();
    await page.getByRole("heading", { name: "Your requests" }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "portal-cases", { fullPage: true });
    await noScriptRan(page);
    expect(dialogs).toEqual([]);

    const status = await served.app.ctx.db.execute<{ status: string }>(
      sql`SELECT status FROM cases WHERE id = ${caseId}`,
    );
    expect(status.rows[0]?.status).toBe("solved");
    await page.close();
  });
});
