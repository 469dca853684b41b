import fc from "fast-check";
import sanitizeHtml from "sanitize-html";
import { describe, expect, it } from "vitest";
import { htmlToText, sanitizeEmailHtml, splitQuotedHistory } from "./mail-html";

type SeenTag = { name: string; attribs: Record<string, string> };

function tagsOf(html: string): SeenTag[] {
  const seen: SeenTag[] = [];
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    onOpenTag: (name, attribs) => seen.push({ name, attribs: { ...attribs } }),
  });
  return seen;
}

const clean = (html: string, options = {}) => sanitizeEmailHtml(html, options).html;

describe("sanitizeEmailHtml", () => {
  it.each([
    ["script", "<script>alert(1)</script><p>ok</p>"],
    ["style", "<style>p { color: red }</style><p>ok</p>"],
    ["iframe", '<iframe src="https://x.example"></iframe><p>ok</p>'],
    ["object", '<object data="x.swf"></object><p>ok</p>'],
    ["embed", '<embed src="x.swf"><p>ok</p>'],
    ["form", '<form action="https://x.example"><p>ok</p></form>'],
    ["input", '<input name="password"><p>ok</p>'],
    ["button", "<button>go</button><p>ok</p>"],
    ["meta", '<meta http-equiv="refresh" content="0;url=https://x.example"><p>ok</p>'],
    ["link", '<link rel="stylesheet" href="https://x.example/a.css"><p>ok</p>'],
    ["base", '<base href="https://x.example/"><p>ok</p>'],
    ["svg", "<svg><circle/></svg><p>ok</p>"],
    ["math", "<math><mi>x</mi></math><p>ok</p>"],
    ["textarea", "<textarea>x</textarea><p>ok</p>"],
    ["frameset", "<frameset><frame src=x></frameset><p>ok</p>"],
  ])("removes <%s>", (tag, html) => {
    const output = clean(html);
    expect(tagsOf(output).map((seen) => seen.name)).not.toContain(tag);
    expect(output).toContain("<p>ok</p>");
  });

  it("drops the content of script and style, keeps the text of other removed tags", () => {
    expect(clean("<script>steal()</script><style>.x{}</style>")).toBe("");
    expect(clean("<form><button>Log in</button></form>")).toBe("Log in");
  });

  it("removes event handlers in any case", () => {
    const output = clean(
      '<p onclick="a()" OnMouseOver="b()">x</p><img src="cid:a" onerror="c()"><a href="https://ok.example" onfocus="d()">y</a>',
      { cidMap: { a: "/files/a" } },
    );
    for (const tag of tagsOf(output)) {
      expect(Object.keys(tag.attribs).filter((name) => name.startsWith("on"))).toEqual([]);
    }
  });

  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "/relative/path",
    "relative.html",
    "#fragment",
    "ftp://files.example/x",
    "file:///etc/passwd",
  ])("drops the link target %j", (href) => {
    const output = clean(`<a href="${href}">label</a>`);
    expect(output).toBe("<a>label</a>");
  });

  it("forces rel and target on links and normalizes the URL", () => {
    const [link] = tagsOf(clean('<a href=" https://shop.example/pay?x=1 " rel="opener" target="_self">pay</a>'));
    expect(link?.attribs).toEqual({
      href: "https://shop.example/pay?x=1",
      rel: "noopener noreferrer nofollow",
      target: "_blank",
    });
  });

  it("treats protocol-relative links as https", () => {
    expect(tagsOf(clean('<a href="//cdn.example/x">x</a>'))[0]?.attribs.href).toBe("https://cdn.example/x");
  });

  it("keeps mailto and tel links", () => {
    const hrefs = tagsOf(clean('<a href="mailto:ada@example.com">m</a><a href="tel:+4930123">t</a>')).map(
      (tag) => tag.attribs.href,
    );
    expect(hrefs).toEqual(["mailto:ada@example.com", "tel:+4930123"]);
  });

  it("parks remote images in data-remote-src and counts them", () => {
    const result = sanitizeEmailHtml(
      '<img src="https://t.example/open.gif?u=1" alt="a"><img src="http://t.example/p.png"><img src="//t.example/x.png">',
    );
    expect(result.blockedRemoteImages).toBe(3);
    expect(tagsOf(result.html).map((tag) => tag.attribs)).toEqual([
      { "data-remote-src": "https://t.example/open.gif?u=1", alt: "a" },
      { "data-remote-src": "http://t.example/p.png" },
      { "data-remote-src": "https://t.example/x.png" },
    ]);
  });

  it("loads remote images when allowed", () => {
    const result = sanitizeEmailHtml('<img src="https://t.example/a.png">', { allowRemoteImages: true });
    expect(result.blockedRemoteImages).toBe(0);
    expect(tagsOf(result.html)[0]?.attribs).toEqual({ src: "https://t.example/a.png" });
  });

  it("ignores a data-remote-src the sender wrote", () => {
    const output = clean('<img data-remote-src="javascript:alert(1)" alt="x">');
    expect(tagsOf(output)[0]?.attribs).toEqual({ alt: "x" });
  });

  it("drops srcset, background attributes and relative image sources", () => {
    const output = clean(
      '<img src="/api/v1/logout" srcset="https://t.example/2x.png 2x"><table background="https://t.example/bg.gif"><tr><td background="x.gif">c</td></tr></table>',
    );
    expect(output).not.toMatch(/srcset|background|logout/);
  });

  it("rewrites cid: references through the map, matching content ids loosely", () => {
    const cidMap = { "<Logo.PNG@01D9>": "/api/v1/attachments/1/download", "sig@x": "/api/v1/attachments/2/download" };
    const output = clean(
      '<img src="cid:logo.png@01d9"><img src="CID:%3Csig@x%3E"><img src="cid:unknown@x" alt="gone">',
      { cidMap },
    );
    expect(tagsOf(output).map((tag) => tag.attribs)).toEqual([
      { src: "/api/v1/attachments/1/download" },
      { src: "/api/v1/attachments/2/download" },
      { alt: "gone" },
    ]);
  });

  it("allows small base64 raster data images only", () => {
    const png =
      "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    expect(tagsOf(clean(`<img src="${png}">`))[0]?.attribs.src).toBe(png);
    expect(tagsOf(clean('<img src="data:image/svg+xml;base64,PHN2Zz4=">'))[0]?.attribs).toEqual({});
    expect(tagsOf(clean('<img src="data:image/png,<svg>">'))[0]?.attribs).toEqual({});
    const huge = `data:image/png;base64,${"A".repeat(2 * 1024 * 1024)}`;
    expect(tagsOf(clean(`<img src="${huge}">`))[0]?.attribs).toEqual({});
  });

  it("keeps harmless inline styles and drops dangerous ones", () => {
    const output = clean(
      "<p style=\"color: #c00; font-family: 'Segoe UI', Arial; position: fixed; background: url(https://t.example/x); width: expression(alert(1)); margin: 0 auto; background-image: url(x)\">x</p>",
    );
    const style = tagsOf(output)[0]?.attribs.style ?? "";
    expect(style).toContain("color:#c00");
    expect(style).toContain("font-family:'Segoe UI', Arial");
    expect(style).toContain("margin:0 auto");
    expect(style).not.toMatch(/position|url|expression|background/);
  });

  it("drops styles that would move content outside its message (positioning, negative margins and indents)", () => {
    const output = clean(
      '<div style="position: fixed; top: 0; left: 0; z-index: 9999; inset: 0; margin: -5000px 0 0 -5000px; margin-top: -999em; margin-left: -.5px; text-indent: -9999px; transform: translate(-100vw); float: left; color: red">x</div>',
    );
    const style = tagsOf(output)[0]?.attribs.style ?? "";
    expect(style).toBe("color:red");
    const kept = tagsOf(clean('<p style="margin: 0 auto 12px 0; margin-left: 2em; text-indent: 1em">y</p>'))[0];
    expect(kept?.attribs.style).toBe("margin:0 auto 12px 0;margin-left:2em;text-indent:1em");
    fc.assert(
      fc.property(
        fc.constantFrom("margin", "margin-top", "margin-right", "margin-bottom", "margin-left", "text-indent"),
        fc.array(fc.oneof(fc.integer({ min: -99999, max: 99999 }), fc.constant(0)), { minLength: 1, maxLength: 4 }),
        fc.constantFrom("px", "em", "%", "vw", "pt", ""),
        (property, numbers, unit) => {
          const value = numbers.map((n) => `${n}${unit}`).join(" ");
          const style = tagsOf(clean(`<p style="${property}: ${value}">z</p>`))[0]?.attribs.style ?? "";
          expect(style.replace(/^[a-z-]+:/, "")).not.toContain("-");
        },
      ),
    );
  });

  it("removes id, name and class so mail cannot clobber the page's DOM", () => {
    const output = clean('<p id="app" class="btn" name="x">x</p><a name="top">y</a>');
    expect(output).toBe("<p>x</p><a>y</a>");
  });

  it("keeps ordinary formatting and tables", () => {
    const html =
      '<table width="100%" cellpadding="4"><tr><td align="center" colspan="2"><b>Hi</b> <i>there</i></td></tr></table><ul><li>one</li></ul><blockquote>q</blockquote>';
    expect(clean(html)).toBe(html);
  });

  it("keeps nesting that real mail uses", () => {
    const html = `${"<blockquote><div>".repeat(100)}x${"</div></blockquote>".repeat(100)}`;
    expect(clean(html)).toBe(html);
  });

  it("escapes text and attribute values", () => {
    const output = clean('<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">a &lt;script&gt; b</p>');
    expect(output).not.toContain("<script");
    expect(tagsOf(output).map((tag) => tag.name)).toEqual(["p"]);
  });

  it("survives mutation-XSS classics", () => {
    const payloads = [
      '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>',
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
      "<svg><style><img src=x onerror=alert(1)></style></svg>",
      "<xmp><img src=x onerror=alert(1)></xmp>",
      '<a href="jav&#x09;ascript:alert(1)">x</a>',
      "<img src=`javascript:alert(1)`>",
      "<!--<img src=x onerror=alert(1)>-->",
      "<title><img src=x onerror=alert(1)></title>",
    ];
    for (const payload of payloads) {
      for (const tag of tagsOf(clean(payload))) {
        expect(Object.keys(tag.attribs).some((name) => name.startsWith("on"))).toBe(false);
        expect(tag.attribs.href ?? "").not.toMatch(/script:/i);
        expect(tag.attribs.src ?? "").not.toMatch(/script:|^x$/i);
      }
    }
  });

  it("only ever emits allow-listed tags and safe URLs for arbitrary markup", () => {
    const fragment = fc.oneof(
      fc.constantFrom(
        "<script>",
        "</script>",
        "<img src=",
        "<a href=",
        "<iframe>",
        "<svg>",
        "<style>",
        "<p ",
        "<div>",
        "</div>",
        "<form>",
        "<input>",
        "<object>",
        "<math>",
        "<noscript>",
        "<!--",
        "-->",
        "<![CDATA[",
        ">",
        '"',
        "'",
        "=",
        " ",
        "onerror=",
        "onclick=",
        "javascript:",
        "java\tscript:",
        "&#106;",
        "&colon;",
        "data:text/html,",
        "data:image/png;base64,AAAA",
        "https://t.example/x.png",
        "//t.example/x",
        "cid:a@b",
        "style=",
        "url(",
        "expression(",
      ),
      fc.string({ maxLength: 8 }),
    );
    const allowed = new Set([
      ...["a", "abbr", "address", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite", "code"],
      ...["col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font"],
      ...["h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre"],
      ...["q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot"],
      ...["th", "thead", "tr", "tt", "u", "ul", "var", "wbr"],
    ]);
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), fc.boolean(), (parts, allowRemoteImages) => {
        const output = sanitizeEmailHtml(parts.join(""), { cidMap: { "a@b": "/files/1" }, allowRemoteImages }).html;
        for (const tag of tagsOf(output)) {
          expect(allowed.has(tag.name)).toBe(true);
          for (const [name, value] of Object.entries(tag.attribs)) {
            expect(name.startsWith("on")).toBe(false);
            if (name === "href") expect(value).toMatch(/^(?:https?:\/\/|mailto:|tel:)/);
            if (name === "src")
              expect(value).toMatch(
                allowRemoteImages ? /^(?:https?:\/\/|\/files\/1$|data:image\/)/ : /^(?:\/files\/1$|data:image\/)/,
              );
            if (name === "style") expect(value).not.toMatch(/url|expression|\\/i);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("handles 5,000 links quickly", () => {
    const html = Array.from(
      { length: 5000 },
      (_value, index) => `<a href="https://l.example/${index}">${index}</a>`,
    ).join("");
    const started = performance.now();
    const output = clean(html);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(output.match(/rel="noopener noreferrer nofollow"/g)).toHaveLength(5000);
  });
});

describe("htmlToText", () => {
  it("turns blocks into lines and paragraphs", () => {
    expect(
      htmlToText("<h1>Title</h1><p>First   paragraph\nwraps</p><p>Second</p><div>line</div><div>line 2</div>"),
    ).toBe("Title\n\nFirst paragraph wraps\n\nSecond\n\nline\nline 2");
  });

  it("honours <br> and collapses blank lines", () => {
    expect(htmlToText("a<br>b<br><br><br><br>c")).toBe("a\nb\n\nc");
  });

  it("renders lists with markers and nesting", () => {
    expect(
      htmlToText("<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul><ol start=3><li>c</li><li>d</li></ol>"),
    ).toBe("- one\n- two\n  - inner\n\n 3. c\n 4. d");
  });

  it("keeps link targets that differ from the label", () => {
    expect(htmlToText('<a href="https://x.example/pay">Pay now</a>')).toBe("Pay now (https://x.example/pay)");
    expect(htmlToText('<a href="https://x.example/">https://x.example/</a>')).toBe("https://x.example/");
    expect(htmlToText('<a href="mailto:ada@example.com">ada@example.com</a>')).toBe("ada@example.com");
    expect(htmlToText('<a href="javascript:alert(1)">click</a>')).toBe("click");
    expect(htmlToText('<a href="https://x.example/i"><img src="cid:x"></a>')).toBe("https://x.example/i");
  });

  it("prefixes blockquotes so quoted history stays recognisable", () => {
    expect(
      htmlToText("<p>Reply</p><blockquote><p>Quoted</p><blockquote>Older</blockquote></blockquote><p>After</p>"),
    ).toBe("Reply\n\n> Quoted\n>\n> > Older\n\nAfter");
  });

  it("preserves whitespace in <pre>", () => {
    expect(htmlToText("<p>x</p><pre>  a  b\n    c</pre>")).toBe("x\n\n  a  b\n    c");
  });

  it("separates table cells and rows", () => {
    expect(htmlToText("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>")).toBe(
      "a   b\nc   d",
    );
  });

  it("decodes entities", () => {
    expect(
      htmlToText("<p>&amp; &lt;b&gt; &quot;q&quot; &eacute; &#x1F600; &#8364; caf&eacute;&nbsp;x &amp;amp;</p>"),
    ).toBe('& <b> "q" é 😀 € café x &amp;');
  });

  it("skips scripts, styles, titles, comments and head metadata", () => {
    expect(
      htmlToText(
        "<html><head><title>T</title><style>p{}</style><script>var a = '<p>';</script></head><body><!-- c -->Body</body></html>",
      ),
    ).toBe("Body");
  });

  it("uses image alt text and draws rules", () => {
    expect(htmlToText('<p>Logo: <img src="x" alt="ACME"></p><hr><p>end</p>')).toBe("Logo: ACME\n\n---\n\nend");
  });

  it("copes with broken markup", () => {
    expect(htmlToText("<p>open <b>bold <i>both</p> tail </div></div><")).toBe("open bold both\n\ntail <");
    expect(htmlToText("")).toBe("");
    expect(htmlToText("plain text only")).toBe("plain text only");
  });

  it("never throws and never leaves tags from script or style", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(
              "<p>",
              "</p>",
              "<br>",
              "<blockquote>",
              "</blockquote>",
              "<pre>",
              "</pre>",
              "<li>",
              "<a href=https://a.example>",
              "</a>",
              "<script>x<y</script>",
              "&amp;",
              "&#0;",
              "\n",
              " ",
            ),
            fc.string({ maxLength: 6 }),
          ),
          { maxLength: 60 },
        ),
        (parts) => {
          const text = htmlToText(parts.join(""));
          expect(text).not.toContain("x<y");
          expect(text).not.toMatch(/\r/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is linear on deeply nested and large input", () => {
    const started = performance.now();
    expect(htmlToText(`${"<div>".repeat(200_000)}deep${"</div>".repeat(200_000)}`)).toBe("deep");
    const flattened = sanitizeEmailHtml(`${"<blockquote>".repeat(200_000)}deep`).html;
    expect(flattened).toContain("deep");
    expect(flattened.match(/<blockquote>/g)?.length).toBeLessThanOrEqual(512);
    expect(htmlToText(`<pre>${" ".repeat(200_000)}x</pre>`).trim()).toBe("x");
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe("splitQuotedHistory", () => {
  it("splits at a Gmail style attribution", () => {
    const text =
      "Thanks, it works now.\n\nOn Mon, Nov 23, 2026 at 9:00 AM Support <support@desk.example> wrote:\n> Please restart.\n> Regards";
    expect(splitQuotedHistory(text)).toEqual({
      visible: "Thanks, it works now.",
      quoted: "On Mon, Nov 23, 2026 at 9:00 AM Support <support@desk.example> wrote:\n> Please restart.\n> Regards",
    });
  });

  it("recognises an attribution wrapped over two lines", () => {
    const text = "Yes.\n\nOn Mon, Nov 23, 2026 at 9:00 AM Support Team <\nsupport@desk.example> wrote:\n> Question?";
    expect(splitQuotedHistory(text).visible).toBe("Yes.");
  });

  it.each([
    ["German", "Am 23.11.2026 um 09:00 schrieb Support <support@desk.example>:"],
    ["French", "Le lun. 23 nov. 2026 à 09:00, Support <support@desk.example> a écrit :"],
    ["Spanish", "El lun, 23 nov 2026 a las 9:00, Support (<support@desk.example>) escribió:"],
    ["Dutch", "Op ma 23 nov. 2026 om 09:00 schreef Support <support@desk.example>:"],
  ])("recognises the %s attribution", (_language, attribution) => {
    expect(splitQuotedHistory(`Danke!\n\n${attribution}\n> Frage`)).toEqual({
      visible: "Danke!",
      quoted: `${attribution}\n> Frage`,
    });
  });

  it("splits at -----Original Message-----", () => {
    const text = "See below.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nSent: Monday\r\n\r\nOld text";
    expect(splitQuotedHistory(text)).toEqual({
      visible: "See below.",
      quoted: "-----Original Message-----\nFrom: Support\nSent: Monday\n\nOld text",
    });
  });

  it("splits at an Outlook header block with its separator rule", () => {
    const text =
      "Thanks, that fixed it.\n\n________________________________\nFrom: Support <support@desk.example>\nSent: Monday, November 23, 2026 9:00 AM\nTo: Ada <ada@example.com>\nSubject: [#1234] Printer\n\nPlease restart the printer.";
    const result = splitQuotedHistory(text);
    expect(result.visible).toBe("Thanks, that fixed it.");
    expect(result.quoted?.startsWith("________________________________\nFrom: Support")).toBe(true);
    expect(result.quoted?.endsWith("Please restart the printer.")).toBe(true);
  });

  it("splits at a German Outlook header block", () => {
    const text =
      "Danke.\n\nVon: Support <support@desk.example>\nGesendet: Montag, 23. November 2026 09:00\nAn: Ada\nBetreff: Drucker\n\nAlt";
    expect(splitQuotedHistory(text).visible).toBe("Danke.");
  });

  it("does not split at a lone From: line in prose", () => {
    const text = "Details of the order:\nFrom: Berlin\nTo: Hamburg\nWeight: 3 kg";
    expect(splitQuotedHistory(text)).toEqual({ visible: text, quoted: null });
  });

  it("collapses a trailing > block without attribution", () => {
    expect(splitQuotedHistory("My answer\n\n> old line 1\n>\n> old line 2\n")).toEqual({
      visible: "My answer",
      quoted: "> old line 1\n>\n> old line 2",
    });
  });

  it("keeps inline answers between quotes visible", () => {
    const text = "On Mon, Support wrote:\n> Question one?\nAnswer one.\n> Question two?\nAnswer two.";
    expect(splitQuotedHistory(text)).toEqual({ visible: text, quoted: null });
  });

  it("collapses the leading quote of a bottom-posted reply", () => {
    expect(splitQuotedHistory("On Mon, Support wrote:\n> Question?\n\nMy answer below.")).toEqual({
      visible: "My answer below.",
      quoted: "On Mon, Support wrote:\n> Question?",
    });
  });

  it("returns everything as visible when nothing is quoted or all of it is", () => {
    expect(splitQuotedHistory("Just a message.")).toEqual({ visible: "Just a message.", quoted: null });
    expect(splitQuotedHistory("> only\n> quotes")).toEqual({ visible: "> only\n> quotes", quoted: null });
    expect(splitQuotedHistory("")).toEqual({ visible: "", quoted: null });
  });

  it("works on text rendered from HTML blockquotes", () => {
    const text = htmlToText("<p>Fine now.</p><p>On Mon, Support wrote:</p><blockquote><p>Try again</p></blockquote>");
    expect(splitQuotedHistory(text)).toEqual({ visible: "Fine now.", quoted: "On Mon, Support wrote:\n\n> Try again" });
  });

  it("returns parts of the original text, with a visible part whenever something is quoted", () => {
    const line = fc.oneof(
      fc.constantFrom(
        "> quoted",
        ">",
        "",
        "On Mon, X wrote:",
        "-----Original Message-----",
        "From: X",
        "Sent: Mon",
        "To: Y",
        "Subject: Z",
        "____________",
      ),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.join("\n");
        const result = splitQuotedHistory(text);
        if (result.quoted === null) {
          expect(result.visible).toBe(text);
        } else {
          expect(result.visible.trim().length).toBeGreaterThan(0);
          expect(result.quoted.trim().length).toBeGreaterThan(0);
          expect(text).toContain(result.visible);
          expect(text).toContain(result.quoted);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is linear on long input", () => {
    const text = ["Top", ...Array.from({ length: 100_000 }, (_value, index) => (index % 2 ? "> q" : "a"))].join("\n");
    const started = performance.now();
    splitQuotedHistory(text);
    splitQuotedHistory(`${"On ".repeat(100_000)}\n${"x ".repeat(500_000)}`);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
