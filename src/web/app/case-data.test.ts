import { describe, expect, it } from "vitest";
import { newerCase } from "./case-data";

describe("newerCase", () => {
  const at = (version: number) => ({ id: "c1", version, subject: `v${version}` });
  it("keeps the cached case when a fetch brings an older version", () => {
    expect(newerCase(at(5), at(4))).toEqual(at(5));
  });
  it("takes the fetched case when it is as new or newer", () => {
    expect(newerCase(at(5), at(5))).toEqual(at(5));
    expect(newerCase(at(5), at(6))).toEqual(at(6));
    expect(newerCase(undefined, at(1))).toEqual(at(1));
  });
});
