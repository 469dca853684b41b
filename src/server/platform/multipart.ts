import type { FastifyRequest } from "fastify";
import type { z } from "zod";
import { AppError } from "./errors";

export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * Reads a multipart/form-data body into its text fields and files, with limits on the number of
 * files and their size (beyond them: 413). Repeated text fields keep the last value.
 */
export const readMultipart = async (
  req: FastifyRequest,
  limits: { files: number; fileBytes: number; fields?: number },
): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> => {
  if (!req.isMultipart()) throw new AppError("VALIDATION_FAILED", "Send multipart/form-data", "body");
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  for await (const part of req.parts({
    limits: { files: limits.files, fileSize: limits.fileBytes, fields: limits.fields ?? 40 },
  })) {
    if (part.type === "file") {
      const data = await part.toBuffer();
      if (part.filename === "" && data.length === 0) continue;
      files.push({ filename: part.filename, contentType: part.mimetype, data });
    } else if (typeof part.value === "string") {
      fields[part.fieldname] = part.value;
    }
  }
  return { fields, files };
};

/** Parses with a zod schema; the first problem becomes a 400 naming its field. */
export const parseFields = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") || "body";
  throw new AppError("VALIDATION_FAILED", `${field}: ${issue?.message ?? "Invalid input"}`, field);
};
