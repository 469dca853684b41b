import { AppError } from "./errors";

export interface Cursor {
  v: string | number | null;
  id: string;
}

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString("base64url");

export const decodeCursor = (raw: string): Cursor => {
  try {
    const parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as unknown;
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "id" in parsed &&
      typeof parsed.id === "string" &&
      "v" in parsed &&
      (parsed.v === null || typeof parsed.v === "string" || typeof parsed.v === "number")
    ) {
      return { v: parsed.v, id: parsed.id };
    }
  } catch {
    /* answered below */
  }
  throw new AppError("VALIDATION_FAILED", "Invalid cursor", "cursor");
};
