import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decryptSecret, emailKeysFrom, encryptSecret, SecretDecryptionError } from "./email.keys";

describe("email keys", () => {
  const keys = emailKeysFrom(randomBytes(32));

  it("derives a different key for every purpose and every employee", () => {
    const all = [keys.replyToken, keys.mailboxPassword, keys.agentToken("a"), keys.agentToken("b")].map((k) =>
      k.toString("hex"),
    );
    expect(new Set(all).size).toBe(4);
    expect(keys.agentToken("a").equals(keys.agentToken("a"))).toBe(true);
  });

  it("is deterministic for one secret and differs between secrets", () => {
    const secret = randomBytes(32);
    expect(emailKeysFrom(secret).replyToken.equals(emailKeysFrom(secret).replyToken)).toBe(true);
    expect(emailKeysFrom(randomBytes(32)).replyToken.equals(emailKeysFrom(secret).replyToken)).toBe(false);
  });

  it("encrypts mailbox passwords so that they round-trip, with a fresh nonce each time", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (password) => {
        const stored = encryptSecret(keys.mailboxPassword, password);
        expect(stored).not.toContain(password.length > 3 ? password : "\u0000");
        expect(decryptSecret(keys.mailboxPassword, stored)).toBe(password);
      }),
    );
    expect(encryptSecret(keys.mailboxPassword, "same")).not.toBe(encryptSecret(keys.mailboxPassword, "same"));
  });

  it("refuses a tampered ciphertext, another installation's key and unknown formats", () => {
    const stored = encryptSecret(keys.mailboxPassword, "hunter2-password");
    const parts = stored.split(".");
    const body = Buffer.from(parts[3] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString("base64url")].join(".");
    expect(() => decryptSecret(keys.mailboxPassword, tampered)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(emailKeysFrom(randomBytes(32)).mailboxPassword, stored)).toThrow(/EXTRAMILE_SECRET/);
    expect(() => decryptSecret(keys.mailboxPassword, "plain-text")).toThrow(SecretDecryptionError);
  });
});
