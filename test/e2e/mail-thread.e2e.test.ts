import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSupportAddress } from "../../src/server/domains/email/email.service";
import { processInbound, receiveInbound } from "../../src/server/domains/email/inbound.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { makeTeam, makeUser, uniq } from "../factories";
import { compose } from "../mail";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";

/**
 * Mail on the case page in real Chromium: a reply that cannot be emailed says so before and after sending and
 * shows as not sent on the thread; a customer's quoted history is there, collapsed.
 */
describe("mail on the case thread", () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  let caseId = "";

  beforeAll(async () => {
    ensureWebBundle();
    // the test configuration has no outbound SMTP server: replies cannot be emailed
    served = await startServedApp();
    const app = served.app;
    const agent = await makeUser(app, { role: "agent", password: PASSWORD });
    const team = await makeTeam(app, { leadId: agent.user.id, memberIds: [agent.user.id] });
    const address = `help@${uniq("mailthread")}.test`;
    await createSupportAddress(app.ctx, SYSTEM, {
      address,
      name: "Help",
      teamId: team.id,
      executiveUserId: null,
      autoAcknowledge: false,
      active: true,
    });
    const raw = await compose({
      from: `"Nora Customer" <${uniq("nora")}@customer.test>`,
      to: address,
      subject: "Kettle stopped working",
      text: "It still does not heat.\n\nOn Mon, 23 Nov 2026, Help wrote:\n> Did you try another socket?",
    });
    const { id } = await receiveInbound(app.ctx, {
      source: "smtp",
      raw,
      envelope: { mailFrom: "nora@customer.test", rcptTo: [address], remoteAddress: null, heloName: null },
    });
    const outcome = await processInbound(app.ctx, id);
    if (outcome.status !== "parsed") throw new Error(`not filed: ${JSON.stringify(outcome)}`);
    caseId = outcome.caseId;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signIn(page, served.base, agent.user.email, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("shows the customer's quoted history collapsed", async () => {
    await page.goto(`${served.base}/cases/${caseId}`);
    const thread = page.getByRole("list", { name: "Conversation" });
    await thread.getByText("It still does not heat.").waitFor();
    const quoted = thread.getByText("Did you try another socket?");
    expect(await quoted.isVisible()).toBe(false);
    await thread.getByText("Show quoted text").click();
    await quoted.waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it("says before and after sending that a reply will not be emailed, and marks it not sent", async () => {
    const warning = page.getByText("This reply will not be emailed");
    await warning.waitFor();
    await page
      .getByText(/outbound mail is not configured/)
      .first()
      .waitFor();
    await page.getByTestId("composer-editor").click();
    await page.keyboard.type("Please bring it to the shop.");
    await page.getByRole("button", { name: "Send reply" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Reply saved but not sent" });
    await alert.waitFor();
    const thread = page.getByRole("list", { name: "Conversation" });
    const sent = thread.locator("li.message").filter({ hasText: "Please bring it to the shop." });
    await sent.getByText(/Not sent: outbound mail is not configured/).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
