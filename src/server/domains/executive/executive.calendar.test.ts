import { describe, expect, it } from "vitest";
import { addBusinessDays } from "./executive.calendar";

describe("addBusinessDays", () => {
  it("skips the weekend in the executive's time zone", () => {
    const friday = new Date("2026-11-27T10:00:00Z");
    expect(addBusinessDays(friday, 1, "UTC").toISOString()).toBe("2026-11-30T10:00:00.000Z");
    expect(addBusinessDays(friday, 3, "UTC").toISOString()).toBe("2026-12-02T10:00:00.000Z");
  });

  it("keeps the local time of day across a daylight-saving change", () => {
    const friday = new Date("2026-10-23T08:00:00Z");
    expect(addBusinessDays(friday, 1, "Europe/Berlin").toISOString()).toBe("2026-10-26T09:00:00.000Z");
  });

  it("counts Saturday's complaint from the next working day", () => {
    const saturday = new Date("2026-11-28T09:00:00Z");
    expect(addBusinessDays(saturday, 1, "UTC").toISOString()).toBe("2026-11-30T09:00:00.000Z");
  });
});
