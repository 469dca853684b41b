import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { ensureWebBundle, launchChromium } from "../test/e2e/web-harness";

/**
 * Web workspace performance, measured in real Chromium against the real server on an in-memory
 * database: (1) the JavaScript a browser downloads to show the inbox route and the portal's sign-in page, in
 * bytes on the wire as the server sends them (precompressed brotli);
 * (2) the time from clicking a case in the inbox to its thread of 100 messages on screen,
 * measured in the page with performance.mark/measure.
 * Run: npx tsx bench/web-perf.ts
 */
const BUDGET_WIRE_KB = 150;
const BUDGET_RENDER_MS = 150;
const MESSAGES = 100;
const RUNS = 7;
const PASSWORD = "bench-password-123";

ensureWebBundle();
// The server reads dist/web when it is built, so import it after the bundle exists.
const { buildApp } = await import("../src/server/app");
const { loadConfig } = await import("../src/server/config");
const { connect, runMigrations, startEmbeddedPostgres } = await import("../src/server/db/connection");
const { openCase } = await import("../src/server/domains/cases/cases.service");
const { addMessage } = await import("../src/server/domains/messages/messages.service");
const { createUser, loadActor } = await import("../src/server/domains/users/users.service");
const { SYSTEM } = await import("../src/server/platform/actor");

const embedded = await startEmbeddedPostgres("memory://");
const database = connect(embedded.url, 1, true);
await runMigrations(database);
const config = { ...loadConfig({ EXTRAMILE_JOBS: "false", LOG_LEVEL: "silent" }), databaseUrl: embedded.url };
const app = await buildApp({ config, database });
await app.listen({ port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

const user = await createUser(app.ctx, SYSTEM, {
  email: "bench@staff.test",
  name: "Bench Agent",
  role: "agent",
  timeZone: "UTC",
  departmentId: null,
  password: PASSWORD,
});
const actor = await loadActor(app.ctx.db, user.id, null);
if (!actor) throw new Error("bench user inactive");
const paragraph =
  "<p>Thanks for the details. I checked the <strong>order history</strong> and the shipment left our warehouse on Monday.</p><ul><li>Tracking: 1Z999AA10123456784</li><li>Carrier: UPS</li></ul>";
const caseIds: string[] = [];
for (let c = 0; c < RUNS + 1; c++) {
  const opened = await openCase(app.ctx, SYSTEM, {
    subject: `Case with ${MESSAGES} messages #${c}`,
    requester: { email: `customer${c}@customer.test`, name: "Casey Customer" },
    status: "open",
    priority: "normal",
    type: "question",
    channel: "email",
    tags: [],
    customFields: {},
    followerIds: [],
    ownerId: user.id,
  });
  for (let i = 0; i < MESSAGES; i++) {
    await addMessage(app.ctx, actor, opened.id, {
      kind: i % 4 === 3 ? "note" : "reply",
      body: `${paragraph}<p>Message ${i + 1} of ${MESSAGES}.</p>`,
      format: "html",
      attachmentIds: [],
    });
  }
  caseIds.push(opened.id);
}

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const login = await context.request.post(`${base}/api/v1/auth/login`, {
  data: { email: user.email, password: PASSWORD },
});
if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
const page = await context.newPage();

type Download = { file: string; raw: number; wire: number; encoding: string };

/** The scripts a fresh browser downloads to show `url` until `ready` resolves: bytes decoded and on the wire. */
const scriptsFor = async (url: string, ready: (p: typeof page) => Promise<void>, p = page): Promise<Download[]> => {
  const seen: Promise<Download>[] = [];
  const listener = (res: import("playwright-core").Response) => {
    if (res.request().resourceType() !== "script" || !res.ok()) return;
    seen.push(
      (async () => ({
        file: new URL(res.url()).pathname,
        raw: (await res.body()).length,
        wire: (await res.request().sizes()).responseBodySize,
        encoding: (await res.allHeaders())["content-encoding"] ?? "none",
      }))(),
    );
  };
  p.on("response", listener);
  await p.goto(url);
  await ready(p);
  await p.waitForLoadState("networkidle");
  p.off("response", listener);
  return await Promise.all(seen);
};
const kb = (files: Download[], key: "raw" | "wire") => files.reduce((s, f) => s + f[key], 0) / 1024;

const inboxFiles = await scriptsFor(`${base}/inbox`, async (p) => {
  await p.getByRole("table", { name: "My open cases" }).waitFor();
});
const portalContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
const portalPage = await portalContext.newPage();
const portalFiles = await scriptsFor(
  `${base}/portal`,
  async (p) => {
    await p.getByRole("button", { name: "Email me a sign-in link" }).waitFor();
  },
  portalPage,
);
await portalContext.close();
const entry = readFileSync("dist/web/index.html", "utf8").match(/src="([^"]+\.js)"/)?.[1] ?? "";

/**
 * Clicks the case's link in the inbox and waits until its messages are on screen. Passed as a
 * string: tsx would otherwise wrap the inner function in a helper the page does not have.
 */
const openFromInbox = async (caseId: string): Promise<number> =>
  await page.evaluate<number>(`new Promise((resolve, reject) => {
    const id = ${JSON.stringify(caseId)};
    const link = document.querySelector('a[href="/cases/' + id + '"]');
    if (!link) return reject(new Error("no link to " + id + " in the inbox"));
    performance.mark("open-" + id);
    link.click();
    const check = () => {
      if (document.querySelectorAll('ol[aria-label="Conversation"] > li').length >= ${MESSAGES}) {
        performance.mark("shown-" + id);
        resolve(performance.measure("case-" + id, "open-" + id, "shown-" + id).duration);
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`);

/** The keyboard flow: select the row with j (the inbox prefetches it), then Enter. */
const openWithKeyboard = async (caseId: string): Promise<number> => {
  const index = await page.evaluate<number>(
    `[...document.querySelectorAll("tbody tr")].findIndex((tr) => tr.querySelector('a[href="/cases/${caseId}"]'))`,
  );
  await page.keyboard.press("Home");
  for (let i = 0; i < index; i++) await page.keyboard.press("j");
  await page.waitForTimeout(800);
  return await page.evaluate<number>(`new Promise((resolve) => {
    performance.mark("key-${caseId}");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    const check = () => {
      if (document.querySelectorAll('ol[aria-label="Conversation"] > li').length >= ${MESSAGES}) {
        performance.mark("keyshown-${caseId}");
        resolve(performance.measure("keycase-${caseId}", "key-${caseId}", "keyshown-${caseId}").duration);
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`);
};

const backToInbox = async () => {
  await page.goBack();
  await page.getByRole("table", { name: "My open cases" }).waitFor();
};

const first = await openFromInbox(caseIds[0] as string);
await backToInbox();
const warm: number[] = [];
for (const id of caseIds.slice(1)) {
  warm.push(await openFromInbox(id));
  await backToInbox();
}
const cached: number[] = [];
for (const id of caseIds.slice(1)) {
  cached.push(await openFromInbox(id));
  await backToInbox();
}
const keyboard: number[] = [];
for (const id of caseIds.slice(1)) {
  await page.evaluate("window.localStorage.clear()");
  keyboard.push(await openWithKeyboard(id));
  await backToInbox();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const best = (xs: number[]) => Math.min(...xs);

for (const [name, files] of [
  ["Workspace inbox", inboxFiles],
  ["Portal sign-in", portalFiles],
] as const) {
  console.info(`\n${name}: JavaScript downloaded on first load`);
  console.table(
    files.map((f) => ({
      file: f.file,
      "raw KB": (f.raw / 1024).toFixed(1),
      "wire KB": (f.wire / 1024).toFixed(1),
      encoding: f.encoding,
    })),
  );
  const wire = kb(files, "wire");
  console.info(
    `${name} initial JS: ${wire.toFixed(1)} KB on the wire (${kb(files, "raw").toFixed(0)} KB decoded) — budget ${BUDGET_WIRE_KB} KB: ${wire <= BUDGET_WIRE_KB ? "within" : "OVER"}`,
  );
}
console.info(`entry ${entry}`);
console.info(
  `\nOpen a case with ${MESSAGES} messages from the inbox (click → thread on screen), Chromium ${browser.version()}`,
);
console.info(
  `machine load average while measuring: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")} on ${cpus().length} cores`,
);
console.info(`first open (loads the case route's code too): ${first.toFixed(0)} ms`);
console.info(
  `warm open (code cached, case fetched):        median ${median(warm).toFixed(0)} ms, best ${best(warm).toFixed(0)} ms of ${warm.map((x) => x.toFixed(0)).join(", ")}`,
);
console.info(
  `re-open (code and data cached):               median ${median(cached).toFixed(0)} ms, best ${best(cached).toFixed(0)} ms of ${cached.map((x) => x.toFixed(0)).join(", ")}`,
);
console.info(
  `keyboard open (j selects and prefetches, Enter): median ${median(keyboard).toFixed(0)} ms, best ${best(keyboard).toFixed(0)} ms of ${keyboard.map((x) => x.toFixed(0)).join(", ")}`,
);
const rendered = Math.max(median(cached), median(keyboard));
console.info(
  `budget ${BUDGET_RENDER_MS} ms to show a case with ${MESSAGES} messages once its data is in the browser: ${rendered <= BUDGET_RENDER_MS ? "within" : "OVER"} (${rendered.toFixed(0)} ms)`,
);

await browser.close();
await app.close();
await database.close();
await embedded.stop();
