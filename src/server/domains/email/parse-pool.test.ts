import { afterAll, describe, expect, it } from "vitest";
import { mailFixtures } from "../../../../test/fixtures/mail/generate";
import { MailParseError } from "./mime-parse";
import { ParsePool } from "./parse-pool";

const fixture = (name: string): Buffer => {
  const found = mailFixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found.raw;
};

describe("ParsePool", () => {
  const pool = new ParsePool({ size: 2, maxMs: 20_000, memoryMb: 256 });
  afterAll(async () => await pool.close());

  it("parses in worker threads and gives attachments back as Buffers", async () => {
    const parsed = await pool.parse(fixture("inline-cid-image"));
    expect(parsed.subject).toBe("Logo inline");
    expect(Buffer.isBuffer(parsed.attachments[0]?.content)).toBe(true);
    expect(parsed.attachments[0]?.contentId).toBe("logo.png@01D9ABCD");
  }, 60_000);

  it("rejects with MailParseError when a message takes longer than the limit, and the next one parses", async () => {
    // The 25 MB attachment takes ~250 ms to parse here, a short message a few ms in a fresh worker.
    const strict = new ParsePool({ size: 1, maxMs: 50, memoryMb: 256 });
    try {
      // Not `.rejects`: a message parsed after all would be printed whole in the failure, attachment and all.
      const outcome = await strict.parse(fixture("attachment-25mb")).then(
        () => "parsed within the limit",
        (error: unknown) => (error instanceof MailParseError ? error.code : String(error)),
      );
      expect(outcome).toBe("timeout");
      expect((await strict.parse(fixture("plain-utf8"))).subject).toBe("Grüße aus Köln");
    } finally {
      await strict.close();
    }
  }, 60_000);

  it("does not let a slow message hold up the next one", async () => {
    await Promise.all([pool.parse(fixture("plain-utf8")), pool.parse(fixture("html-only"))]);
    const finished: string[] = [];
    const slow = pool.parse(fixture("attachment-25mb")).then((p) => {
      finished.push("slow");
      return p;
    });
    await pool.parse(fixture("plain-utf8")).then(() => finished.push("fast"));
    expect((await slow).attachments[0]?.size).toBe(25 * 1024 * 1024);
    expect(finished).toEqual(["fast", "slow"]);
  }, 60_000);
});
