import { describe, expect, it } from "vitest";
import { CASE_STATUSES } from "../../../shared/domain";
import { statusChoices } from "./status-choices";

describe("status choices", () => {
  it("always include the current status, so the field never shows empty", () => {
    for (const s of CASE_STATUSES) expect(statusChoices(s)).toContain(s);
  });

  it("offer nothing but the current status on a closed case", () => {
    expect(statusChoices("closed")).toEqual(["closed"]);
  });
});
