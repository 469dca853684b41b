import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRootCauseCategory } from "../../src/server/domains/accountability/root-causes.service";
import { updateDepartment } from "../../src/server/domains/departments/departments.service";
import { openExecutiveCase } from "../../src/server/domains/executive/executive.service";
import { SYSTEM } from "../../src/server/platform/actor";
import { makeDepartment, makeUser, uniq } from "../factories";
import { settle } from "../settle";
import { type ServedApp, startServedApp } from "./served-app";
import { docScreenshot, ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";

/** Scans the page at rest: the pointer off any control and no toast sliding in or out (half-faded text). */
const axeClean = async (page: Page): Promise<void> => {
  const size = page.viewportSize();
  await page.mouse.move((size?.width ?? 800) - 4, (size?.height ?? 600) - 4);
  await expect
    .poll(
      async () => {
        for (const dismiss of await page.getByRole("button", { name: "Dismiss notification" }).all()) {
          await dismiss.click({ timeout: 1000 }).catch(() => undefined);
        }
        return await page.locator(".mantine-Notification-root").count();
      },
      { timeout: 15_000 },
    )
    .toBe(0);
  expect(await seriousA11yViolations(page)).toEqual([]);
};

/**
 * Service is everyone's job, in real Chromium against the real server: a letter to the executive is delegated,
 * remedied within and above authority, reported, root-caused and solved, verified by the executive's call; the
 * flagged remedy is approved in the review queue, and the cost lands on the upstream department's page.
 */
describe("everyone's job", () => {
  let served: ServedApp;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let caseId = "";
  let caseNumber = 0;
  const tag = uniq("").slice(1);
  const subject = `Three deliveries late ${tag}`;
  const people = {
    executive: { email: "", name: `Alexandra Exec ${tag}` },
    owner: { email: "", name: `Owen Owner ${tag}` },
    supervisor: { email: "", name: `Sue Supervisor ${tag}` },
    director: { email: "", name: `Dora Director ${tag}` },
    admin: { email: "", name: `Ada Admin ${tag}` },
  };
  let logistics = { id: "", name: "", version: 0 };
  const category = `Transport damage ${tag}`;

  const pageAs = async (who: keyof typeof people, viewport = { width: 1280, height: 800 }): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await signIn(page, base, people[who].email, PASSWORD);
    return page;
  };

  beforeAll(async () => {
    ensureWebBundle();
    served = await startServedApp();
    base = served.base;
    const app = served.app;
    const service = await makeDepartment(app, "service");
    logistics = await makeDepartment(app, "operations");
    await createRootCauseCategory(app.ctx, SYSTEM, { name: category, description: "", position: 0 });
    const executive = await makeUser(app, { role: "executive", password: PASSWORD, name: people.executive.name });
    const owner = await makeUser(app, {
      role: "agent",
      departmentId: service.id,
      password: PASSWORD,
      name: people.owner.name,
    });
    const supervisor = await makeUser(app, {
      role: "supervisor",
      departmentId: service.id,
      password: PASSWORD,
      name: people.supervisor.name,
    });
    const director = await makeUser(app, {
      role: "employee",
      departmentId: logistics.id,
      password: PASSWORD,
      name: people.director.name,
    });
    const admin = await makeUser(app, { role: "admin", password: PASSWORD, name: people.admin.name });
    await updateDepartment(app.ctx, SYSTEM, logistics.id, logistics.version, { directorId: director.user.id });
    people.executive.email = executive.user.email;
    people.owner.email = owner.user.email;
    people.supervisor.email = supervisor.user.email;
    people.director.email = director.user.email;
    people.admin.email = admin.user.email;

    const opened = await openExecutiveCase(app.ctx, SYSTEM, {
      executiveId: executive.user.id,
      subject,
      requester: { email: `carla.${tag}@customer.test`, name: "Carla Customer" },
      description: {
        body: "Three deliveries late and nobody called back. I am writing to you directly.",
        format: "text",
      },
      status: "new",
      priority: "high",
      type: "complaint",
      channel: "api",
      tags: [],
      customFields: {},
      followerIds: [],
    });
    caseId = opened.caseId;
    caseNumber = opened.number;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await served?.close();
  });

  it("shows the executive the unopened letter on their dashboard, and the receipt once they open it", async () => {
    const page = await pageAs("executive");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Executive line" }).click();
    await page.waitForURL(/\/executive$/);
    const table = page.getByRole("table", { name: "Open executive cases" });
    const row = table.getByRole("row").filter({ hasText: subject });
    await row.getByText("Not yet").waitFor();
    await row.getByText("Awaiting delegation").waitFor();
    await page.getByRole("group", { name: "Not opened yet" }).getByText("1", { exact: true }).waitFor();
    await axeClean(page);
    await docScreenshot(page, "executive-dashboard");

    await row.getByRole("link", { name: new RegExp(subject) }).click();
    await page.waitForURL(/\/cases\//);
    const line = page.getByRole("region", { name: `Executive line: written to ${people.executive.name}` });
    await line.getByText(`${people.executive.name} first opened it`).waitFor();
    await axeClean(page);

    await line.getByRole("combobox", { name: "Delegate to" }).click();
    await line.getByRole("combobox", { name: "Delegate to" }).fill(people.owner.name);
    await page.getByRole("option", { name: new RegExp(people.owner.name) }).click();
    await line.getByRole("textbox", { name: "Note to the owner" }).fill("Please call Carla today and put it right.");
    await line.getByRole("button", { name: "Delegate" }).click();
    await line.getByText("Awaiting the owner's report").waitFor();
    await line.getByText(`Delegated to ${people.owner.name}`).waitFor();
    await page.getByText(`owned by ${people.owner.name}`).waitFor();
    await page.close();
  });

  it("lets the owner grant remedies within and above authority, file the report and solve with a root cause", async () => {
    const page = await pageAs("owner");
    await page.goto(`${base}/cases/${caseId}`);
    const line = page.getByRole("region", { name: `Executive line: written to ${people.executive.name}` });
    await line.getByRole("form", { name: "Written feedback report" }).waitFor();

    const panel = page.getByRole("complementary", { name: "Case details" });
    await panel.getByText("No remedy given yet.").waitFor();
    await panel
      .getByRole("group", { name: "Your remaining authority" })
      .getByText(/Up to €250\.00 per remedy; €1,500\.00 of €1,500\.00 left/)
      .waitFor();
    await panel.getByRole("button", { name: "Grant a remedy" }).click();
    const grant = panel.getByRole("form", { name: "Grant a remedy" });
    await grant.getByRole("textbox", { name: "Amount (EUR)" }).fill("40");
    await grant.getByRole("textbox", { name: "What the customer gets" }).fill("Refund of the three delivery fees");
    await grant.getByText("Within your authority: granted at once").waitFor();
    await grant.getByRole("button", { name: "Grant remedy" }).click();
    await page.getByText("€40.00 granted.").waitFor();
    const remedies = panel.getByRole("list", { name: "Remedies on this case" });
    await remedies.getByText("Refund · €40.00").waitFor();

    await panel.getByRole("button", { name: "Grant a remedy" }).click();
    await grant.getByRole("combobox", { name: "Kind" }).click();
    await page.getByRole("option", { name: "Replacement" }).click();
    await grant.getByRole("textbox", { name: "Amount (EUR)" }).fill("400");
    await grant.getByRole("textbox", { name: "What the customer gets" }).fill("A new pallet of tiles, express");
    await grant.getByText("Above your per-remedy limit").waitFor();
    expect(await grant.getByRole("button", { name: "Grant remedy" }).isDisabled()).toBe(true);
    await grant
      .getByRole("textbox", { name: "Justification" })
      .fill("Third late delivery; the tiler is booked tomorrow and the customer loses a day of work");
    await axeClean(page);
    await docScreenshot(page, "remedy-panel", { part: page.getByRole("region", { name: "Remedies" }) });
    await grant.getByRole("button", { name: "Grant remedy" }).click();
    await page.getByText("€400.00 granted; flagged for review afterwards.").waitFor();
    await remedies.getByText("Replacement · €400.00").waitFor();
    await remedies.getByText("Awaiting review").waitFor();
    await panel.getByText("Total €440.00").waitFor();

    // Solving before the report is refused, in words.
    await page.getByRole("button", { name: "Solve" }).click();
    await line
      .getByRole("alert")
      .filter({ hasText: /report/i })
      .waitFor();

    await line.getByRole("textbox", { name: "What the customer said" }).fill("Three deliveries late, no call back.");
    await line.getByRole("textbox", { name: "What was done" }).fill("Called Carla, rebooked with express carrier.");
    await line.getByRole("textbox", { name: "Remedy given" }).fill("Fees refunded and a replacement pallet");
    await line.getByText("Yes, satisfied").click();
    await line.getByRole("button", { name: "File the report" }).click();
    await line.getByText("Report filed, awaiting solve").waitFor();
    await line.getByText("Three deliveries late, no call back.").waitFor();

    // A complaint is solved only with its root cause.
    await page.getByRole("button", { name: "Solve" }).click();
    await panel.getByRole("alert").filter({ hasText: "root cause" }).waitFor();
    await panel.getByRole("combobox", { name: "Originating department" }).click();
    await page.getByRole("option", { name: logistics.name }).click();
    await panel.getByRole("combobox", { name: "Category" }).click();
    await page.getByRole("option", { name: category }).click();
    await panel.getByRole("textbox", { name: "What happened" }).fill("The carrier lost the pallets at the hub twice.");
    await panel.getByRole("button", { name: "Record root cause" }).click();
    await panel.getByText(`${category} ·`).waitFor();
    await page.getByRole("button", { name: "Solve" }).click();
    await line.getByText("Awaiting the verification call").waitFor();
    await axeClean(page);
    await page.close();
  });

  it("lets the executive record the verification call, which closes the case", async () => {
    const page = await pageAs("executive");
    await page.goto(`${base}/cases/${caseId}`);
    const line = page.getByRole("region", { name: `Executive line: written to ${people.executive.name}` });
    const call = line.getByRole("form", { name: "Verification call" });
    await call.waitFor();
    await call.getByText("Satisfied", { exact: true }).click();
    await call.getByText("The case closes.").waitFor();
    await call.getByRole("textbox", { name: /Notes/ }).fill("Carla is happy; the tiler finished on Friday.");
    await docScreenshot(page, "case-executive-line");
    await call.getByRole("button", { name: "Record the call" }).click();
    await line.getByText("Closed after verification").waitFor();
    const calls = line.getByRole("list", { name: "Verification calls" });
    await calls.getByText("Satisfied").waitFor();
    await calls.getByText("Carla is happy").waitFor();
    await axeClean(page);

    await page.goto(`${base}/executive`);
    await page.getByRole("group", { name: "Satisfied" }).getByText("1", { exact: true }).waitFor();
    await page.getByText("No open executive cases").waitFor();
    await page.close();
  });

  it("lets a supervisor approve the flagged remedy in the review queue and see it in the ledger", async () => {
    const page = await pageAs("supervisor");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Review queue" }).click();
    await page.waitForURL(/\/remedies\/reviews$/);
    const card = page.getByRole("listitem", { name: `Remedy on case #${caseNumber}` });
    await card.getByText("€400.00 replacement").waitFor();
    await card.getByText("Third late delivery").waitFor();
    await axeClean(page);
    await docScreenshot(page, "remedy-review-queue");
    await card.getByRole("button", { name: "Approve" }).click();
    await page.getByText(`Approved the €400.00 replacement on case #${caseNumber}.`).waitFor();
    await expect.poll(() => card.count()).toBe(0);
    await page.getByRole("radiogroup", { name: "Show" }).getByText("Approved", { exact: true }).click();
    await page
      .getByRole("listitem", { name: `Remedy on case #${caseNumber}` })
      .getByText("Approved by")
      .waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Remedy ledger" }).click();
    await page.waitForURL(/\/remedies\/ledger$/);
    await page.getByRole("table", { name: "Remedy totals by department" }).waitFor();
    await page.getByText("Person", { exact: true }).click();
    const byPerson = page.getByRole("table", { name: "Remedy totals by person" });
    await byPerson.getByRole("row").filter({ hasText: people.owner.name }).getByText("€440.00").waitFor();
    const csv = page.getByRole("link", { name: "Export CSV" });
    expect(await csv.getAttribute("href")).toBe("/api/v1/remedies/ledger/export");
    await axeClean(page);
    await docScreenshot(page, "remedy-ledger");
    await page.close();
  });

  it("shows the upstream department the cost, and lets its director record a corrective action", async () => {
    await settle(served.app, [caseId]);
    const page = await pageAs("director");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Upstream" }).click();
    await page.waitForURL(/\/upstream$/);
    await page.getByRole("link", { name: logistics.name }).click();
    await page.waitForURL(/\/upstream\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { level: 1, name: `Upstream: ${logistics.name}` }).waitFor();
    const cases = page.getByRole("table", { name: `Cases charged to ${logistics.name}` });
    const row = cases.getByRole("row").filter({ hasText: subject });
    await row.getByText(category).waitFor();
    const cost = page.getByRole("group", { name: "Cost of failure" });
    await expect.poll(async () => (await cost.textContent()) ?? "").toMatch(/€4[4-9]\d\.\d\d/);
    await page
      .getByRole("figure", { name: /Cost of failure by month/ })
      .locator("svg")
      .first()
      .waitFor();
    await page
      .getByRole("figure", { name: /by root-cause category/ })
      .locator("svg")
      .first()
      .waitFor();

    await page.getByRole("button", { name: "New corrective action" }).click();
    const dialog = page.getByRole("dialog", { name: `New corrective action for ${logistics.name}` });
    await dialog.getByRole("textbox", { name: "What the department will do" }).fill("Audit the hub's pallet scans");
    await dialog.getByRole("combobox", { name: `Owner in ${logistics.name}` }).click();
    await page.getByRole("option", { name: people.director.name }).click();
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await dialog.getByLabel("Due").fill(due);
    await dialog.getByLabel("Cases it answers").click();
    await page.getByRole("option", { name: `#${caseNumber} ${subject}` }).click();
    await page.keyboard.press("Escape");
    await dialog.getByRole("button", { name: "Record corrective action" }).click();
    const actions = page.getByRole("table", { name: "Corrective actions" });
    const action = actions.getByRole("row").filter({ hasText: "Audit the hub's pallet scans" });
    await action.getByRole("link", { name: `#${caseNumber}` }).waitFor();
    await action.getByRole("combobox", { name: "Status of Audit the hub's pallet scans" }).click();
    await page.getByRole("option", { name: "In progress" }).click();
    await page.getByText("“Audit the hub's pallet scans” is now in progress.").waitFor();
    await axeClean(page);
    await docScreenshot(page, "upstream");
    await page.close();
  });

  it("works at tablet width in the dark theme", async () => {
    const page = await pageAs("executive", { width: 820, height: 1180 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${base}/executive`);
    await page.getByText("No open executive cases").waitFor();
    await axeClean(page);
    await page.goto(`${base}/cases/${caseId}`);
    await page
      .getByRole("region", { name: /Executive line/ })
      .getByText("Closed after verification")
      .waitFor();
    await axeClean(page);
    await docScreenshot(page, "case-executive-line-tablet-dark");
    await page.close();

    const director = await pageAs("director", { width: 820, height: 1180 });
    await director.emulateMedia({ colorScheme: "dark" });
    await director.goto(`${base}/upstream/${logistics.id}`);
    await director.getByRole("table", { name: "Corrective actions" }).waitFor();
    await director
      .getByRole("figure", { name: /Cost of failure by month/ })
      .locator("svg")
      .first()
      .waitFor();
    expect(await director.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820);
    await axeClean(director);
    await docScreenshot(director, "upstream-tablet-dark");
    await director.close();
  });

  it("lets any employee log a letter to the chief executive from New case; the executive is alerted in the app", async () => {
    const letter = `A letter about the tiles ${tag}`;
    const page = await pageAs("director");
    await page.getByRole("button", { name: "New case" }).click();
    const dialog = page.getByRole("dialog", { name: "New case" });
    await dialog
      .getByRole("radiogroup", { name: "Addressed to" })
      .getByText("Addressed to the chief executive")
      .click();
    await dialog.getByRole("combobox", { name: "Executive" }).click();
    await page.getByRole("option", { name: people.executive.name }).click();
    await dialog.getByRole("textbox", { name: "Customer email" }).fill(`hugo.${tag}@customer.test`);
    await dialog.getByRole("textbox", { name: "Customer name" }).fill("Hugo Handwritten");
    await dialog.getByRole("textbox", { name: "Subject" }).fill(letter);
    expect(await dialog.getByRole("combobox", { name: "How did the customer reach us?" }).inputValue()).toMatch(
      /^Letter/,
    );
    await dialog.getByRole("textbox", { name: "Description" }).fill("Dear Madam, the tiles arrived broken twice.");
    expect(await dialog.getByRole("combobox", { name: "Owner" }).count()).toBe(0);
    await axeClean(page);
    await docScreenshot(page, "new-case-to-executive", { part: dialog });
    await dialog.getByRole("button", { name: "Send to the executive" }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    const letterCaseId = /\/cases\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? "";
    const line = page.getByRole("region", { name: `Executive line: written to ${people.executive.name}` });
    await line.getByText("Awaiting delegation").waitFor();
    await page.close();

    const executive = await pageAs("executive");
    const badge = executive.getByRole("navigation", { name: "Main" }).getByLabel(/unread letters? to you/);
    await badge.waitFor();
    const unread = Number(await badge.textContent());
    expect(unread).toBeGreaterThanOrEqual(1);
    await executive.goto(`${base}/cases/${letterCaseId}`);
    await executive
      .getByRole("region", { name: `Executive line: written to ${people.executive.name}` })
      .getByText(`${people.executive.name} first opened it`)
      .waitFor();
    const shown = async () => ((await badge.count()) === 0 ? 0 : Number(await badge.textContent()));
    await expect.poll(shown, { timeout: 15_000 }).toBe(unread - 1);
    await executive.close();
  });

  it("gives admins the authority limits and root-cause categories", async () => {
    const page = await pageAs("admin");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Authority limits" }).click();
    await page.getByRole("button", { name: "New limit" }).click();
    const dialog = page.getByRole("dialog", { name: "New authority limit" });
    await dialog.getByText("One person").click();
    await dialog.getByRole("combobox", { name: "Person" }).click();
    await dialog.getByRole("combobox", { name: "Person" }).fill(people.owner.name);
    await page.getByRole("option", { name: new RegExp(people.owner.name) }).click();
    await dialog.getByRole("textbox", { name: "Per remedy (EUR)" }).fill("500");
    await dialog.getByRole("textbox", { name: "Per 30 days (EUR)" }).fill("2,500");
    await dialog.getByRole("button", { name: "Save" }).click();
    const limit = page.getByRole("table", { name: "Authority limits" }).getByRole("row").filter({
      hasText: people.owner.name,
    });
    await limit.getByText("€2,500.00").waitFor();
    await axeClean(page);
    await docScreenshot(page, "admin-authority-limits");

    await nav.getByRole("link", { name: "Root-cause categories" }).click();
    const categories = page.getByRole("table", { name: "Root-cause categories" });
    await categories.getByRole("row").filter({ hasText: category }).getByText("In use").waitFor();
    await axeClean(page);
    await page.close();
  });
});
