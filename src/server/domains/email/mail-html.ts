import { convert, type HtmlToTextOptions } from "html-to-text";
import sanitizeHtml from "sanitize-html";

export type SanitizeEmailHtmlOptions = {
  cidMap?: Record<string, string>;
  allowRemoteImages?: boolean;
};

export type SanitizedEmailHtml = {
  html: string;
  blockedRemoteImages: number;
};

export type QuotedSplit = {
  visible: string;
  quoted: string | null;
};

const ALLOWED_TAGS = [
  "a",
  "abbr",
  "address",
  "b",
  "bdi",
  "bdo",
  "blockquote",
  "br",
  "caption",
  "center",
  "cite",
  "code",
  "col",
  "colgroup",
  "dd",
  "del",
  "dfn",
  "div",
  "dl",
  "dt",
  "em",
  "figcaption",
  "figure",
  "font",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "img",
  "ins",
  "kbd",
  "li",
  "mark",
  "ol",
  "p",
  "pre",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "tt",
  "u",
  "ul",
  "var",
  "wbr",
];

const TABLE_CELL_ATTRIBUTES = ["align", "valign", "width", "height", "colspan", "rowspan", "bgcolor", "nowrap"];

const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  "*": ["dir", "lang", "title", "style"],
  a: ["href", "rel", "target"],
  img: ["src", "alt", "width", "height", "data-remote-src"],
  font: ["color", "face", "size"],
  table: ["align", "width", "border", "cellpadding", "cellspacing", "bgcolor", "summary"],
  td: TABLE_CELL_ATTRIBUTES,
  th: TABLE_CELL_ATTRIBUTES,
  tr: ["align", "valign", "bgcolor"],
  col: ["span", "width", "align", "valign"],
  colgroup: ["span", "width", "align", "valign"],
  p: ["align"],
  div: ["align"],
  h1: ["align"],
  h2: ["align"],
  h3: ["align"],
  h4: ["align"],
  h5: ["align"],
  h6: ["align"],
  ol: ["start", "type"],
  ul: ["type"],
  li: ["value"],
  blockquote: ["cite"],
  q: ["cite"],
  del: ["cite", "datetime"],
  ins: ["cite", "datetime"],
};

const cssToken = (sign: string) =>
  `(?:${sign}\\d{0,10}\\.?\\d{1,10}(?:px|em|rem|pt|pc|ex|ch|%|vh|vw|cm|mm|in)?|#[0-9a-f]{3,8}|[a-z][a-z-]{0,30}|rgba?\\(\\s*\\d[\\d.\\s,%]{0,40}\\))`;
const cssValue = (token: string) => new RegExp(`^${token}(?:\\s+${token}){0,5}$`, "i");
const CSS_VALUE = cssValue(cssToken("-?"));
/** Margins and indents only push outward-in: a negative one would draw the mail over the page around it. */
const CSS_NON_NEGATIVE = cssValue(cssToken(""));
const NON_NEGATIVE_PROPERTIES = new Set([
  "margin",
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "text-indent",
]);
const CSS_FONT_FAMILY = /^[\w\s,"'-]{1,200}$/;

const STYLE_PROPERTIES = [
  "color",
  "background-color",
  "font-size",
  "font-weight",
  "font-style",
  "font-variant",
  "line-height",
  "letter-spacing",
  "text-align",
  "text-decoration",
  "text-indent",
  "text-transform",
  "vertical-align",
  "white-space",
  "word-break",
  "direction",
  "list-style-type",
  "width",
  "height",
  "max-width",
  "min-width",
  "margin",
  "margin-top",
  "margin-right",
  "margin-bottom",
  "margin-left",
  "padding",
  "padding-top",
  "padding-right",
  "padding-bottom",
  "padding-left",
  "border",
  "border-top",
  "border-right",
  "border-bottom",
  "border-left",
  "border-color",
  "border-style",
  "border-width",
  "border-radius",
  "border-collapse",
  "border-spacing",
];

const ALLOWED_STYLES: Record<string, Record<string, RegExp[]>> = {
  "*": {
    ...Object.fromEntries(
      STYLE_PROPERTIES.map((property) => [
        property,
        [NON_NEGATIVE_PROPERTIES.has(property) ? CSS_NON_NEGATIVE : CSS_VALUE],
      ]),
    ),
    "font-family": [CSS_FONT_FAMILY],
  },
};

const NON_TEXT_TAGS = ["script", "style", "textarea", "option", "xmp", "title", "noscript", "template", "noembed"];

const LINK_SCHEMES = ["http", "https", "mailto", "tel"];

const MAX_DATA_IMAGE_LENGTH = 2 * 1024 * 1024;
const DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|bmp);base64,[a-z0-9+/=\s]+$/i;

const MAX_HTML_DEPTH = 512;
const VOID_TAGS = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);
const IMPLIED_END_TAGS = new Set([
  "p",
  "li",
  "dt",
  "dd",
  "td",
  "th",
  "tr",
  "option",
  "optgroup",
  "tbody",
  "thead",
  "tfoot",
]);

function isTagNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2d
  );
}

/**
 * htmlparser2 keeps its element stack with Array#unshift, so parsing costs depth x tags: 50,000
 * nested <div>s take seconds. This linear pre-pass drops the tags (never the text) that would open
 * deeper than MAX_HTML_DEPTH, which no real mail reaches, so the parser's stack stays bounded.
 */
function limitNesting(html: string): string {
  const stack: { name: string; dropped: boolean }[] = [];
  const open = new Map<string, number>();
  const kept: string[] = [];
  let copied = 0;
  let index = html.indexOf("<");
  while (index >= 0) {
    let position = index + 1;
    if (html.startsWith("!--", position)) {
      const end = html.indexOf("-->", position + 3);
      index = end < 0 ? -1 : html.indexOf("<", end + 3);
      continue;
    }
    const closing = html.charCodeAt(position) === 0x2f;
    if (closing) position += 1;
    const nameStart = position;
    while (position < html.length && isTagNameChar(html.charCodeAt(position))) position += 1;
    if (position === nameStart) {
      index = html.indexOf("<", position);
      continue;
    }
    const end = html.indexOf(">", position);
    if (end < 0) break;
    const name = html.slice(nameStart, position).toLowerCase();
    let drop = false;
    if (!VOID_TAGS.has(name) && !IMPLIED_END_TAGS.has(name)) {
      if (!closing) {
        drop = stack.length >= MAX_HTML_DEPTH;
        stack.push({ name, dropped: drop });
        open.set(name, (open.get(name) ?? 0) + 1);
      } else if (open.get(name)) {
        let top = stack.pop();
        while (top) {
          open.set(top.name, (open.get(top.name) ?? 1) - 1);
          if (top.name === name) break;
          top = stack.pop();
        }
        drop = top?.dropped ?? false;
      }
    }
    if (drop) {
      kept.push(html.slice(copied, index));
      copied = end + 1;
    }
    index = html.indexOf("<", end + 1);
  }
  if (copied === 0) return html;
  kept.push(html.slice(copied));
  return kept.join("");
}

function compactUrl(value: string | undefined): string {
  const text = value ?? "";
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end -= 1;
  return text.slice(start, end).replace(/[\t\n\r]/g, "");
}

function absoluteHttpUrl(value: string): string | null {
  const candidate = value.startsWith("//") ? `https:${value}` : value;
  if (!/^https?:/i.test(candidate)) return null;
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function safeLinkHref(raw: string | undefined): string | null {
  const value = compactUrl(raw);
  const http = absoluteHttpUrl(value);
  if (http) return http;
  return /^(?:mailto|tel):[^<>"\p{Cc}]+$/iu.test(value) ? value : null;
}

function decodeOrKeep(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function normalizeContentId(value: string): string {
  return decodeOrKeep(value).trim().replace(/^<|>$/g, "").toLowerCase();
}

/**
 * Remote images are kept out of `src` (so nothing is fetched and senders learn nothing) and parked
 * in `data-remote-src` for an explicit "load images" action. `data:` images are allowed only for
 * raster types, base64 and below MAX_DATA_IMAGE_LENGTH: they fetch nothing, cannot run script,
 * and some clients embed pasted screenshots that way. SVG is excluded because it is a document
 * format that can carry script and links if it is ever opened outside an <img>.
 */
export function sanitizeEmailHtml(html: string, options: SanitizeEmailHtmlOptions = {}): SanitizedEmailHtml {
  const cids = new Map<string, string>();
  for (const [contentId, url] of Object.entries(options.cidMap ?? {})) {
    cids.set(normalizeContentId(contentId), url);
  }
  let blockedRemoteImages = 0;

  const transformImage = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const { src, "data-remote-src": _ignored, ...rest } = attribs;
    const value = compactUrl(src);
    if (/^cid:/i.test(value)) {
      const url = cids.get(normalizeContentId(value.slice(4)));
      return { tagName, attribs: url ? { ...rest, src: url } : rest };
    }
    if (/^data:/i.test(value)) {
      const ok = value.length <= MAX_DATA_IMAGE_LENGTH && DATA_IMAGE.test(value);
      return { tagName, attribs: ok ? { ...rest, src: value } : rest };
    }
    const remote = absoluteHttpUrl(value);
    if (!remote) return { tagName, attribs: rest };
    if (options.allowRemoteImages) return { tagName, attribs: { ...rest, src: remote } };
    blockedRemoteImages += 1;
    return { tagName, attribs: { ...rest, "data-remote-src": remote } };
  };

  const transformLink = (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const { href, rel: _rel, target: _target, ...rest } = attribs;
    const safe = safeLinkHref(href);
    if (!safe) return { tagName, attribs: rest };
    return { tagName, attribs: { ...rest, href: safe, rel: "noopener noreferrer nofollow", target: "_blank" } };
  };

  const output = sanitizeHtml(limitNesting(html), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: ALLOWED_STYLES,
    allowedSchemes: LINK_SCHEMES,
    allowedSchemesByTag: { img: ["http", "https", "data"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite", "data-remote-src"],
    allowProtocolRelative: false,
    allowVulnerableTags: false,
    disallowedTagsMode: "discard",
    nonTextTags: NON_TEXT_TAGS,
    transformTags: { img: transformImage, a: transformLink },
  });
  return { html: output, blockedRemoteImages };
}

const LINK = {
  format: "anchor",
  options: { hideLinkHrefIfSameAsText: true, linkBrackets: ["(", ")"] as [string, string] },
};

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: {
    /** An image is its alt text (and nothing when it has none). */
    altText: (elem, _walk, builder) => {
      const alt = elem.attribs?.alt?.trim();
      if (alt) builder.addInline(alt);
    },
  },
  selectors: [
    // only web and mail links keep their target; any other scheme (javascript:, data:) is just its text
    { selector: "a", format: "inline" },
    { selector: 'a[href^="http:" i]', ...LINK },
    { selector: 'a[href^="https:" i]', ...LINK },
    { selector: 'a[href^="mailto:" i]', ...LINK },
    { selector: "img", format: "altText" },
    { selector: "ul", options: { itemPrefix: "- " } },
    ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: "table", format: "dataTable", options: { uppercaseHeaderCells: false } },
    { selector: "hr", options: { length: 3 } },
  ],
};

/**
 * Plain-text rendering of an HTML body (html-to-text): block elements become lines and paragraphs, lists get
 * markers, blockquotes get "> " prefixes (so splitQuotedHistory recognises them), links keep their target in
 * parentheses when it differs from the link text; scripts, styles and images are left out.
 */
export function htmlToText(html: string): string {
  // html-to-text takes quadratic time on one long run of spaces inside <pre>; no text needs more than 256
  const bounded = limitNesting(html).replace(/[ \t]{257,}/g, (run) => run.slice(0, 256));
  return convert(bounded, TEXT_OPTIONS)
    .replace(/\u00a0/g, " ")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const ATTRIBUTION_PATTERNS = [
  /^on\s.{1,300}\swrote:$/i,
  /^am\s.{1,300}\sschrieb\s.{0,300}:$/i,
  /^le\s.{1,300}\sa\s[ée]crit\s?:$/i,
  /^el\s.{1,300}\sescribi[óo]:$/i,
  /^op\s.{1,300}\sschreef\s.{0,300}:$/i,
  /^den\s.{1,300}\sskrev\s.{0,300}:$/i,
  /^il\s.{1,300}\sha\sscritto:$/i,
  /^em\s.{1,300}\sescreveu:$/i,
];
const ORIGINAL_MESSAGE =
  /^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|oorspronkelijk bericht)\s*-{2,}$/i;
const HEADER_FROM = /^\*?(?:from|von|de|van|från|fra|da)\s?:\*?\s+\S/i;
const HEADER_SENT = /^\*?(?:sent|date|gesendet|datum|envoyé|enviado|verzonden|skickat|sendt|inviato|data)\s?:\*?\s/i;
const HEADER_OTHER =
  /^\*?(?:to|subject|cc|an|betreff|à|objet|para|asunto|aan|onderwerp|till|ämne|til|emne|a|oggetto)\s?:\*?\s/i;
const OUTLOOK_SEPARATOR = /^_{10,}$/;
const FORWARD_MARKER =
  /^(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada|videresendt meddelelse|vidarebefordrat meddelande)\s*-{2,}|begin forwarded message:|anfang der weitergeleiteten nachricht:|d[ée]but du message r[ée]exp[ée]di[ée]\s?:)$/im;
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|wg|tr|rv|enc|i|vs|vb|doorst)\s*:/i;

/** A forward: its subject says so (Fwd:, FW:, WG:, TR:, RV:…) or its text carries a forward marker line. */
export function isForward(text: string, subject: string): boolean {
  return FORWARD_SUBJECT.test(subject) || FORWARD_MARKER.test(text);
}
const MAX_MARKER_LINE = 600;

function isQuotedLine(line: string): boolean {
  return /^\s*>/.test(line);
}

function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

function isAttribution(line: string): boolean {
  const trimmed = line.trim();
  return trimmed.length <= MAX_MARKER_LINE && ATTRIBUTION_PATTERNS.some((pattern) => pattern.test(trimmed));
}

function isOutlookHeaderBlock(lines: string[], index: number): boolean {
  const first = lines[index]?.trim() ?? "";
  if (first.length > MAX_MARKER_LINE || !HEADER_FROM.test(first)) return false;
  let sent = false;
  let other = false;
  for (let offset = 1; offset <= 5 && index + offset < lines.length; offset += 1) {
    const line = (lines[index + offset] ?? "").trim();
    if (line.length > MAX_MARKER_LINE) break;
    if (HEADER_SENT.test(line)) sent = true;
    else if (HEADER_OTHER.test(line)) other = true;
  }
  return sent && other;
}

function attributionLength(lines: string[], index: number): number {
  const line = lines[index] ?? "";
  if (isBlank(line)) return 0;
  if (isAttribution(line)) return 1;
  const next = lines[index + 1];
  if (next !== undefined && !isBlank(next) && isAttribution(`${line.trim()} ${next.trim()}`)) return 2;
  return 0;
}

function split(lines: string[], cut: number): QuotedSplit | null {
  const visible = lines.slice(0, cut).join("\n").trimEnd();
  const quoted = lines.slice(cut).join("\n").trimEnd();
  if (visible.trim().length === 0 || quoted.trim().length === 0) return null;
  return { visible, quoted };
}

/**
 * Separates a reply from the history it quotes. Recognised starts of history: an attribution line
 * ("On <date>, X wrote:" and its German, French, Spanish, Dutch, Scandinavian, Italian and
 * Portuguese forms, also when wrapped over two lines), "-----Original Message-----", an Outlook
 * header block ("From:" followed within five lines by "Sent:"/"Date:" and "To:"/"Subject:",
 * with its underscore rule), and a trailing block of ">" lines. A reply written between quoted
 * lines (inline answers) is not collapsed, so no answer is ever hidden. A bottom-posted reply
 * (leading ">" block, then the answer) is split with the leading block as the quote. When nothing
 * would stay visible, the whole text is returned as visible. A forward is never split: the forwarded message is
 * what the sender wants us to read.
 */
export function splitQuotedHistory(text: string, context: { subject?: string } = {}): QuotedSplit {
  if (isForward(text, context.subject ?? "")) return { visible: text, quoted: null };
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const count = lines.length;
  const quotedFrom = new Array<boolean>(count + 1).fill(false);
  const onlyQuotedFrom = new Array<boolean>(count + 1).fill(true);
  const interleavedFrom = new Array<boolean>(count + 1).fill(false);
  for (let index = count - 1; index >= 0; index -= 1) {
    const line = lines[index] ?? "";
    const quoted = isQuotedLine(line);
    const blank = isBlank(line);
    quotedFrom[index] = quoted || (quotedFrom[index + 1] ?? false);
    onlyQuotedFrom[index] = (quoted || blank) && (onlyQuotedFrom[index + 1] ?? true);
    interleavedFrom[index] =
      (!quoted && !blank && (quotedFrom[index + 1] ?? false)) || (interleavedFrom[index + 1] ?? false);
  }

  for (let index = 0; index < count; index += 1) {
    const line = lines[index] ?? "";
    if (line.trim().length <= MAX_MARKER_LINE && ORIGINAL_MESSAGE.test(line.trim())) {
      const result = split(lines, index);
      if (result) return result;
      break;
    }
    if (isOutlookHeaderBlock(lines, index)) {
      let cut = index;
      while (cut > 0 && isBlank(lines[cut - 1] ?? "")) cut -= 1;
      if (cut > 0 && OUTLOOK_SEPARATOR.test((lines[cut - 1] ?? "").trim())) cut -= 1;
      const result = split(lines, cut);
      if (result) return result;
      break;
    }
    const attribution = attributionLength(lines, index);
    if (attribution > 0 && !interleavedFrom[index + attribution]) {
      const result = split(lines, index);
      if (result) return result;
      break;
    }
    if (isQuotedLine(line) && onlyQuotedFrom[index]) {
      const result = split(lines, index);
      if (result) return result;
      break;
    }
  }

  let start = 0;
  while (start < count && isBlank(lines[start] ?? "")) start += 1;
  let end = start + attributionLength(lines, start);
  if (!isQuotedLine(lines[end] ?? "")) return { visible: text, quoted: null };
  while (end < count && (isQuotedLine(lines[end] ?? "") || isBlank(lines[end] ?? ""))) end += 1;
  if (end >= count || interleavedFrom[end]) return { visible: text, quoted: null };
  const quoted = lines.slice(start, end).join("\n").trimEnd();
  const visible = lines.slice(end).join("\n").trim();
  return visible.length > 0 ? { visible, quoted } : { visible: text, quoted: null };
}
