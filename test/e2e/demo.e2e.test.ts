import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../src/server/seed/demo";
import { startIsolatedTestApp, type TestApp } from "../app";
import { ensureWebBundle, launchChromium, screenshot, seriousA11yViolations, signIn } from "./web-harness";

/**
 * The demo company from `npm run seed-demo`, loaded into a database of its own and looked at the way
 * a new user does after reading the README: the screenshots the README shows come from this test.
 */
describe("the demo company", () => {
  let t: TestApp;
  let base = "";
  let browser: Browser;
  let page: Page;
  let summary = "";

  beforeAll(async () => {
    ensureWebBundle();
    t = await startIsolatedTestApp();
    summary = await seedDemo(t.app.ctx);
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("seeds 300 cases and refuses to seed twice", async () => {
    expect(summary).toMatch(/Demo company loaded: .* [0-9]{3} cases\./);
    await expect(seedDemo(t.app.ctx)).rejects.toThrow(/without cases/);
  });

  it("signs Dana in to a full inbox and opens a case with its thread", async () => {
    await signIn(page, base, "dana@demo.extramile.test", "extramile-demo");
    const inbox = page.getByRole("table", { name: "My open cases" });
    await inbox.waitFor();
    expect(await inbox.getByRole("row").count()).toBeGreaterThan(3);
    const subject = inbox.getByRole("row").nth(1).getByRole("cell").nth(1);
    expect(await subject.evaluate((cell) => cell.getBoundingClientRect().width)).toBeGreaterThan(200);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "demo-inbox");

    await inbox.getByRole("row").nth(1).getByRole("link").first().click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const thread = page.getByRole("list", { name: "Conversation" });
    await thread.getByRole("listitem").first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "demo-case");
  });
});
