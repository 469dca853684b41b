export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "VERSION_CONFLICT",
  "PRECONDITION_REQUIRED",
  "INVARIANT_VIOLATED",
  "INVALID_TRANSITION",
  "PAYLOAD_TOO_LARGE",
  "RATE_LIMITED",
  "CSRF_FAILED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string; currentVersion?: number };
}
