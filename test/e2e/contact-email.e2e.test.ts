import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser } from "../factories";
import { outboundMailTo, type SmtpSink, startSmtpSink } from "../mail";
import { makeContact, sendDueMail } from "../portal";
import { type ServedApp, startServedApp } from "./served-app";
import { ensureWebBundle, launchChromium, seriousA11yViolations, signIn } from "./web-harness";

/** A supervisor changes a customer's address; it is used only once the customer confirms it from that mailbox. */
describe("changing a contact's email address in the browser", () => {
  let served: ServedApp;
  let sink: SmtpSink;
  let browser: Browser;
  let page: Page;
  let email = "";
  let contact: { id: string; email: string };

  beforeAll(async () => {
    ensureWebBundle();
    sink = await startSmtpSink();
    served = await startServedApp({ ...outboundMailTo(sink.port, "desk@contacts.test") });
    served.app.ctx.config.publicUrl = served.base;
    email = (await makeUser(served.app, { role: "supervisor", password: "supervisor passphrase" })).user.email;
    contact = await makeContact(served.app);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await sink?.close();
  });

  it("shows the new address as awaiting confirmation until the customer confirms it", async () => {
    await signIn(page, served.base, email, "supervisor passphrase");
    await page.goto(`${served.base}/contacts/${contact.id}`);
    await page.getByRole("button", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog");
    const emails = dialog.getByLabel("Emails", { exact: true });
    await emails.focus();
    await page.keyboard.press("Backspace");
    await emails.fill("casey.new@customer.test");
    await page.keyboard.press("Enter");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("We emailed casey.new@customer.test a link").waitFor();
    const pending = page.getByTestId("pending-email");
    await pending.getByText("Awaiting confirmation").waitFor();
    expect(await page.getByText(contact.email).count()).toBeGreaterThan(0);

    await sendDueMail(served.app);
    const mail = sink.received.find((m) => m.envelope.to.includes("casey.new@customer.test"));
    const link = /http:\/\/127\.0\.0\.1:\d+\/portal\/confirm-email#token=\S+/.exec(mail?.parsed.text ?? "")?.[0];
    expect(link).toBeDefined();
    const customer = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage();
    await customer.goto(link ?? "");
    await customer.getByRole("button", { name: "Yes, use this address" }).click();
    await customer.getByText("Address confirmed").waitFor();
    expect(await seriousA11yViolations(customer)).toEqual([]);

    await page.reload();
    await page.getByText("casey.new@customer.test").waitFor();
    expect(await page.getByTestId("pending-email").count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
