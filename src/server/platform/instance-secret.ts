import { hkdfSync, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/connection";
import { settings } from "../db/schema/index";

const SETTING_KEY = "instance_secret";

/**
 * The instance's master secret: EXTRAMILE_SECRET when configured, otherwise 32 random bytes made on
 * first use and kept in the `settings` table. The database is the one place every node of an
 * installation shares, so tokens signed on one node verify on all and survive restarts; the first
 * insert wins when several nodes start at once.
 */
export const loadInstanceSecret = async (db: Db, configured: string | undefined): Promise<Buffer> => {
  if (configured) return Buffer.from(configured, "utf8");
  await db
    .insert(settings)
    .values({ key: SETTING_KEY, value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing({ target: settings.key });
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SETTING_KEY));
  if (!row) throw new Error("instance secret missing after insert");
  return Buffer.from(row.value, "base64url");
};

/** A key for one purpose, derived from the master secret (HKDF-SHA256), so purposes never share a key. */
export const deriveKey = (secret: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync("sha256", secret, "extramile", purpose, 32));
