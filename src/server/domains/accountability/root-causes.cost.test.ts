import { describe, expect, it } from "vitest";
import { costOfMinutes, handlingMinutes } from "./root-causes.cost";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 9, 0) + minute * 60_000);

describe("handling time", () => {
  it("counts a session from its first to its last action, plus the lead time", () => {
    const minutes = handlingMinutes([
      { userId: "a", at: at(0), phoneSeconds: 0 },
      { userId: "a", at: at(10), phoneSeconds: 0 },
      { userId: "a", at: at(25), phoneSeconds: 0 },
    ]);
    expect(minutes.get("a")).toBe(30);
  });

  it("splits sessions at gaps over 30 minutes and adds phone calls", () => {
    const minutes = handlingMinutes([
      { userId: "a", at: at(0), phoneSeconds: 0 },
      { userId: "a", at: at(120), phoneSeconds: 600 },
      { userId: "b", at: at(5), phoneSeconds: 0 },
    ]);
    expect(minutes.get("a")).toBe(5 + 5 + 10);
    expect(minutes.get("b")).toBe(5);
  });

  it("prices minutes at the hourly rate in minor units", () => {
    expect(costOfMinutes(90, 6000)).toBe(9000);
    expect(costOfMinutes(1, 5500)).toBe(92);
  });
});
