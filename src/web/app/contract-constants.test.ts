import { describe, expect, it } from "vitest";
import { CASE_SORTS } from "../../shared/contracts/cases";
import { VIEW_DUE_FILTERS } from "../../shared/contracts/views";
import { CASE_SORT_VALUES, DUE_FILTER_VALUES } from "./contract-constants";

describe("restated contract constants", () => {
  it("match the contracts", () => {
    expect([...CASE_SORT_VALUES].sort()).toEqual([...CASE_SORTS].sort());
    expect([...DUE_FILTER_VALUES].sort()).toEqual([...VIEW_DUE_FILTERS].sort());
  });
});
