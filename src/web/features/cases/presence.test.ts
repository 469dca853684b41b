import { describe, expect, it } from "vitest";
import { describePresence } from "./presence";

const u = (name: string, state: "viewing" | "replying") => ({
  id: `00000000-0000-4000-8000-${name
    .padStart(12, "0")
    .slice(-12)
    .replace(/[^0-9a-f]/g, "0")}`,
  name,
  state,
});

describe("describePresence", () => {
  it("says nothing when alone", () => {
    expect(describePresence([])).toBeNull();
  });
  it("names viewers and repliers", () => {
    expect(describePresence([u("Dana", "viewing")])).toBe("Dana is viewing");
    expect(describePresence([u("Dana", "replying"), u("Eli", "viewing")])).toBe("Dana is replying · Eli is viewing");
    expect(describePresence([u("Dana", "viewing"), u("Eli", "viewing"), u("Fay", "viewing")])).toBe(
      "Dana, Eli and Fay are viewing",
    );
  });
});
