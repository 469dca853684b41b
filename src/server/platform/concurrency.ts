import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { AppError } from "./errors";

/**
 * Optimistic concurrency for every editable object (docs/architecture.md, "Concurrent edits"): each versioned row
 * carries `version`, answered in the body and as the ETag; an edit sends `If-Match: "<version>"` it started from,
 * and the service, holding the row locked, refuses a stale one with 409 VERSION_CONFLICT naming the current version.
 */

/** The request header of an edit; required, but checked by `versionFromIfMatch` so a missing one is 428, not 400. */
export const zIfMatchHeaders = z.object({ "if-match": z.string().max(40).optional() });

/** The route description of an edit that takes If-Match. */
export const ifMatchDescription = (what: string): string =>
  `Requires \`If-Match: "<version>"\` (the ${what}'s \`version\`, also sent as its ETag); without it 428, a stale version 409 VERSION_CONFLICT with \`currentVersion\`.`;

/** `If-Match: 3`, `"3"` or `W/"3"` -> 3; a missing header is 428 and a malformed one 400, both naming If-Match. */
export const versionFromIfMatch = (header: string | undefined, what: string): number => {
  if (header === undefined) {
    throw new AppError("PRECONDITION_REQUIRED", `Send If-Match with the ${what} version you edited`, "If-Match");
  }
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m?.[1]) throw new AppError("VALIDATION_FAILED", `If-Match must be the ${what} version, e.g. "3"`, "If-Match");
  return Number(m[1]);
};

/** The ETag of a version: `"3"`. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * Refuses an edit made from another version than the row has: 409 VERSION_CONFLICT with `currentVersion`.
 * Check it on the row read FOR UPDATE, so that of concurrent edits of one version exactly one passes.
 */
export const ensureVersion = (what: string, row: { version: number }, expected: number): void => {
  if (row.version !== expected) {
    throw new AppError(
      "VERSION_CONFLICT",
      `The ${what} changed since version ${expected} (it is now version ${row.version}); reload it and edit again`,
      "If-Match",
      row.version,
    );
  }
};

/** `version + 1`: the SET value of every write to a versioned row. */
export const nextVersion = (column: AnyPgColumn): SQL => sql`${column} + 1`;
