import { describe, expect, it } from "vitest";
import { diffRows, humanize, show } from "./audit-diff";

describe("audit diff", () => {
  it("lists changed fields with before and after", () => {
    expect(diffRows({ priority: "normal", subject: "A" }, { priority: "high", subject: "A" })).toEqual([
      { key: "priority", before: "normal", after: "high", kind: "changed" },
    ]);
  });

  it("shows a creation as added fields and a deletion as removed ones", () => {
    expect(diffRows(null, { name: "Berlin office", alwaysOpen: false })).toEqual([
      { key: "alwaysOpen", before: "—", after: "false", kind: "added" },
      { key: "name", before: "—", after: "Berlin office", kind: "added" },
    ]);
    expect(diffRows({ name: "Old" }, null)).toEqual([{ key: "name", before: "Old", after: "—", kind: "removed" }]);
  });

  it("writes structured values compactly and names codes in words", () => {
    expect(show({ normal: 240 })).toBe('{"normal":240}');
    expect(show(null)).toBe("—");
    expect(humanize("sla_policy.updated")).toBe("SLA policy updated");
    expect(humanize("case.status_changed")).toBe("Case status changed");
  });
});
