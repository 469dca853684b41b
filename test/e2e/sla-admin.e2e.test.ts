import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slaClocks } from "../../src/server/db/schema/index";
import { fireClockTimer } from "../../src/server/domains/sla/clocks.service";
import { makeCase, makeDepartment, makeTeam, makeUser, type TestUser } from "../factories";
import { settle } from "../settle";
import { type ServedApp, startServedApp } from "./served-app";
import { docScreenshot, ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

const PASSWORD = "correct-horse-battery";
const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join("");

/** SLA administration, clocks and promises on a case, the cracks report and the audit log in real Chromium. */
describe("SLA admin, promises, cracks and audit", () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const calendarName = `Berlin office ${letters(5)}`;
  const policyName = `Standard support ${letters(5)}`;
  const overdueSubject = `Forgotten callback ${letters(6)}`;
  let admin: TestUser;
  let adminId = "";
  let teamId = "";

  beforeAll(async () => {
    ensureWebBundle();
    served = await startServedApp();
    const department = await makeDepartment(served.app, "service");
    admin = await makeUser(served.app, {
      role: "admin",
      departmentId: department.id,
      password: PASSWORD,
      name: `Ada Admin ${letters(4)}`,
    });
    adminId = admin.user.id;
    teamId = (await makeTeam(served.app, { leadId: adminId, memberIds: [adminId], departmentId: department.id })).id;
    const overdue = await makeCase(served.app, adminId, {
      subject: overdueSubject,
      teamId,
      nextStepDueAt: new Date(Date.now() - 2 * 3_600_000),
    });
    await settle(served.app, [overdue.id]);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signIn(page, served.base, admin.user.email, PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("creates a business calendar with a yearly holiday", async () => {
    await page.goto(`${served.base}/admin/sla`);
    await page.getByRole("heading", { level: 1, name: "SLAs" }).waitFor();
    await page.getByRole("tab", { name: "Business calendars" }).click();
    await page.getByRole("button", { name: "New calendar" }).click();
    const dialog = page.getByRole("dialog", { name: "New business calendar" });
    await dialog.getByRole("textbox", { name: "Name" }).fill(calendarName);
    await dialog.getByRole("textbox", { name: "Wednesday interval 1 closes" }).fill("12:00");
    await dialog.getByRole("button", { name: "Add Wednesday interval" }).click();
    await dialog.getByRole("textbox", { name: "Wednesday interval 2 opens" }).fill("11:00");
    await dialog.getByRole("textbox", { name: "Wednesday interval 2 closes" }).fill("17:00");
    await dialog.getByText("Overlaps 09:00–12:00").waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "sla-calendar-editor");
    await dialog.getByRole("textbox", { name: "Wednesday interval 2 opens" }).fill("13:00");
    await expect.poll(() => dialog.getByText("Overlaps").count()).toBe(0);
    await dialog.getByRole("button", { name: "Add holiday" }).click();
    await dialog.getByRole("textbox", { name: "Holiday 1 date" }).fill("2026-12-25");
    await dialog.getByRole("textbox", { name: "Holiday 1 name" }).fill("Christmas Day");
    await dialog.getByRole("checkbox", { name: "Every year" }).check();
    await dialog.getByRole("button", { name: "Save calendar" }).click();
    await page.getByText(`Calendar ${calendarName} saved.`).waitFor();
    const row = page.getByRole("row").filter({ hasText: calendarName });
    await row.getByText("Mon–Tue 09:00–17:00; Wed 09:00–12:00, 13:00–17:00; Thu–Fri 09:00–17:00").waitFor();
    expect(await row.getByRole("cell").nth(3).textContent()).toBe("1");
  });

  it("creates an SLA policy on it, renames it, and the case gets a clock", async () => {
    await page.getByRole("tab", { name: "Policies" }).click();
    await page.getByRole("button", { name: "New policy" }).click();
    const dialog = page.getByRole("dialog", { name: "New SLA policy" });
    await dialog.getByRole("textbox", { name: "Name" }).fill(policyName);
    await dialog.getByRole("combobox", { name: "Business calendar" }).click();
    await page.getByRole("option", { name: calendarName }).click();
    await dialog.getByRole("textbox", { name: "First response target for Normal priority" }).fill("4h");
    await dialog.getByRole("textbox", { name: "Resolution target for Normal priority" }).fill("soon");
    await dialog.getByRole("button", { name: "Save policy" }).click();
    await dialog.getByText("Use a duration like 45m, 4h or 2d").waitFor();
    await dialog.getByRole("textbox", { name: "Resolution target for Normal priority" }).fill("2d");
    await dialog.getByRole("button", { name: "Save policy" }).click();
    await page.getByText(`Policy ${policyName} saved.`).waitFor();
    const row = page.getByRole("row").filter({ hasText: policyName });
    await row.getByText("First response: Normal 4 h · Resolution: Normal 2 d").waitFor();

    await row.getByRole("button", { name: `Edit ${policyName}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit ${policyName}` });
    await edit.getByRole("textbox", { name: "Name" }).fill(`${policyName} (EU)`);
    await edit.getByRole("button", { name: "Save policy" }).click();
    await page.getByText(`Policy ${policyName} (EU) saved.`).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "sla-policies");

    const c = await makeCase(served.app, adminId, { subject: `Printer offline ${letters(5)}`, teamId });
    await settle(served.app, [c.id]);
    await page.goto(`${served.base}/cases/${c.id}`);
    const sla = page.getByTestId("case-sla");
    await sla.getByText(`Policy: ${policyName} (EU)`).waitFor();
    await sla.getByText("First response").waitFor();
    await sla.getByText("Resolution").waitFor();
    await expect.poll(() => sla.getByText(/business time left · due /).count()).toBe(2);

    const promises = page.getByTestId("case-commitments");
    await promises.getByRole("button", { name: "Add promise" }).click();
    await promises.getByRole("textbox", { name: "What was promised" }).fill("Call back with the technician's slot");
    await promises.getByRole("button", { name: "Add promise" }).click();
    await page.getByText("Promise added; you will be reminded before it is due.").waitFor();
    const promise = promises.getByRole("group", { name: /Call back with the technician's slot/ });
    await promise.getByText("Open").waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "case-sla-promises");
    await promise.getByRole("button", { name: /^Mark kept/ }).click();
    await promise.getByText("Kept").waitFor();

    // Logging the call that answers a callback keeps that promise, and only that one.
    for (const [what, dueIn] of [
      ["Call back with the invoice", 26],
      ["Call back with the parts list", 3],
    ] as const) {
      await promises.getByRole("button", { name: "Add promise" }).click();
      await promises.getByRole("textbox", { name: "What was promised" }).fill(what);
      const due = new Date(Date.now() + dueIn * 3_600_000);
      const local = new Date(due.getTime() - due.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await promises.getByLabel(/^Due/).fill(local);
      await promises.getByRole("button", { name: "Add promise" }).click();
      await promises
        .getByRole("group", { name: new RegExp(what) })
        .getByText("Open")
        .waitFor();
    }
    const invoice = promises.getByRole("group", { name: /Call back with the invoice/ });
    await invoice.getByRole("button", { name: /^Log the call/ }).click();
    await invoice.getByRole("textbox", { name: "What was said on the call" }).fill("Sent the invoice, all clear");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await invoice.getByRole("button", { name: "Log call" }).click();
    await page.getByText("Call logged; it keeps this promise.").waitFor();
    await invoice.getByText("Kept").waitFor();
    await promises
      .getByRole("group", { name: /Call back with the parts list/ })
      .getByText("Open")
      .waitFor();
    await page.getByText("Sent the invoice, all clear").waitFor();
  });

  it("shows the overdue next step in the cracks report", async () => {
    await page.goto(`${served.base}/cracks`);
    await page.getByRole("heading", { level: 1, name: "Cracks" }).waitFor();
    const item = page.getByRole("row").filter({ hasText: overdueSubject });
    await item.getByText("Overdue next step").waitFor();
    await page.getByRole("tab", { name: "Per team" }).click();
    await page.getByRole("table", { name: "Cracks per team" }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "cracks");
  });

  it("keeps a breach whose target no longer applies on the case, with who was notified, and in Breaching soon", async () => {
    const calendar = await admin.call({
      method: "POST",
      url: "/api/v1/sla/calendars",
      payload: { name: `Around the clock ${letters(5)}`, timeZone: "UTC", alwaysOpen: true },
    });
    const tag = `vip-${letters(6)}`;
    const policy = await admin.call({
      method: "POST",
      url: "/api/v1/sla/policies",
      payload: {
        name: `Key accounts ${letters(5)}`,
        position: 0,
        calendarId: calendar.json().id,
        conditions: { tags: [tag] },
        targets: { first_response: { normal: 60 } },
        breachActions: [{ type: "notify", recipients: ["owner", "team_lead"] }, { type: "raise_priority" }],
      },
    });
    expect(policy.statusCode).toBe(201);
    const subject = `Invoice twice ${letters(6)}`;
    const c = await makeCase(served.app, adminId, { subject, tags: [tag] });
    await settle(served.app, [c.id]);
    const [clock] = await served.app.ctx.db
      .select()
      .from(slaClocks)
      .where(and(eq(slaClocks.caseId, c.id), eq(slaClocks.metric, "first_response")));
    if (!clock?.dueAt) throw new Error("no plan");
    // The breach timer as it runs at the due instant, without waiting the hour.
    const timer = { clockId: clock.id, kind: "breach" as const, at: clock.dueAt.toISOString() };
    expect(await fireClockTimer(served.app.ctx, timer, new Date(clock.dueAt.getTime() + 1))).toBe(true);
    await settle(served.app, [c.id]);

    await page.goto(`${served.base}/cases/${c.id}`);
    const sla = page.getByTestId("case-sla");
    await sla.getByText(/^Breached .+ \(target 1 h\); that target no longer applies$/).waitFor();
    await sla
      .getByTestId("sla-breach-notice")
      .getByText(`Notified ${admin.user.name} (owner); team lead not notified: the case has no team.`)
      .waitFor();
    await page
      .getByText(
        `First response SLA breached (target 1 h under "${policy.json().name}"): notified ${admin.user.name} (owner); ` +
          "team lead not notified: the case has no team; raised priority to high.",
      )
      .waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${served.base}/sla/breaching`);
    const row = page.getByRole("row").filter({ hasText: subject });
    await row.getByText("First response breached").waitFor();
    await row.getByText("Breached", { exact: true }).waitFor();
  });

  it("shows the policy change with before and after in the audit log, in light and dark", async () => {
    await page.goto(`${served.base}/admin/audit`);
    await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await page.getByRole("combobox", { name: "Entity", exact: true }).click();
    await page.getByRole("option", { name: "SLA policy" }).click();
    const updated = page.getByRole("row").filter({ hasText: "SLA policy updated" }).first();
    await updated.getByLabel(`before: ${policyName}`).waitFor();
    await updated.getByLabel(`after: ${policyName} (EU)`).waitFor();
    await page.getByRole("row").filter({ hasText: "SLA policy created" }).first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "audit-log");
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await page.getByRole("button", { name: "Switch to light theme" }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${served.base}/admin/sla`);
    await page
      .getByRole("row")
      .filter({ hasText: `${policyName} (EU)` })
      .waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await docScreenshot(page, "sla-policies-dark");
  });
});
