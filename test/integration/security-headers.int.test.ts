import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../app";

/** The CSP as a map of directive → sources. */
const cspOf = (res: LightMyRequestResponse): Map<string, string[]> =>
  new Map(
    String(res.headers["content-security-policy"] ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );

let plain: TestApp;
let https: TestApp;

beforeAll(async () => {
  plain = await startTestApp();
  https = await startTestApp({
    publicUrl: "https://support.example.com",
    hsts: true,
    webform: {
      ...plain.app.ctx.config.webform,
      frameAncestors: ["https://www.example.com", "https://shop.example.com"],
    },
  });
});
afterAll(async () => {
  await plain?.close();
  await https?.close();
});

const get = (t: TestApp, url: string) => t.app.inject({ method: "GET", url, headers: { accept: "text/html" } });

describe("security headers", () => {
  it("give the workspace API, the portal API and the API docs a strict CSP that forbids framing", async () => {
    for (const url of ["/api/v1/me", "/api/v1/portal/session", "/api/docs/", "/healthz", "/no-such-page"]) {
      const res = await get(plain, url);
      const csp = cspOf(res);
      expect({ url, script: csp.get("script-src") }).toEqual({ url, script: ["'self'"] });
      expect(csp.get("script-src-attr")).toEqual(["'none'"]);
      expect(csp.get("default-src")).toEqual(["'self'"]);
      expect(csp.get("object-src")).toEqual(["'none'"]);
      expect(csp.get("base-uri")).toEqual(["'none'"]);
      expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
      expect(csp.has("upgrade-insecure-requests")).toBe(false);
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("same-origin");
      expect(res.headers["strict-transport-security"]).toBeUndefined();
    }
  });

  it("send HSTS and upgrade requests when served over https", async () => {
    const res = await get(https, "/api/v1/me");
    expect(res.headers["strict-transport-security"]).toBe("max-age=15552000");
    expect(cspOf(res).has("upgrade-insecure-requests")).toBe(true);
  });

  it("let the web form, and only the web form, be framed by the configured sites", async () => {
    const open = await get(plain, "/form");
    expect(open.statusCode).toBe(200);
    expect(cspOf(open).get("frame-ancestors")).toEqual(["*"]);
    expect(cspOf(open).get("script-src")).toEqual(["'self'"]);
    expect(open.headers["x-frame-options"]).toBeUndefined();

    for (const url of ["/form?embed=1", "/form/sent?embed=1"]) {
      const res = await get(https, url);
      expect({ url, ancestors: cspOf(res).get("frame-ancestors") }).toEqual({
        url,
        ancestors: ["https://www.example.com", "https://shop.example.com"],
      });
      expect(cspOf(res).get("default-src")).toEqual(["'none'"]);
      expect(res.headers["strict-transport-security"]).toBe("max-age=15552000");
    }
    const embed = await get(https, "/form/embed.js");
    expect(embed.headers["cross-origin-resource-policy"]).toBe("cross-origin");
    expect(cspOf(await get(https, "/api/v1/webform/settings")).get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("keep the help center's own policy (no script at all, no framing)", async () => {
    const res = await get(plain, "/help");
    expect(cspOf(res).get("default-src")).toEqual(["'none'"]);
    expect(cspOf(res).get("frame-ancestors")).toEqual(["'none'"]);
    expect(res.headers["x-frame-options"]).toBe("DENY");
  });
});
