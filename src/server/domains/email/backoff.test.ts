import { describe, expect, it } from "vitest";
import { imapBackoffMs } from "./imap-poller";
import { deliveryBackoffSeconds, MAX_DELIVERY_ATTEMPTS } from "./outbound.service";

describe("backoff", () => {
  it("waits longer after each failed IMAP connection, at most 15 minutes", () => {
    expect([1, 2, 3, 4].map(imapBackoffMs)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(imapBackoffMs(30)).toBe(15 * 60_000);
  });

  it("retries delivery after 1, 2, 4 ... minutes, at most 2 hours, within the attempt limit", () => {
    expect([1, 2, 3].map(deliveryBackoffSeconds)).toEqual([60, 120, 240]);
    expect(deliveryBackoffSeconds(20)).toBe(7200);
    const total = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_v, i) => deliveryBackoffSeconds(i + 1));
    expect(total.reduce((a, b) => a + b, 0)).toBeLessThan(24 * 3600);
  });
});
