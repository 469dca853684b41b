import { describe, expect, it } from "vitest";
import { describeAgo, describeDue, formatSpan, fromLocalInput, toLocalInput } from "./due-time";

const now = new Date("2026-11-25T12:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
const H = 3_600_000;

describe("formatSpan", () => {
  it("picks a readable unit", () => {
    expect(formatSpan(30_000)).toBe("now");
    expect(formatSpan(5 * 60_000)).toBe("5 min");
    expect(formatSpan(-3 * H)).toBe("3 h");
    expect(formatSpan(49 * H)).toBe("2 d");
    expect(formatSpan(30 * 24 * H)).toBe("4 wk");
  });
});

describe("describeDue", () => {
  it("marks a past due time as overdue", () => {
    const d = describeDue(at(-2 * H), now);
    expect(d).toMatchObject({ text: "2 h overdue", tone: "overdue" });
    expect(d.title).toMatch(/^Overdue since /);
  });
  it("marks a due time within 4 hours as soon", () => {
    expect(describeDue(at(3 * H), now)).toMatchObject({ text: "in 3 h", tone: "soon" });
  });
  it("leaves later due times neutral", () => {
    expect(describeDue(at(50 * H), now)).toMatchObject({ text: "in 2 d", tone: "later" });
  });
  it("says due now within the minute", () => {
    expect(describeDue(at(20_000), now).text).toBe("due now");
    expect(describeDue(at(-20_000), now)).toMatchObject({ text: "due now", tone: "overdue" });
  });
  it("handles a missing due time", () => {
    expect(describeDue(null, now)).toMatchObject({ text: "—", tone: "none" });
  });
});

describe("describeAgo", () => {
  it("describes past and future", () => {
    expect(describeAgo(at(-90 * 60_000), now)).toBe("1 h ago");
    expect(describeAgo(at(10_000), now)).toBe("just now");
    expect(describeAgo(at(2 * 24 * H), now)).toBe("in 2 d");
  });
});

describe("datetime-local conversion", () => {
  it("round-trips through the local input format", () => {
    const iso = "2026-11-25T14:30:00.000Z";
    expect(fromLocalInput(toLocalInput(iso))).toBe(iso);
    expect(fromLocalInput("")).toBeNull();
    expect(fromLocalInput("garbage")).toBeNull();
    expect(toLocalInput(null)).toBe("");
  });
});
