import { readableOnWhite, textOn } from "../../../shared/branding";
import type { TBranding } from "../../../shared/contracts/branding";
import type { TCustomField } from "../../../shared/contracts/cases";
import type { TPublicExecutiveLetter } from "../../../shared/contracts/executive";
import { WEBFORM_HONEYPOT, WEBFORM_LIMITS } from "../../../shared/contracts/webform";
import { escapeHtml as e } from "../../platform/html";

export const WEBFORM_ACTION = "/api/v1/webform/submissions";

/**
 * Inline styles only and no inline script: the pages' Content-Security-Policy allows nothing else. Which sites
 * may frame them is configured (EXTRAMILE_WEBFORM_FRAME_ANCESTORS).
 */
export const WEBFORM_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  styleSrc: ["'unsafe-inline'"],
  imgSrc: ["'self'"],
  scriptSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
};

const styles = (b: TBranding): string => {
  const accent = readableOnWhite(b.primaryColor);
  return `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1b1e;background:#f4f5f7;line-height:1.5}
header{background:${b.primaryColor};color:${textOn(b.primaryColor)};padding:12px 16px;display:flex;align-items:center;gap:12px}
header img{max-height:36px;max-width:160px}
header span{font-weight:600;font-size:1.1rem}
main{max-width:640px;margin:0 auto;padding:16px}
.embed main{padding:8px}
.card{background:#fff;border-radius:8px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 12px}
label{display:block;font-weight:600;margin:14px 0 4px}
.hint{font-weight:400;color:#495057;font-size:.9rem}
input[type=text],input[type=email],input[type=number],input[type=date],select,textarea{width:100%;font:inherit;padding:8px 10px;border:1px solid #868e96;border-radius:6px;background:#fff;color:inherit}
textarea{min-height:160px;resize:vertical}
input:focus,select:focus,textarea:focus,button:focus,a:focus{outline:3px solid ${accent};outline-offset:2px}
.check{display:flex;gap:8px;align-items:center;font-weight:600;margin-top:14px}
button{margin-top:18px;font:inherit;font-weight:600;border:0;border-radius:6px;padding:10px 18px;background:${b.primaryColor};color:${textOn(b.primaryColor)};cursor:pointer;width:100%}
a{color:${accent}}
.errors{border:2px solid #c92a2a;border-radius:6px;padding:8px 12px;color:#a51111;background:#fff5f5}
.field-error{color:#a51111;font-size:.9rem;margin:4px 0 0}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
fieldset{border:1px solid #ced4da;border-radius:6px;margin:14px 0 0;padding:8px 12px 12px}
legend{font-weight:600;padding:0 4px}
fieldset .check{margin-top:8px}
.letter{border-left:4px solid ${accent};margin:10px 0 0;padding:4px 12px;background:#f8f9fa}
.letter p{margin:6px 0}
@media (min-width:600px){button{width:auto}}`;
};

const page = (b: TBranding, title: string, body: string, embed: boolean): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · ${e(b.companyName)}</title>
<style>${styles(b)}</style>
${embed ? '<script src="/form/frame.js" defer></script>' : ""}
</head>
<body class="${embed ? "embed" : ""}">
${
  embed
    ? ""
    : `<header>${b.logoUrl ? `<img src="${e(b.logoUrl)}" alt="">` : ""}<span>${e(b.companyName)}</span></header>`
}
<main>${body}</main>
</body>
</html>`;

export interface FormState {
  values: Record<string, string>;
  error: { field: string | null; message: string } | null;
}

const fieldInput = (f: TCustomField, value: string, invalid: boolean): string => {
  const id = `cf-${e(f.key)}`;
  const name = `cf.${e(f.key)}`;
  const aria = invalid ? ` aria-invalid="true" aria-describedby="error-message"` : "";
  switch (f.type) {
    case "checkbox":
      return `<div class="check"><input type="checkbox" id="${id}" name="${name}"${value === "on" ? " checked" : ""}${aria}><label for="${id}" style="margin:0">${e(f.label)}</label></div>`;
    case "select":
      return `<label for="${id}">${e(f.label)} <span class="hint">(optional)</span></label><select id="${id}" name="${name}"${aria}><option value="">Choose…</option>${f.options
        .map((o) => `<option${o === value ? " selected" : ""}>${e(o)}</option>`)
        .join("")}</select>`;
    default: {
      const type = f.type === "number" ? "number" : f.type === "date" ? "date" : "text";
      return `<label for="${id}">${e(f.label)} <span class="hint">(optional)</span></label><input type="${type}" id="${id}" name="${name}" value="${e(value)}" maxlength="${WEBFORM_LIMITS.customFieldValue}"${aria}>`;
    }
  }
};

/** "Write to the chief executive", when the company offers it: the choice and the executive's own words. */
const addresseeChoice = (executive: TPublicExecutiveLetter, chosen: string, invalid: boolean): string => {
  if (!executive.available) return "";
  const name = e(executive.executiveName ?? "");
  const aria = invalid ? ` aria-invalid="true" aria-describedby="error-message"` : "";
  const paragraphs = (executive.message ?? "")
    .split(/\n\s*\n/)
    .map((p) => `<p>${e(p.trim())}</p>`)
    .join("");
  return `<fieldset><legend>Who should read this?</legend>
<div class="check"><input type="radio" id="to-team" name="addressedTo" value="team"${chosen === "executive" ? "" : " checked"}${aria}><label for="to-team" style="margin:0">Our customer service team</label></div>
<div class="check"><input type="radio" id="to-executive" name="addressedTo" value="executive" aria-describedby="executive-message"${chosen === "executive" ? " checked" : ""}${aria}><label for="to-executive" style="margin:0">Write to the chief executive, ${name}</label></div>
<blockquote class="letter" id="executive-message">${paragraphs}<p>— ${name}</p></blockquote>
</fieldset>`;
};

/** The hosted web form; works without JavaScript (a plain multipart POST to the public endpoint). */
export const renderFormPage = (
  b: TBranding,
  fields: TCustomField[],
  state: FormState,
  opts: { embed: boolean; maxFileMb: number; executive: TPublicExecutiveLetter },
): string => {
  const v = (k: string) => e(state.values[k] ?? "");
  const bad = (k: string) => state.error?.field === k || state.error?.field === `customFields.${k}`;
  const attrs = (k: string) => (bad(k) ? ` aria-invalid="true" aria-describedby="error-message"` : "");
  const body = `<div class="card">
<h1>Contact ${e(b.companyName)}</h1>
${state.error ? `<div class="errors" role="alert" id="error-message">${e(state.error.message)}</div>` : ""}
<form method="post" action="${WEBFORM_ACTION}${opts.embed ? "?embed=1" : ""}" enctype="multipart/form-data">
${addresseeChoice(opts.executive, state.values.addressedTo ?? "team", bad("addressedTo"))}
<label for="name">Your name</label>
<input type="text" id="name" name="name" autocomplete="name" required maxlength="${WEBFORM_LIMITS.name}" value="${v("name")}"${attrs("name")}>
<label for="email">Your email address</label>
<input type="email" id="email" name="email" autocomplete="email" required maxlength="320" value="${v("email")}"${attrs("email")}>
<label for="subject">Subject</label>
<input type="text" id="subject" name="subject" required maxlength="${WEBFORM_LIMITS.subject}" value="${v("subject")}"${attrs("subject")}>
<label for="description">How can we help?</label>
<textarea id="description" name="description" required maxlength="${WEBFORM_LIMITS.description}"${attrs("description")}>${v("description")}</textarea>
${fields.map((f) => fieldInput(f, state.values[`cf.${f.key}`] ?? "", bad(f.key))).join("\n")}
<label for="files">Attachments <span class="hint">(optional, up to ${WEBFORM_LIMITS.files} files of ${opts.maxFileMb} MB)</span></label>
<input type="file" id="files" name="files" multiple>
<div class="hp" aria-hidden="true"><label for="${WEBFORM_HONEYPOT}">Leave this empty</label><input type="text" id="${WEBFORM_HONEYPOT}" name="${WEBFORM_HONEYPOT}" tabindex="-1" autocomplete="off"></div>
<button type="submit">Send request</button>
</form>
</div>`;
  return page(b, "Contact us", body, opts.embed);
};

export const renderSentPage = (b: TBranding, caseNumber: number | null, message: string, embed: boolean): string =>
  page(
    b,
    "Request received",
    `<div class="card" role="status"><h1>Request received</h1><p>${e(message)}</p>${
      caseNumber !== null ? `<p>Your request number is <strong>#${caseNumber}</strong>.</p>` : ""
    }<p><a href="/portal"${embed ? ' target="_top"' : ""}>Follow your requests in our customer portal</a></p></div>`,
    embed,
  );

/** The embed snippet: `<script src="…/form/embed.js" async></script>` puts the form in an iframe that sizes itself. */
export const embedScript = (origin: string): string => `(function () {
  var here = document.currentScript;
  var frame = document.createElement("iframe");
  frame.src = ${JSON.stringify(`${origin}/form?embed=1`)};
  frame.title = "Contact form";
  frame.style.cssText = "width:100%;height:760px;border:0;";
  frame.setAttribute("loading", "lazy");
  here.parentNode.insertBefore(frame, here.nextSibling);
  window.addEventListener("message", function (ev) {
    if (ev.origin !== ${JSON.stringify(origin)} || ev.source !== frame.contentWindow) return;
    if (ev.data && ev.data.type === "extramile-form-height" && typeof ev.data.height === "number") {
      frame.style.height = Math.min(Math.max(ev.data.height, 200), 4000) + "px";
    }
  });
})();
`;

/** Runs inside the embedded form: tells the embedding page how tall the form is. */
export const FRAME_SCRIPT = `(function () {
  function post() {
    parent.postMessage({ type: "extramile-form-height", height: document.documentElement.scrollHeight }, "*");
  }
  window.addEventListener("load", post);
  new ResizeObserver(post).observe(document.body);
})();
`;
