import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createReplyToken,
  extractTokens,
  ourMessageId,
  replyAddress,
  subjectCaseNumber,
  tagSubject,
  verifyReplyToken,
} from "./reply-token";

const SECRET = "test-secret-0123456789-abcdefghij";
const CASE_ID = "0f8c7e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
const MESSAGE_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

const secretArb = fc.string({ minLength: 16, maxLength: 64 }).filter((value) => Buffer.byteLength(value) >= 16);

describe("createReplyToken / verifyReplyToken", () => {
  it("round-trips a case id", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID });
    expect(token).toMatch(/^[a-z2-7]{44}$/);
    expect(verifyReplyToken(SECRET, token)).toEqual({ caseId: CASE_ID });
  });

  it("round-trips a case and message id", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID, messageId: MESSAGE_ID });
    expect(token).toMatch(/^[a-z2-7]{69}$/);
    expect(verifyReplyToken(SECRET, token)).toEqual({ caseId: CASE_ID, messageId: MESSAGE_ID });
  });

  it("is deterministic and returns canonical lower-case UUIDs", () => {
    const upper = CASE_ID.toUpperCase();
    expect(createReplyToken(SECRET, { caseId: upper })).toBe(createReplyToken(SECRET, { caseId: CASE_ID }));
    expect(verifyReplyToken(SECRET, createReplyToken(SECRET, { caseId: upper }))?.caseId).toBe(CASE_ID);
  });

  it("accepts a token whose case a mail system changed", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID });
    expect(verifyReplyToken(SECRET, token.toUpperCase())).toEqual({ caseId: CASE_ID });
  });

  it("accepts a Buffer secret equal to the string secret", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID });
    expect(verifyReplyToken(Buffer.from(SECRET), token)).toEqual({ caseId: CASE_ID });
  });

  it("rejects malformed payloads and secrets when creating", () => {
    expect(() => createReplyToken(SECRET, { caseId: "42" })).toThrow(TypeError);
    expect(() => createReplyToken(SECRET, { caseId: CASE_ID, messageId: "<abc@x>" })).toThrow(TypeError);
    expect(() => createReplyToken("short", { caseId: CASE_ID })).toThrow(RangeError);
  });

  it.each([
    "",
    "a",
    "a".repeat(44),
    "a".repeat(69),
    "a".repeat(45),
    `${"a".repeat(43)}=`,
    `${"a".repeat(43)}1`,
    "é".repeat(44),
  ])("returns null for the garbage token %j", (token) => {
    expect(verifyReplyToken(SECRET, token)).toBeNull();
  });

  it("rejects a token whose unused trailing bits were changed", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID });
    const last = ALPHABET.indexOf(token.at(-1) ?? "a");
    const sibling = ALPHABET[last ^ 1] ?? "a";
    expect(verifyReplyToken(SECRET, token.slice(0, -1) + sibling)).toBeNull();
  });

  it("rejects a case token re-flagged as carrying a message", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID, messageId: MESSAGE_ID });
    const first = ALPHABET.indexOf(token[1] ?? "a");
    const flipped = token[0] + (ALPHABET[first ^ 0b00100] ?? "a") + token.slice(2);
    expect(verifyReplyToken(SECRET, flipped)).toBeNull();
  });

  it("round-trips any case and message id (property)", () => {
    fc.assert(
      fc.property(secretArb, fc.uuid(), fc.option(fc.uuid(), { nil: undefined }), (secret, caseId, messageId) => {
        const payload = messageId ? { caseId, messageId } : { caseId };
        const token = createReplyToken(secret, payload);
        expect(token).toMatch(/^[a-z2-7]+$/);
        expect(verifyReplyToken(secret, token)).toEqual(
          messageId
            ? { caseId: caseId.toLowerCase(), messageId: messageId.toLowerCase() }
            : { caseId: caseId.toLowerCase() },
        );
      }),
      { numRuns: 300 },
    );
  });

  it("fails verification after any single-character substitution (property)", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 31 }),
        (caseId, withMessage, position, shift) => {
          const token = createReplyToken(SECRET, withMessage ? { caseId, messageId: MESSAGE_ID } : { caseId });
          const index = position % token.length;
          const replacement = ALPHABET[(ALPHABET.indexOf(token[index] ?? "a") + shift) % 32] ?? "a";
          const mutated = token.slice(0, index) + replacement + token.slice(index + 1);
          expect(verifyReplyToken(SECRET, mutated)).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("fails verification after deleting or inserting a character (property)", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.nat(), fc.constantFrom(...ALPHABET), fc.boolean(), (caseId, position, char, insert) => {
        const token = createReplyToken(SECRET, { caseId });
        const index = position % token.length;
        const mutated = insert
          ? token.slice(0, index) + char + token.slice(index)
          : token.slice(0, index) + token.slice(index + 1);
        expect(verifyReplyToken(SECRET, mutated)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it("fails verification with another secret (property)", () => {
    fc.assert(
      fc.property(secretArb, secretArb, fc.uuid(), (secret, other, caseId) => {
        fc.pre(secret !== other);
        expect(verifyReplyToken(other, createReplyToken(secret, { caseId }))).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe("replyAddress", () => {
  it("plus-addresses the support address", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID });
    expect(replyAddress("support@desk.example", token)).toBe(`support+em-${token}@desk.example`);
  });

  it("keeps the local part within 64 characters", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID });
    expect(replyAddress("customer-care@desk.example", token).split("@")[0]?.length).toBeLessThanOrEqual(64);
    expect(() => replyAddress("customer-care-team@desk.example", token)).toThrow(RangeError);
    expect(() =>
      replyAddress("support@desk.example", createReplyToken(SECRET, { caseId: CASE_ID, messageId: MESSAGE_ID })),
    ).toThrow(RangeError);
  });

  it("rejects something that is not an address", () => {
    expect(() => replyAddress("desk.example", "abc")).toThrow(TypeError);
    expect(() => replyAddress("support@", "abc")).toThrow(TypeError);
  });
});

describe("ourMessageId", () => {
  it("builds a Message-ID carrying the token", () => {
    const token = createReplyToken(SECRET, { caseId: CASE_ID, messageId: MESSAGE_ID });
    expect(ourMessageId("desk.example", token, "k3j2h1")).toBe(`<em-${token}.k3j2h1@desk.example>`);
  });

  it("rejects values that would break the header", () => {
    expect(() => ourMessageId("desk.example", "ABC!", "x")).toThrow(TypeError);
    expect(() => ourMessageId("desk.example", "abc", "a b")).toThrow(TypeError);
    expect(() => ourMessageId("desk.example>\r\nBcc: x", "abc", "x")).toThrow(TypeError);
  });
});

describe("extractTokens", () => {
  const caseToken = createReplyToken(SECRET, { caseId: CASE_ID });
  const messageToken = createReplyToken(SECRET, { caseId: CASE_ID, messageId: MESSAGE_ID });

  it("finds tokens in plus-addresses, whatever their case and display name", () => {
    expect(
      extractTokens([`"Support" <SUPPORT+EM-${caseToken.toUpperCase()}@Desk.Example>`, "other@example.com"], []),
    ).toEqual([caseToken]);
  });

  it("finds tokens in Message-ID style header values", () => {
    const references = `<first@mail.example> ${ourMessageId("desk.example", messageToken, "u1")}\r\n <x@y>`;
    expect(extractTokens([], [references])).toEqual([messageToken]);
    expect(extractTokens([], [`<em-${caseToken}@desk.example>`])).toEqual([caseToken]);
  });

  it("lists address tokens first and removes duplicates", () => {
    const found = extractTokens(
      [replyAddress("support@desk.example", caseToken), replyAddress("support@desk.example", caseToken)],
      [ourMessageId("desk.example", messageToken, "a"), ourMessageId("desk.example", caseToken, "b")],
    );
    expect(found).toEqual([caseToken, messageToken]);
  });

  it("ignores look-alikes of the wrong length or alphabet", () => {
    expect(extractTokens(["support+em-abc@desk.example", `support+em-${"1".repeat(44)}@x`], ["<em-abc.1@x>"])).toEqual(
      [],
    );
  });

  it("round-trips through verification", () => {
    const [token] = extractTokens([replyAddress("support@desk.example", caseToken)], []);
    expect(verifyReplyToken(SECRET, token ?? "")).toEqual({ caseId: CASE_ID });
  });
});

describe("subject tags", () => {
  it.each([
    ["[#1234] Printer", 1234],
    ["Re: [#1234] Printer", 1234],
    ["Printer [#77]", 77],
    ["[#1] first [#2] second", 1],
    ["Printer #1234", null],
    ["[# 1234] Printer", null],
    ["[#] empty", null],
    ["", null],
  ])("subjectCaseNumber(%j) = %j", (subject, number) => {
    expect(subjectCaseNumber(subject)).toBe(number);
  });

  it.each([
    ["Printer on fire", "[#1234] Printer on fire"],
    ["Re: Printer on fire", "Re: [#1234] Printer on fire"],
    ["RE: Fwd: Printer", "RE: Fwd: [#1234] Printer"],
    ["AW: WG: Drucker", "AW: WG: [#1234] Drucker"],
    ["SV: Skrivare", "SV: [#1234] Skrivare"],
    ["Re[2]: Printer", "Re[2]: [#1234] Printer"],
    ["回复：打印机", "回复： [#1234] 打印机"],
    ["Re: [#1234] Printer", "Re: [#1234] Printer"],
    ["[#1234] Re: Printer", "Re: [#1234] Printer"],
    ["Re: [#999] Printer [#1234]", "Re: [#1234] Printer"],
    ["", "[#1234]"],
    ["Re:", "Re: [#1234]"],
    ["Rest: the printer", "[#1234] Rest: the printer"],
  ])("tagSubject(%j) = %j", (subject, expected) => {
    expect(tagSubject(subject, 1234)).toBe(expected);
  });

  it("rejects an invalid case number", () => {
    expect(() => tagSubject("x", -1)).toThrow(RangeError);
    expect(() => tagSubject("x", 1.5)).toThrow(RangeError);
  });

  it("is idempotent, carries exactly one tag and can be read back (property)", () => {
    const subject = fc
      .array(
        fc.oneof(
          fc.constantFrom("Re: ", "RE:", "Fwd: ", "AW: ", "SV: ", "WG:", "[#12]", "[#99999]", " ", "[#", "]", "#3"),
          fc.string({ maxLength: 10 }),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(subject, fc.integer({ min: 0, max: 10_000_000 }), (text, number) => {
        const tagged = tagSubject(text, number);
        expect(tagSubject(tagged, number)).toBe(tagged);
        expect(tagged.match(/\[#\d{1,15}\]/g)).toEqual([`[#${number}]`]);
        expect(subjectCaseNumber(tagged)).toBe(number);
      }),
      { numRuns: 500 },
    );
  });
});
