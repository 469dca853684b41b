import { describe, expect, it } from "vitest";
import { formatHours } from "./labels";

describe("formatHours", () => {
  it("reads a duration in the largest sensible unit", () => {
    expect(formatHours(null)).toBe("—");
    expect(formatHours(0.25)).toBe("15 min");
    expect(formatHours(5.4)).toBe("5 h");
    expect(formatHours(47.6)).toBe("48 h");
    expect(formatHours(50)).toBe("2 d 2 h");
    expect(formatHours(72)).toBe("3 d");
  });
});
