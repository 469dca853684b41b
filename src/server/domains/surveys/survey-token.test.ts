import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signSurveyToken, verifySurveyToken } from "./survey-token";

const key = randomBytes(32);
const ref = fc.record({ kind: fc.constantFrom("csat" as const, "nps" as const), id: fc.uuid({ version: 4 }) });

describe("survey tokens", () => {
  it("verify to the survey they were signed for", () => {
    fc.assert(
      fc.property(ref, (r) => {
        expect(verifySurveyToken(key, signSurveyToken(key, r))).toEqual(r);
      }),
    );
  });

  it("refuse any altered character", () => {
    fc.assert(
      fc.property(ref, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (r, at, c) => {
        const token = signSurveyToken(key, r);
        const i = at % token.length;
        fc.pre(token[i] !== c);
        const altered = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifySurveyToken(key, altered)).toBeNull();
      }),
    );
  });

  it("refuse tokens of another installation", () => {
    const other = randomBytes(32);
    fc.assert(
      fc.property(ref, (r) => {
        expect(verifySurveyToken(other, signSurveyToken(key, r))).toBeNull();
      }),
    );
  });

  it("never throw on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(verifySurveyToken(key, s)).toBeNull();
      }),
    );
  });
});
