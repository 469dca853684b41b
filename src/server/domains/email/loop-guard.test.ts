import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { autoHeaders, type MailHeaders, shouldAutoReply } from "./loop-guard";

const ours = { ourAddresses: ["support@desk.example", "Billing@Desk.example"] };
const customer = { From: "Ada Customer <ada@customer.example>", "Return-Path": "<ada@customer.example>" };

const decide = (headers: MailHeaders) => shouldAutoReply({ ...customer, ...headers }, ours);

describe("shouldAutoReply", () => {
  it("allows an ordinary message from a person", () => {
    expect(shouldAutoReply(customer, ours)).toEqual({ allowed: true, reason: "ok" });
  });

  it.each([
    ["auto-generated", false],
    ["auto-replied", false],
    ["auto-notified; owner-email=x@y.example", false],
    ["no", true],
    ["No", true],
    [" no ; comment", true],
    ["", false],
  ])("Auto-Submitted: %j allowed=%s", (value, allowed) => {
    expect(decide({ "Auto-Submitted": value }).allowed).toBe(allowed);
  });

  it("reports the auto-submitted reason", () => {
    expect(decide({ "auto-submitted": "auto-replied" })).toEqual({ allowed: false, reason: "auto-submitted" });
    expect(decide({ "X-Autoreply": "yes" }).reason).toBe("auto-submitted");
    expect(decide({ "X-Autorespond": "vacation" }).reason).toBe("auto-submitted");
  });

  it.each(["bulk", "list", "junk", "BULK", " List ", "auto_reply"])("refuses Precedence: %j", (value) => {
    expect(decide({ Precedence: value })).toEqual({ allowed: false, reason: "precedence" });
  });

  it("allows other Precedence values", () => {
    expect(decide({ Precedence: "first-class" }).allowed).toBe(true);
  });

  it("refuses mailing-list traffic", () => {
    expect(decide({ "List-Id": "Users <users.lists.example>" })).toEqual({ allowed: false, reason: "mailing-list" });
    expect(decide({ "LIST-UNSUBSCRIBE": "<mailto:leave@lists.example>" }).reason).toBe("mailing-list");
  });

  it.each(["<>", "", "< >", "<> (bounce)", "  "])("refuses the null Return-Path %j", (value) => {
    expect(decide({ "Return-Path": value })).toEqual({ allowed: false, reason: "null-return-path" });
  });

  it("decides nothing from a missing Return-Path", () => {
    expect(shouldAutoReply({ From: "ada@customer.example" }, ours)).toEqual({ allowed: true, reason: "ok" });
  });

  it("refuses delivery status notifications and other reports", () => {
    expect(decide({ "Content-Type": 'multipart/report; report-type="delivery-status"; boundary=x' }).reason).toBe(
      "bounce",
    );
    expect(decide({ "content-type": "Multipart/Report; report-type=disposition-notification" }).reason).toBe("bounce");
    expect(decide({ "Content-Type": "multipart/mixed; report-type=delivery-status" }).reason).toBe("bounce");
    expect(decide({ "X-Failed-Recipients": "gone@customer.example" }).reason).toBe("bounce");
  });

  it.each([
    "MAILER-DAEMON@mx.customer.example",
    "Mail Delivery System <mailer-daemon@mx.customer.example>",
    "postmaster@customer.example",
    "<PostMaster@customer.example>",
  ])("refuses mail from %j", (from) => {
    expect(decide({ From: from })).toEqual({ allowed: false, reason: "bounce" });
  });

  it("refuses a system sender given only in Sender or Return-Path", () => {
    expect(decide({ Sender: "MAILER-DAEMON@mx.example" }).reason).toBe("bounce");
    expect(decide({ "Return-Path": "<postmaster@mx.example>" }).reason).toBe("bounce");
  });

  it.each([
    ["All", false],
    ["OOF, AutoReply", false],
    ["DR, NDR, RN, NRN, OOF, AutoReply", false],
    ["autoreply", false],
    ["DR, RN", true],
    ["None", true],
  ])("X-Auto-Response-Suppress: %j allowed=%s", (value, allowed) => {
    const decision = decide({ "X-Auto-Response-Suppress": value });
    expect(decision.allowed).toBe(allowed);
    if (!allowed) expect(decision.reason).toBe("auto-response-suppressed");
  });

  it("refuses mail from our own addresses, also with plus-addressing and other case", () => {
    expect(decide({ From: "Support <support@desk.example>" })).toEqual({ allowed: false, reason: "own-address" });
    expect(decide({ From: "SUPPORT+em-abc@DESK.example" }).reason).toBe("own-address");
    expect(decide({ From: "billing@desk.example" }).reason).toBe("own-address");
    expect(decide({ "Return-Path": "<support@desk.example>" }).reason).toBe("own-address");
  });

  it("refuses a message without a usable sender", () => {
    expect(shouldAutoReply({}, ours)).toEqual({ allowed: false, reason: "no-sender" });
    expect(shouldAutoReply({ From: "undisclosed" }, ours).reason).toBe("no-sender");
  });

  it("reads repeated headers given as arrays and under differently cased names", () => {
    expect(decide({ Received: ["a", "b"], "auto-submitted": ["no", "auto-generated"] }).reason).toBe("auto-submitted");
    expect(shouldAutoReply({ from: "ada@customer.example", FROM: "support@desk.example" }, ours).reason).toBe(
      "own-address",
    );
  });

  it("does not depend on the case of header names", () => {
    const refusing: Record<string, string> = {
      "Auto-Submitted": "auto-generated",
      Precedence: "bulk",
      "List-Id": "<l.example>",
      "Return-Path": "<>",
      "X-Auto-Response-Suppress": "All",
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(refusing)),
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        (name, upper) => {
          const cased = Array.from(name, (char, index) =>
            upper[index] ? char.toUpperCase() : char.toLowerCase(),
          ).join("");
          expect(decide({ [cased]: refusing[name] ?? "" }).allowed).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("never throws on arbitrary header values", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("From", "Sender", "Return-Path", "Content-Type", "Auto-Submitted", "Precedence", "X-Other"),
          fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
        ),
        (headers) => {
          const decision = shouldAutoReply(headers, ours);
          expect(typeof decision.allowed).toBe("boolean");
          expect(decision.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("autoHeaders", () => {
  it("marks acknowledgements as auto-replied", () => {
    expect(autoHeaders("auto-replied")).toEqual({
      "Auto-Submitted": "auto-replied",
      "X-Auto-Response-Suppress": "All",
    });
  });

  it("marks other automatic mail as auto-generated", () => {
    expect(autoHeaders("auto-generated")).toEqual({
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
    });
  });

  it("produces headers our own guard refuses to answer", () => {
    for (const kind of ["auto-generated", "auto-replied"] as const) {
      expect(decide(autoHeaders(kind)).allowed).toBe(false);
    }
  });
});
