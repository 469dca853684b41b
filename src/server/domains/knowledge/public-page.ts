import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../../platform/context";
import { escapeHtml } from "../../platform/html";
import { getBranding } from "../branding/branding.service";

/** What customer-facing pages show of the company: name, colour, logo. */
export interface Brand {
  companyName: string;
  primaryColor: string;
  logoUrl: string | null;
}

export interface PublicPage {
  brand: Brand;
  title: string;
  description?: string;
  /** Absolute canonical address; pages that must not be indexed (surveys) pass none and get noindex. */
  canonical?: string;
  /** Trusted HTML: built by the page renderers with every value escaped or sanitized. */
  body: string;
  /** Path of the brand link in the header. */
  home?: string;
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid var(--link);outline-offset:2px}
header.site{background:var(--brand);color:var(--on-brand);padding:12px 16px}
header.site a{color:var(--on-brand);text-decoration:none;font-weight:600;font-size:1.1rem;display:inline-flex;align-items:center;gap:8px}
header.site img{max-height:32px;max-width:160px}
main{max-width:760px;margin:0 auto;padding:16px}
.card{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:16px;margin:12px 0}
h1{font-size:1.6rem;line-height:1.25;margin:.4em 0}
h2{font-size:1.2rem;margin:.3em 0}
form.search{display:flex;gap:8px;flex-wrap:wrap}
input[type=search],input[type=text],textarea{font:inherit;padding:8px 10px;border:1px solid #6b7280;border-radius:6px;flex:1 1 220px;min-width:0;width:100%}
button,.button{font:inherit;padding:8px 14px;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:var(--on-brand);cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:#1f2328;border-color:#6b7280}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{padding:8px 0;border-bottom:1px solid #e5e7eb}
ul.plain li:last-child{border-bottom:0}
.muted{color:#57606a}
.article img{max-width:100%;height:auto}
.article table{border-collapse:collapse;max-width:100%;display:block;overflow-x:auto}
.article td,.article th{border:1px solid #d8dde3;padding:4px 8px}
fieldset{border:0;padding:0;margin:0 0 12px}
legend{font-weight:600;margin-bottom:8px}
.choices{display:flex;flex-wrap:wrap;gap:8px}
.choices label{display:inline-flex;align-items:center;gap:6px;border:1px solid #6b7280;border-radius:6px;padding:6px 10px;background:#fff}
nav.crumbs{font-size:.9rem;margin-bottom:8px}
footer.site{max-width:760px;margin:24px auto;padding:0 16px;font-size:.9rem;color:#57606a}
`;

const hex = (value: string): [number, number, number] => {
  const n = Number.parseInt(value.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

const luminance = (value: string): number => {
  const [r, g, b] = hex(value).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

const contrast = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** Brand colour as given when valid; text on it black or white, links darkened until readable on white. */
const palette = (color: string) => {
  const brand = /^#[0-9a-fA-F]{6}$/.test(color) ? color.toLowerCase() : "#1864ab";
  const onBrand = contrast(brand, "#000000") >= contrast(brand, "#ffffff") ? "#000000" : "#ffffff";
  let link = brand;
  let [r, g, b] = hex(brand);
  while (contrast(link, "#ffffff") < 4.6) {
    [r, g, b] = [r * 0.9, g * 0.9, b * 0.9];
    link = `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;
  }
  return { brand, onBrand, link };
};

/** A complete, JavaScript-free HTML page for customers: readable on a phone, themed with the company's brand. */
export const renderPublicPage = (page: PublicPage): string => {
  const { brand, onBrand, link } = palette(page.brand.primaryColor);
  const name = escapeHtml(page.brand.companyName);
  const logo = page.brand.logoUrl ? `<img src="${escapeHtml(page.brand.logoUrl)}" alt="">` : "";
  const meta = [
    page.description ? `<meta name="description" content="${escapeHtml(page.description)}">` : "",
    page.canonical
      ? `<link rel="canonical" href="${escapeHtml(page.canonical)}">`
      : `<meta name="robots" content="noindex, nofollow">`,
  ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · ${name}</title>
${meta}
<style>:root{--brand:${brand};--on-brand:${onBrand};--link:${link}}${STYLE}</style>
</head>
<body>
<header class="site"><a href="${escapeHtml(page.home ?? "/help")}">${logo}<span>${name}</span></a></header>
<main id="main">
${page.body}
</main>
</body>
</html>`;
};

/** Security headers for server-rendered pages: no script may run, no framing, nothing leaves for another origin. */
export const PUBLIC_PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy":
    "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
} as const;

/** The company's brand (name, colour, logo) for customer-facing pages and mail. */
export const brandFor = async (ctx: ServiceContext): Promise<Brand> => {
  const b = await getBranding(ctx);
  return { companyName: b.companyName, primaryColor: b.primaryColor, logoUrl: b.logoUrl };
};

/** Plain HTML form posts (application/x-www-form-urlencoded) in the calling plugin, for pages without JavaScript. */
export const acceptForms = (app: FastifyInstance): void => {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 64 * 1024 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
};
