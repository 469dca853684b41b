import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContact, getContact } from "../../src/server/domains/contacts/contacts.service";
import { createKbArticle, createKbCategory, getKbArticle } from "../../src/server/domains/knowledge/knowledge.service";
import { loadActor } from "../../src/server/domains/users/users.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { makeUser, type TestUser } from "../factories";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, screenshot, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";
const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join("");

/**
 * Two tabs edit the same object: the one that saves second is told so and keeps what it typed, instead of silently
 * overwriting the first (or being overwritten).
 */
describe("edit conflicts in the browser", () => {
  let served: ServedApp;
  let browser: Browser;
  let context: BrowserContext;
  let agent: TestUser;

  beforeAll(async () => {
    ensureWebBundle();
    served = await startServedApp();
    agent = await makeUser(served.app, { role: "agent", password: PASSWORD });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await signIn(await context.newPage(), served.base, agent.user.email, PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  const actor = async () => {
    const a = await loadActor(served.app.ctx.db, agent.user.id, null);
    if (!a) throw new Error("agent not active");
    return a;
  };

  const tab = async (path: string): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(`${served.base}${path}`);
    return page;
  };

  it("a contact saved in another tab first: the conflict is shown, and keep my draft saves mine", async () => {
    const contact = await createContact(served.app.ctx, SYSTEM, {
      name: `Pat ${letters(5)}`,
      emails: [`pat-${letters(8)}@customer.test`],
      phones: [],
    });
    const mine = await tab(`/contacts/${contact.id}`);
    await mine.getByRole("button", { name: "Edit" }).click();
    const myDialog = mine.getByRole("dialog");
    await myDialog.getByRole("textbox", { name: "Name" }).fill("Pat Alpha");

    const theirs = await tab(`/contacts/${contact.id}`);
    await theirs.getByRole("button", { name: "Edit" }).click();
    await theirs.getByRole("dialog").getByRole("textbox", { name: "Name" }).fill("Pat Beta");
    await theirs.getByRole("dialog").getByRole("button", { name: "Save" }).click();
    await theirs.getByRole("heading", { level: 1, name: "Pat Beta" }).waitFor();
    await theirs.close();

    await myDialog.getByRole("button", { name: "Save" }).click();
    const conflict = myDialog.getByRole("alert").filter({ hasText: "Someone else saved this contact" });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("Your changes were not saved");
    expect(await myDialog.getByRole("textbox", { name: "Name" }).inputValue()).toBe("Pat Alpha");
    expect((await getContact(served.app.ctx, await actor(), contact.id)).name).toBe("Pat Beta");
    expect(await seriousA11yViolations(mine)).toEqual([]);
    await screenshot(mine, "edit-conflict-contact");

    await conflict.getByRole("button", { name: "Keep my draft" }).click();
    await conflict.waitFor({ state: "detached" });
    await myDialog.getByRole("button", { name: "Save" }).click();
    await mine.getByRole("heading", { level: 1, name: "Pat Alpha" }).waitFor();
    const stored = await getContact(served.app.ctx, await actor(), contact.id);
    expect(stored).toMatchObject({ name: "Pat Alpha", version: contact.version + 2 });
    await mine.close();
  });

  it("a help-center article saved in another tab first: keep my draft saves mine, reload shows theirs", async () => {
    const category = await createKbCategory(served.app.ctx, SYSTEM, {
      name: `Headsets ${letters(4)}`,
      description: "",
      position: 0,
    });
    const title = `Pair your headset ${letters(6)}`;
    const article = await createKbArticle(served.app.ctx, SYSTEM, {
      categoryId: category.id,
      title,
      summary: "",
      bodyHtml: "<p>Hold the power button for five seconds.</p>",
    });
    const open = async (): Promise<Page> => {
      const page = await tab("/knowledge");
      await page.getByRole("button", { name: title }).click();
      await page.getByRole("textbox", { name: "Title" }).waitFor();
      return page;
    };
    const editor = (page: Page) => page.getByLabel("Article editor");

    const mine = await open();
    await editor(mine).getByRole("textbox", { name: "Title" }).fill(`${title}: my words`);

    const theirs = await open();
    await editor(theirs)
      .getByRole("textbox", { name: /^Summary/ })
      .fill("Their summary");
    await editor(theirs).getByRole("button", { name: "Save draft" }).click();
    await theirs.getByText("Draft saved").waitFor();

    await editor(mine).getByRole("button", { name: "Save draft" }).click();
    const conflict = editor(mine).getByRole("alert").filter({ hasText: "Someone else saved this article" });
    await conflict.waitFor();
    expect(await editor(mine).getByRole("textbox", { name: "Title" }).inputValue()).toBe(`${title}: my words`);
    await screenshot(mine, "edit-conflict-article");
    // Keeping the draft saves it whole, as the alert says: their summary gives way to mine (empty).
    await conflict.getByRole("button", { name: "Keep my draft" }).click();
    await editor(mine).getByRole("button", { name: "Save draft" }).click();
    await mine.getByText("Draft saved").waitFor();
    expect((await getKbArticle(served.app.ctx, await actor(), article.id)).draft.title).toBe(`${title}: my words`);

    await editor(theirs).getByRole("textbox", { name: "Title" }).fill(`${title}: their words`);
    await editor(theirs).getByRole("button", { name: "Save draft" }).click();
    await editor(theirs).getByRole("alert").filter({ hasText: "Someone else saved this article" }).waitFor();
    await editor(theirs).getByRole("button", { name: "Reload" }).click();
    await editor(theirs).getByRole("alert").filter({ hasText: "Someone else saved" }).waitFor({ state: "detached" });
    expect(await editor(theirs).getByRole("textbox", { name: "Title" }).inputValue()).toBe(`${title}: my words`);
    expect(
      await editor(theirs)
        .getByRole("textbox", { name: /^Summary/ })
        .inputValue(),
    ).toBe("");
    await mine.close();
    await theirs.close();
  });
});
