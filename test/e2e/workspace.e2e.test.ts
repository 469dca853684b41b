import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRootCauseCategory } from "../../src/server/domains/accountability/root-causes.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { makeCase, makeDepartment, makeTeam, makeUser } from "../factories";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, screenshot, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";

const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join("");

/**
 * The agent workspace in real Chromium against the real server: one journey through a case,
 * a conflict and a live update from a second browser, search, and accessibility checks.
 */
describe("agent workspace", () => {
  let served: ServedApp;
  let base: string;
  let browser: Browser;
  let ava: BrowserContext;
  let bea: BrowserContext;
  let page: Page;
  let caseUrl = "";
  let teamName = "";
  const keyword = `quasar${letters(6)}`;
  const subject = `Espresso machine leaks ${keyword}`;
  const people = {
    ava: { email: "", name: `Ava Agent ${letters(4)}` },
    bea: { email: "", name: `Bea Backup ${letters(4)}` },
    otto: { name: `Otto Inspector ${letters(4)}`, department: "" },
    carla: `Carla Customer ${letters(4)}`,
  };

  beforeAll(async () => {
    ensureWebBundle();
    served = await startServedApp();
    base = served.base;
    const app = served.app;

    const service = await makeDepartment(app, "service");
    const quality = await makeDepartment(app, "operations");
    people.otto.department = quality.name;
    await createRootCauseCategory(app.ctx, SYSTEM, { name: "Supplier part defect", description: "", position: 0 });
    const a = await makeUser(app, {
      role: "agent",
      departmentId: service.id,
      password: PASSWORD,
      name: people.ava.name,
    });
    const b = await makeUser(app, {
      role: "agent",
      departmentId: service.id,
      password: PASSWORD,
      name: people.bea.name,
    });
    await makeUser(app, { role: "employee", departmentId: quality.id, name: people.otto.name });
    people.ava.email = a.user.email;
    people.bea.email = b.user.email;
    const team = await makeTeam(app, {
      leadId: a.user.id,
      memberIds: [a.user.id, b.user.id],
      departmentId: service.id,
    });
    teamName = team.name;
    const subjects = [
      "Invoice shows the wrong VAT rate",
      "Cannot reset my password",
      "Delivery arrived damaged",
      "Add two users to our account",
    ];
    for (const [i, s] of subjects.entries()) {
      await makeCase(app, a.user.id, {
        subject: s,
        teamId: team.id,
        priority: i === 2 ? "urgent" : "normal",
        nextStepDueAt: new Date(Date.now() + (i - 1) * 3 * 3_600_000),
      });
    }

    browser = await launchChromium();
    ava = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Ava's browser gets no live updates, so the version she edits goes stale (for the 409 test).
    await ava.route("**/api/v1/stream", (route) => route.abort());
    bea = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await ava.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("signs in to an axe-clean inbox with the built-in views", async () => {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "login");

    await page.getByRole("textbox", { name: "Email" }).fill(people.ava.email);
    await page.getByRole("textbox", { name: "Password" }).fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();

    await signIn(page, base, people.ava.email, PASSWORD);
    const table = page.getByRole("table", { name: "My open cases" });
    await table.waitFor();
    await expect.poll(() => table.locator("tbody tr").count()).toBe(4);
    for (const name of ["My open cases", "My team", "Due today or overdue", "All cases"]) {
      await page.getByRole("navigation", { name: "Views" }).getByText(name, { exact: true }).waitFor();
    }
    await expect.poll(() => page.locator("tbody tr").first().textContent()).toMatch(/overdue/);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The subject keeps a readable width at every desktop width; next step and SLA join only where they fit.
    const subjectWidth = async () =>
      await table.getByRole("columnheader", { name: "Subject" }).evaluate((th) => th.getBoundingClientRect().width);
    for (const [width, wide] of [
      [1280, false],
      [1440, false],
      [1920, true],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(subjectWidth).toBeGreaterThanOrEqual(200);
      expect(await table.getByRole("columnheader", { name: "Next step" }).isVisible(), `${width} px`).toBe(wide);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, "inbox");
  });

  it("moves through the inbox with j/k and opens a case with Enter", async () => {
    await page.keyboard.press("j");
    await expect.poll(() => page.locator('tbody tr[aria-selected="true"]').getAttribute("data-index")).toBe("1");
    await page.keyboard.press("k");
    await expect.poll(() => page.locator('tbody tr[aria-selected="true"]').getAttribute("data-index")).toBe("0");
    const first = (await page.locator('tbody tr[aria-selected="true"] a').textContent()) ?? "";
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/cases\//);
    await page.getByRole("heading", { level: 1, name: first }).waitFor();
    await page.keyboard.press("/");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")))
      .toBe("Search cases and messages");
    await page.goBack();
    await page.getByRole("table", { name: "My open cases" }).waitFor();
  });

  it("opens a case for a new contact, replies, notes, hands it to another department and sets the next step", async () => {
    await page.getByRole("button", { name: "New case" }).click();
    const dialog = page.getByRole("dialog", { name: "New case" });
    await dialog.getByRole("textbox", { name: "Customer email" }).fill(`${keyword}@customer.test`);
    await dialog.getByRole("textbox", { name: "Customer name" }).fill(people.carla);
    await dialog.getByRole("textbox", { name: "Subject" }).fill(subject);
    await dialog.getByRole("textbox", { name: "Description" }).fill("The machine leaks water from the group head.");
    await expect.poll(() => dialog.getByRole("combobox", { name: "Team" }).inputValue()).toBe(teamName);
    await dialog.getByRole("button", { name: "Open case" }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    caseUrl = page.url();
    await page.getByText(/Case #\d+ opened\./).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole("heading", { level: 1, name: subject }).waitFor();
    const thread = page.getByRole("list", { name: "Conversation" });
    await thread.getByText("leaks water from the group head").waitFor();

    const editor = page.getByTestId("composer-editor");
    await editor.click();
    await page.keyboard.type("Sorry about the leak, Carla. A technician will call you today.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await thread.getByText("A technician will call you today").waitFor();
    await expect.poll(() => editor.textContent()).toBe("");

    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("n");
    await expect.poll(() => page.getByRole("button", { name: "Add note" }).isVisible()).toBe(true);
    await page.keyboard.type("Gasket batch 2026-14 is suspect; checking with quality.");
    await page.getByRole("button", { name: "Add note" }).click();
    const note = thread.locator('li[data-kind="note"]');
    await note.getByText("Gasket batch 2026-14").waitFor();
    await note.getByText("Internal note").waitFor();

    const owner = page.getByRole("combobox", { name: "Owner" });
    await owner.click();
    await owner.fill(people.otto.department);
    await page.getByRole("option", { name: `${people.otto.name} · ${people.otto.department}` }).click();
    const handover = page.getByRole("dialog", { name: /^Hand case #\d+ to / });
    await handover.waitFor();
    expect(await handover.getByRole("checkbox", { name: "Keep following this case" }).isChecked()).toBe(true);
    // Contrast is measured once the dialog has faded in: mid-transition its text is still translucent.
    await expect.poll(() => handover.evaluate((el) => getComputedStyle(el).opacity)).toBe("1");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await handover.getByRole("textbox", { name: "Next step" }).fill("Otto: check the gasket batch");
    await handover.getByRole("button", { name: "Hand over" }).click();
    await handover.waitFor({ state: "hidden" });
    await expect.poll(() => owner.inputValue()).toBe(`${people.otto.name} · ${people.otto.department}`);
    await page.getByText(`owned by ${people.otto.name}`).waitFor();
    await thread
      .locator('li[data-kind="change"]')
      .filter({ hasText: `${people.ava.name} changed owner ${people.ava.name} → ${people.otto.name}` })
      .waitFor();
    await expect
      .poll(() => page.getByRole("textbox", { name: "Next step" }).inputValue())
      .toBe("Otto: check the gasket batch");

    const step = page.getByRole("textbox", { name: "Next step" });
    await step.fill("Quality checks the gasket batch");
    const due = new Date(Date.now() + 26 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    await page
      .getByRole("textbox", { name: "Due" })
      .fill(
        `${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}T${pad(due.getHours())}:${pad(due.getMinutes())}`,
      );
    await page.getByRole("button", { name: "Save next step" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Save next step" }).count()).toBe(0);
    await page
      .getByLabel(/^Due/)
      .locator("xpath=ancestor::div[contains(@class,'mantine-InputWrapper-root')]")
      .getByText(/in 1 d/)
      .waitFor();

    await step.fill("");
    await page.getByRole("button", { name: "Save next step" }).click();
    await page.getByText("An open case always has a next step").waitFor();
    await page.getByRole("button", { name: "Undo" }).click();

    // Ava follows the case she handed over, so she can take it back in one click.
    await page.getByRole("button", { name: "Take" }).click();
    await page.getByText(/Case #\d+ is yours now\./).waitFor();
    await page.getByText(`owned by ${people.ava.name}`).waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Take" }).count()).toBe(0);

    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "case");
  });

  it("shows a conflict when someone else saved first, and keeps the draft", async () => {
    const editor = page.getByTestId("composer-editor");
    await editor.click();
    await page.keyboard.type("Draft that must survive the conflict");

    const other = await bea.newPage();
    await signIn(other, base, people.bea.email, PASSWORD);
    await other.goto(caseUrl);
    await other.getByRole("heading", { level: 1, name: subject }).waitFor();
    await other.getByRole("combobox", { name: "Priority" }).click();
    await other.getByRole("option", { name: "High" }).click();
    await expect.poll(() => other.getByRole("combobox", { name: "Priority" }).inputValue()).toBe("High");

    await page.getByRole("combobox", { name: "Priority" }).click();
    await page.getByRole("option", { name: "Urgent" }).click();
    const banner = page.getByTestId("conflict-banner");
    await banner.getByText("changed by").waitFor();
    await banner.getByText("Your change to priority was not saved").waitFor();
    await banner.getByRole("button", { name: "Review" }).click();
    const review = banner.getByRole("table", { name: "Your changes against the latest version" });
    await review.getByText("Urgent").waitFor();
    await review.getByText("High").waitFor();
    await screenshot(page, "case-conflict");
    await banner.getByRole("button", { name: "Apply my changes to the latest version" }).click();
    await expect.poll(() => banner.count()).toBe(0);
    await expect.poll(() => page.getByRole("combobox", { name: "Priority" }).inputValue()).toBe("Urgent");
    expect(await editor.textContent()).toContain("Draft that must survive the conflict");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: subject }).waitFor();
    await expect
      .poll(() => page.getByTestId("composer-editor").textContent())
      .toContain("Draft that must survive the conflict");
    await other.close();
  });

  it("updates a second browser live, shows who is viewing, and never replaces what someone is typing", async () => {
    const other = await bea.newPage();
    await other.goto(caseUrl);
    await other.getByRole("heading", { level: 1, name: subject }).waitFor();
    await other.getByRole("img", { name: "Live updates on" }).waitFor();
    await other.getByTestId("presence").getByText(`${people.ava.name} is`).waitFor();

    await page.getByRole("region", { name: "Composer" }).getByText("Internal note", { exact: true }).click();
    await page.getByRole("button", { name: "Add note" }).click();
    await other
      .getByRole("list", { name: "Conversation" })
      .getByText("Draft that must survive the conflict")
      .waitFor({ timeout: 10_000 });

    await page.getByRole("combobox", { name: "Type" }).click();
    await page.getByRole("option", { name: "Incident" }).click();
    await expect
      .poll(() => other.getByRole("combobox", { name: "Type" }).inputValue(), { timeout: 10_000 })
      .toBe("Incident");
    await screenshot(other, "case-live-second-browser");

    const theirStep = other.getByRole("textbox", { name: "Next step" });
    await theirStep.fill("Bea: draft she is still typing");
    await page.getByRole("textbox", { name: "Next step" }).fill("Ava: ring the supplier about batch 2026-14");
    await page.getByRole("button", { name: "Save next step" }).click();
    const changed = other.getByRole("status").filter({ hasText: "The next step changed while you were editing" });
    await changed.waitFor({ timeout: 10_000 });
    expect(await theirStep.inputValue()).toBe("Bea: draft she is still typing");
    await changed.getByText("Ava: ring the supplier about batch 2026-14").waitFor();
    await changed.getByRole("button", { name: "Take theirs" }).click();
    expect(await theirStep.inputValue()).toBe("Ava: ring the supplier about batch 2026-14");
    await expect.poll(() => changed.count()).toBe(0);
    await other.close();
  });

  it("solves the case and finds it with search", async () => {
    // An incident is solved only with its root cause (the server's rule): the refusal is shown, then recorded.
    await page.getByRole("button", { name: "Solve" }).click();
    const panel = page.getByRole("complementary", { name: "Case details" });
    await panel.getByRole("alert").filter({ hasText: "root cause" }).waitFor();
    await panel.getByRole("combobox", { name: "Originating department" }).click();
    await page.getByRole("option", { name: people.otto.department }).click();
    await panel.getByRole("combobox", { name: "Category" }).click();
    await page.getByRole("option", { name: "Supplier part defect" }).click();
    await panel.getByRole("textbox", { name: "What happened" }).fill("Gasket batch 2026-14 was out of spec.");
    await panel.getByRole("button", { name: "Record root cause" }).click();
    await panel.getByText("Supplier part defect ·").waitFor();
    await page.getByRole("button", { name: "Solve" }).click();
    await expect.poll(() => page.getByRole("combobox", { name: "Status" }).inputValue()).toBe("Solved");
    await expect.poll(() => page.getByRole("button", { name: "Solve" }).count()).toBe(0);

    const search = page.getByRole("textbox", { name: "Search cases and messages" });
    await search.fill(keyword);
    await search.press("Enter");
    await page.waitForURL(/\/search\?q=/);
    const results = page.getByRole("list", { name: "Search results" });
    await results.getByRole("link", { name: subject }).waitFor();
    expect(await results.locator("mark").count()).toBeGreaterThan(0);
    await screenshot(page, "search");
    await results.getByRole("link", { name: subject }).click();
    await page.waitForURL(caseUrl);
  });

  it("shows contacts and organizations, and works at tablet width in the dark theme", async () => {
    await page.goto(`${base}/contacts`);
    await page.getByRole("link", { name: people.carla }).click();
    await page.getByRole("heading", { level: 1, name: people.carla }).waitFor();
    await page
      .getByRole("table", { name: `Cases of ${people.carla}` })
      .getByText(subject)
      .waitFor();
    await screenshot(page, "contact");

    await page.goto(`${base}/organizations`);
    await page.getByRole("button", { name: "New organization" }).click();
    const dialog = page.getByRole("dialog", { name: "New organization" });
    await dialog.getByRole("textbox", { name: "Name" }).fill(`Acme ${keyword}`);
    await dialog.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("heading", { level: 1, name: `Acme ${keyword}` }).waitFor();

    await page.goto(`${base}/contacts`);
    await page.getByRole("link", { name: people.carla }).click();
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog", { name: `Edit ${people.carla}` });
    const organization = edit.getByRole("combobox", { name: "Organization" });
    await organization.fill(`Acme ${keyword}`);
    await page.getByRole("option", { name: `Acme ${keyword}` }).click();
    await edit.getByRole("checkbox", { name: /all of the organization's cases/ }).check();
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByText("Sees all of the organization's cases").waitFor();

    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${base}/inbox`);
    await page.getByRole("button", { name: /Switch to dark theme/ }).click();
    await page.getByRole("table").waitFor();
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-mantine-color-scheme"))).toBe("dark");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820);
    await screenshot(page, "inbox-tablet-dark");
    await page.getByRole("button", { name: /Switch to light theme/ }).click();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("signs out", async () => {
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${base}/inbox`);
    await page.waitForURL(/\/login\?redirect=/);
  });
});
