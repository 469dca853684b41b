import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const WEB_DIST_INDEX = join(root, "dist/web/index.html");
export const SCREENSHOT_DIR = join(root, "test-results/screenshots");
/** Screenshots the documentation shows; the journeys that take them keep them current. */
export const DOCS_SCREENSHOT_DIR = join(root, "docs/screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const newestMtime = (path: string): number => {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
};

/** Builds dist/web with vite unless it is newer than every source it is made of. */
export const ensureWebBundle = (): void => {
  const sources = [join(root, "src/web"), join(root, "src/shared"), join(root, "vite.config.ts")];
  const built = existsSync(WEB_DIST_INDEX) ? statSync(WEB_DIST_INDEX).mtimeMs : 0;
  if (sources.some((s) => newestMtime(s) > built)) {
    execFileSync(join(root, "node_modules/.bin/vite"), ["build", "--logLevel", "warn"], {
      cwd: root,
      stdio: "inherit",
    });
  }
};

export const launchChromium = async (): Promise<Browser> =>
  await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });

export const screenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
};

/** A screenshot for docs/: the page from its top (or whole, or one part of it). */
export const docScreenshot = async (
  page: Page,
  name: string,
  opts: { part?: Locator; fullPage?: boolean } = {},
): Promise<void> => {
  mkdirSync(DOCS_SCREENSHOT_DIR, { recursive: true });
  const path = join(DOCS_SCREENSHOT_DIR, `${name}.png`);
  if (opts.part) {
    await opts.part.screenshot({ path });
    return;
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: opts.fullPage ?? false });
};

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let axeCode: string | null = null;
const axeSource = (): string => {
  axeCode ??= readFileSync(axePath, "utf8");
  return axeCode;
};

/** Runs axe-core on the page and returns the serious and critical violations. */
export const seriousA11yViolations = async (page: Page): Promise<AxeViolation[]> => {
  // evaluated through the DevTools protocol: the pages' Content-Security-Policy forbids inline script tags
  await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
};

export const signIn = async (page: Page, baseUrl: string, email: string, password: string): Promise<void> => {
  await page.goto(`${baseUrl}/login`);
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByRole("textbox", { name: "Password" }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/inbox/);
};
