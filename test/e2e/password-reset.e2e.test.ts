import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOutbound, dueOutbound } from "../../src/server/domains/email/outbound.service";
import { makeUser } from "../factories";
import { outboundMailTo, type SmtpSink, startSmtpSink } from "../mail";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

/** An employee who forgot their password gets a link by real SMTP and sets a new one in Chromium. */
describe("password reset in the browser", () => {
  let served: ServedApp;
  let sink: SmtpSink;
  let browser: Browser;
  let page: Page;
  let email = "";

  beforeAll(async () => {
    ensureWebBundle();
    sink = await startSmtpSink();
    served = await startServedApp({
      ...outboundMailTo(sink.port, "desk@reset.test"),
    });
    served.app.ctx.config.publicUrl = served.base;
    email = (await makeUser(served.app, { role: "employee", password: "forgotten passphrase" })).user.email;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await sink?.close();
  });

  it("asks for a link from the sign-in page, follows it from the mail, and signs in with the new password", async () => {
    await page.goto(`${served.base}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("textbox", { name: "Email" }).fill(email);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await page.getByRole("status").getByText("we emailed it a link").waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    for (const id of await dueOutbound(served.app.ctx, 10)) await deliverOutbound(served.app.ctx, id);
    const mail = sink.received.find((m) => m.envelope.to.includes(email));
    const link = /http:\/\/127\.0\.0\.1:\d+\/reset-password\?token=\S+/.exec(mail?.parsed.text ?? "")?.[0];
    expect(link).toBeDefined();

    await page.goto(link ?? "");
    await page.getByLabel(/^New password/).fill("remembered passphrase");
    await page.getByLabel("Repeat the new password").fill("remembered passphrase!");
    await page.getByText("The two passwords differ").waitFor();
    await page.getByLabel("Repeat the new password").fill("remembered passphrase");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("Your new password is set").waitFor();

    await signIn(page, served.base, email, "remembered passphrase");

    await page.context().clearCookies();
    await page.goto(link ?? "");
    await page.getByLabel(/^New password/).fill("a third passphrase");
    await page.getByLabel("Repeat the new password").fill("a third passphrase");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("alert").getByText("invalid, used or expired").waitFor();
  });
});
