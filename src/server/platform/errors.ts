import type { ErrorCode } from "../../shared/errors";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly currentVersion?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string): AppError => new AppError("NOT_FOUND", `${what} not found`);

export const invalid = (field: string, message: string): AppError => new AppError("VALIDATION_FAILED", message, field);

export const invariant = (field: string, message: string): AppError =>
  new AppError("INVARIANT_VIOLATED", message, field);

export const httpStatusOf = (code: ErrorCode): number => {
  switch (code) {
    case "VALIDATION_FAILED":
      return 400;
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
    case "CSRF_FAILED":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "CONFLICT":
    case "VERSION_CONFLICT":
      return 409;
    case "PAYLOAD_TOO_LARGE":
      return 413;
    case "INVARIANT_VIOLATED":
    case "INVALID_TRANSITION":
      return 422;
    case "PRECONDITION_REQUIRED":
      return 428;
    case "RATE_LIMITED":
      return 429;
    case "INTERNAL":
      return 500;
    case "UNAVAILABLE":
      return 503;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
};

/** The PostgreSQL SQLSTATE behind an error (drizzle wraps the driver's error as `cause`). */
export const databaseErrorCode = (err: unknown): string | undefined => {
  if (typeof err !== "object" || err === null) return undefined;
  const e = (err as { cause?: unknown }).cause ?? err;
  return (e as { code?: unknown }).code === undefined ? undefined : String((e as { code?: unknown }).code);
};

/** PostgreSQL error codes the API answers in words rather than as a 500. */
export const fromDatabaseError = (err: unknown): AppError | undefined => {
  if (typeof err !== "object" || err === null) return undefined;
  const e = (err as { cause?: unknown }).cause ?? err;
  const pgErr = e as { code?: string; constraint?: string; detail?: string };
  switch (pgErr.code) {
    case "23505":
      return new AppError(
        "CONFLICT",
        `Already exists (${pgErr.constraint ?? "unique"})`,
        constraintField(pgErr.constraint),
      );
    case "23503":
      return new AppError(
        "VALIDATION_FAILED",
        constraintMessage(pgErr.constraint) ?? "Refers to something that does not exist",
        constraintField(pgErr.constraint),
      );
    case "23514":
      return new AppError(
        "INVARIANT_VIOLATED",
        constraintMessage(pgErr.constraint) ?? `Rule broken: ${pgErr.constraint ?? "check"}`,
        constraintField(pgErr.constraint),
      );
    default:
      return undefined;
  }
};

const CONSTRAINT_FIELDS: Record<string, string> = {
  users_email_key: "email",
  contact_emails_pkey: "emails",
  departments_name_key: "name",
  teams_name_key: "name",
  custom_fields_key_key: "key",
  cases_no_cracks: "nextStepDueAt",
  case_links_pair_key: "otherCaseId",
  cases_requester_id_contacts_id_fk: "requester.contactId",
  cases_owner_active: "ownerId",
  teams_lead_active: "leadId",
  users_deactivated_own_no_open_cases: "reassignToId",
  users_deactivated_lead_no_team: "id",
  users_department_id_departments_id_fk: "departmentId",
};

/** What a constraint says to the person who broke it, where the generic words would not do (our triggers' rules). */
const CONSTRAINT_MESSAGES: Record<string, string> = {
  users_department_id_departments_id_fk: "No such department",
  cases_owner_active: "The owner must be an active employee",
  teams_lead_active: "The team lead must be an active employee",
  users_deactivated_own_no_open_cases: "Every open case of a deactivated employee needs a new owner",
  users_deactivated_lead_no_team: "A deactivated employee cannot lead a team",
};

const constraintField = (constraint: string | undefined): string | undefined =>
  constraint ? CONSTRAINT_FIELDS[constraint] : undefined;

const constraintMessage = (constraint: string | undefined): string | undefined =>
  constraint ? CONSTRAINT_MESSAGES[constraint] : undefined;
