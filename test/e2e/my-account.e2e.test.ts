import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "../factories";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

/** An employee edits their own account from the user menu; a password change signs out their other browser. */
describe("my account in the browser", () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  let elsewhere: Page;
  let email = "";

  beforeAll(async () => {
    ensureWebBundle();
    served = await startServedApp();
    email = (await makeUser(served.app, { role: "agent", password: "first passphrase", name: "Robin Agent" })).user
      .email;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    elsewhere = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("renames, then changes the password with the current one; the other browser is signed out", async () => {
    await signIn(elsewhere, served.base, email, "first passphrase");
    await signIn(page, served.base, email, "first passphrase");
    await page.getByRole("button", { name: /Account menu for Robin Agent/ }).click();
    await page.getByRole("menuitem", { name: "My account" }).click();
    await page.getByRole("heading", { name: "My account" }).waitFor();

    await page.getByRole("textbox", { name: "Name" }).fill("Robin Q. Agent");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Your account is saved.").waitFor();
    await page.getByRole("button", { name: /Account menu for Robin Q\. Agent/ }).waitFor();

    const form = page.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill("not my password");
    await form.getByLabel(/^New password/).fill("second passphrase");
    await form.getByLabel("Repeat the new password").fill("second passphrase");
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("That is not your current password").waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await form.getByLabel("Current password").fill("first passphrase");
    await form.getByRole("button", { name: "Change password" }).click();
    await page.getByText("Your other sessions are signed out").waitFor();

    await page.reload();
    await page.getByRole("heading", { name: "My account" }).waitFor();
    await elsewhere.reload();
    await elsewhere.waitForURL(/\/login/);
    await signIn(elsewhere, served.base, email, "second passphrase");
  });
});
