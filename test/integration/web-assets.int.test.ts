import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../app";
import { ensureWebBundle } from "../e2e/web-harness";

const DIST = join(import.meta.dirname, "../../dist/web");
let t: TestApp;
let entry: string;

beforeAll(async () => {
  ensureWebBundle();
  entry = readFileSync(join(DIST, "index.html"), "utf8").match(/src="(\/assets\/[^"]+\.js)"/)?.[1] ?? "";
  t = await startTestApp();
});
afterAll(async () => await t.close());

const get = (url: string, acceptEncoding?: string) =>
  t.app.inject({ method: "GET", url, headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} });

describe("the web app as a browser downloads it", () => {
  it("sends hashed scripts brotli-compressed to browsers that accept it, cached for a year as immutable", async () => {
    expect(entry).toMatch(/^\/assets\/.+\.js$/);
    const original = readFileSync(join(DIST, entry));
    const res = await get(entry, "gzip, deflate, br, zstd");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.rawPayload.length).toBeLessThan(original.length / 2);
    expect(brotliDecompressSync(res.rawPayload).equals(original)).toBe(true);
  });

  it("falls back to gzip, then to the plain file, as the browser asks", async () => {
    const original = readFileSync(join(DIST, entry));
    const gz = await get(entry, "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);
    const plain = await get(entry);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.rawPayload.equals(original)).toBe(true);
  });

  it("compresses every stylesheet and script of the build", async () => {
    const assets = readdirSync(join(DIST, "assets")).filter((f) => /\.(js|css)$/.test(f));
    expect(assets.length).toBeGreaterThan(10);
    for (const file of assets) {
      const res = await get(`/assets/${file}`, "br");
      expect(res.headers["content-encoding"], file).toBe("br");
    }
  });

  it("answers every page URL with the app's index, compressed and revalidated on each load", async () => {
    for (const url of ["/", "/inbox", "/cases/1049", "/portal", "/portal/cases"]) {
      const res = await get(url, "br;q=1.0, gzip;q=0.8");
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-encoding"], url).toBe("br");
      expect(res.headers["cache-control"], url).toBe("no-cache");
      expect(res.headers.vary, url).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(res.rawPayload).toString(), url).toContain('<div id="root">');
    }
  });

  it("answers a script the current release does not have with 404, not with the index page", async () => {
    const res = await get("/assets/index-from-an-older-release.js", "br");
    expect(res.statusCode).toBe(404);
  });
});
