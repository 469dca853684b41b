import { eq } from "drizzle-orm";
import type { DbOrTx } from "../db/connection";
import { blobs } from "../db/schema/index";

/** Where attachment bytes live. The database by default; an S3-compatible store can implement the same. */
export interface BlobStore {
  put(tx: DbOrTx, data: Buffer): Promise<string>;
  get(db: DbOrTx, id: string): Promise<Buffer | null>;
}

export const databaseBlobStore: BlobStore = {
  put: async (tx, data) => {
    const [row] = await tx.insert(blobs).values({ data, size: data.length }).returning({ id: blobs.id });
    if (!row) throw new Error("blob insert returned nothing");
    return row.id;
  },
  get: async (db, id) => {
    const [row] = await db.select({ data: blobs.data }).from(blobs).where(eq(blobs.id, id));
    return row?.data ?? null;
  },
};
