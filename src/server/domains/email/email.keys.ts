import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import type { ServiceContext } from "../../platform/context";
import { deriveKey, loadInstanceSecret } from "../../platform/instance-secret";

export interface EmailKeys {
  /** Signs reply tokens in the Reply-To and Message-ID of mail to customers. */
  replyToken: Buffer;
  /** Signs the outbound mail id in the envelope sender (VERP), so a bounce names the mail it returns. */
  bounceToken: Buffer;
  /** Encrypts IMAP passwords at rest. */
  mailboxPassword: Buffer;
  /** Signs the tokens of mail to one employee, so only mail addressed to them lets them reply as themselves. */
  agentToken: (userId: string) => Buffer;
}

const PASSWORD_FORMAT = "v1";

export const emailKeysFrom = (secret: Buffer): EmailKeys => {
  const agentRoot = deriveKey(secret, "email/agent-reply-token");
  return {
    replyToken: deriveKey(secret, "email/reply-token"),
    bounceToken: deriveKey(secret, "email/bounce-token"),
    mailboxPassword: deriveKey(secret, "email/mailbox-password"),
    agentToken: (userId) => createHmac("sha256", agentRoot).update(userId).digest(),
  };
};

const cache = new WeakMap<ServiceContext, Promise<EmailKeys>>();

/** The email keys of this installation, derived once per process from the instance secret. */
export const emailKeys = (ctx: ServiceContext): Promise<EmailKeys> => {
  let keys = cache.get(ctx);
  if (!keys) {
    keys = loadInstanceSecret(ctx.db, ctx.config.secret).then(emailKeysFrom);
    keys.catch(() => cache.delete(ctx));
    cache.set(ctx, keys);
  }
  return keys;
};

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` in base64url; tampering or another key fails to decrypt. */
export const encryptSecret = (key: Buffer, plaintext: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [PASSWORD_FORMAT, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
};

export class SecretDecryptionError extends Error {}

export const decryptSecret = (key: Buffer, stored: string): string => {
  const [format, iv, tag, body] = stored.split(".");
  if (format !== PASSWORD_FORMAT || !iv || !tag || body === undefined) {
    throw new SecretDecryptionError("unknown password format");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError(
      "The stored password cannot be decrypted with this installation's secret (was EXTRAMILE_SECRET changed?); enter the password again",
    );
  }
};
