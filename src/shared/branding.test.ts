import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contrastRatio, readableOnWhite, textOn } from "./branding";

const hex = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255))
  .map(([r, g, b]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`);

describe("branding colours", () => {
  it("a link colour derived from any brand colour is readable on white", () => {
    fc.assert(fc.property(hex, (c) => contrastRatio(readableOnWhite(c), "#ffffff") >= 4.5));
  });

  it("keeps a brand colour that is readable already", () => {
    expect(readableOnWhite("#1864ab")).toBe("#1864ab");
  });

  it("text on any brand colour reaches at least 4.5:1", () => {
    fc.assert(fc.property(hex, (c) => contrastRatio(textOn(c), c) >= 4.5));
  });
});
