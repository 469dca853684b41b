import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

describe("EXTRAMILE_TRUST_PROXY", () => {
  it("is off by default, a hop count, or a list of addresses and CIDR ranges", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ EXTRAMILE_TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ EXTRAMILE_TRUST_PROXY: "10.0.0.0/8, 192.168.1.7" }).trustProxy).toEqual([
      "10.0.0.0/8",
      "192.168.1.7",
    ]);
  });

  it("refuses anything else, naming the variable", () => {
    for (const value of ["yes", "10.0.0.0/33", "1,", "proxy.example.com"]) {
      expect(() => loadConfig({ EXTRAMILE_TRUST_PROXY: value })).toThrow(/EXTRAMILE_TRUST_PROXY/);
    }
  });
});
