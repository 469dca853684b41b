import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  validatorCompiler as zodValidatorCompiler,
} from "fastify-type-provider-zod";
import type { ApiTokenScope } from "../../shared/domain";
import type { ErrorBody } from "../../shared/errors";
import type { Actor, CustomerActor } from "./actor";
import { AppError, fromDatabaseError, httpStatusOf } from "./errors";
import { safeEqual } from "./secrets";

/** "customer": a contact signed in to the portal (its own cookie and CSRF token); employees are refused. */
export type RouteAccess = "public" | "user" | "customer";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route at all; the domain policy decides the rest. Required on every /api route. */
    access?: RouteAccess;
    /** Token scope needed beyond read (GET) / write (other methods). */
    scope?: ApiTokenScope;
  }
  interface FastifyRequest {
    actor: Actor | null;
    authVia: "session" | "token" | null;
    csrfToken: string | null;
    /** A credential was sent but did not resolve to an active employee. */
    refusedCredential: RefusedCredential | null;
    customer: CustomerActor | null;
    customerCsrfToken: string | null;
  }
}

export type RefusedCredential = "token" | "session";

export interface Authentication {
  actor: Actor;
  via: "session" | "token";
  csrfToken: string | null;
}

export type Authenticator = (req: FastifyRequest) => Promise<Authentication | { refused: RefusedCredential } | null>;

export const SESSION_COOKIE = "extramile_session";
export const PORTAL_COOKIE = "extramile_portal";
export const CSRF_HEADER = "x-csrf-token";
/** The session's CSRF token, readable by scripts on our pages (the API docs page sends it back as the header). */
export const CSRF_COOKIE = "extramile_csrf";

const refusalMessages: Record<RefusedCredential, string> = {
  token: "The API token is unknown, expired or revoked",
  session: "Your session has ended; sign in again",
};

export const requireActor = (req: FastifyRequest): Actor => {
  if (req.actor) return req.actor;
  throw new AppError(
    "UNAUTHENTICATED",
    req.refusedCredential ? refusalMessages[req.refusedCredential] : "Sign in first",
  );
};

/** Whether a token with these scopes may do what needs `needed` (write includes read; admin is asked for by name). */
export const tokenAllows = (scopes: readonly ApiTokenScope[], needed: ApiTokenScope): boolean =>
  scopes.includes(needed) || (needed === "read" && scopes.includes("write"));

const isSafeMethod = (method: string): boolean => method === "GET" || method === "HEAD" || method === "OPTIONS";

export interface ApiRoute {
  method: string;
  url: string;
  access: RouteAccess;
  scope: ApiTokenScope | undefined;
}

/** Refuses to start with an /api route that does not declare who may call it; lists the rest in `app.apiRoutes`. */
export const enforceRouteAccessDeclared = (app: FastifyInstance): void => {
  const table: ApiRoute[] = [];
  app.decorate("apiRoutes", table);
  app.addHook("onRoute", (route: RouteOptions) => {
    if (!route.url.startsWith("/api/v1")) return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access; add config.access`);
    for (const method of [route.method].flat()) {
      if (method !== "HEAD") table.push({ method, url: route.url, access, scope: route.config?.scope });
    }
  });
};

export const installAuthentication = (app: FastifyInstance, authenticate: Authenticator): void => {
  app.decorateRequest("actor", null);
  app.decorateRequest("authVia", null);
  app.decorateRequest("csrfToken", null);
  app.decorateRequest("refusedCredential", null);
  app.addHook("onRequest", async (req) => {
    if (!req.url.startsWith("/api/")) return;
    const auth = await authenticate(req);
    if (!auth) return;
    if ("refused" in auth) {
      req.refusedCredential = auth.refused;
      return;
    }
    req.actor = auth.actor;
    req.authVia = auth.via;
    req.csrfToken = auth.csrfToken;
  });
  app.addHook("preHandler", async (req) => {
    const config = req.routeOptions.config;
    if (!req.routeOptions.url?.startsWith("/api/v1") || config.access === "public" || config.access === "customer")
      return;
    const actor = requireActor(req);
    if (req.authVia === "token") {
      const needed: ApiTokenScope = config.scope ?? (isSafeMethod(req.method) ? "read" : "write");
      if (!tokenAllows(actor.scopes ?? [], needed))
        throw new AppError("FORBIDDEN", `This API token lacks the "${needed}" scope`);
    } else if (!isSafeMethod(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== "string" || !req.csrfToken || !safeEqual(sent, req.csrfToken)) {
        throw new AppError("CSRF_FAILED", `Missing or wrong ${CSRF_HEADER} header`);
      }
    }
  });
};

export const requireCustomer = (req: FastifyRequest): CustomerActor => {
  if (req.customer) return req.customer;
  throw new AppError("UNAUTHENTICATED", "Sign in to the customer portal first");
};

export type CustomerAuthenticator = (
  sessionToken: string,
) => Promise<{ customer: CustomerActor; csrfToken: string } | null>;

/**
 * Portal sessions: the portal cookie is read on /api/v1/portal routes only, and routes declaring
 * `access: "customer"` need it (employee credentials do not count) plus the portal CSRF token on writes.
 */
export const installCustomerAuthentication = (app: FastifyInstance, authenticate: CustomerAuthenticator): void => {
  app.decorateRequest("customer", null);
  app.decorateRequest("customerCsrfToken", null);
  app.addHook("onRequest", async (req) => {
    const token = req.cookies[PORTAL_COOKIE];
    if (!token || !req.url.startsWith("/api/v1/portal/")) return;
    const auth = await authenticate(token);
    if (!auth) return;
    req.customer = auth.customer;
    req.customerCsrfToken = auth.csrfToken;
  });
  app.addHook("preHandler", async (req) => {
    if (req.routeOptions.config.access !== "customer") return;
    requireCustomer(req);
    if (isSafeMethod(req.method)) return;
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== "string" || !req.customerCsrfToken || !safeEqual(sent, req.customerCsrfToken)) {
      throw new AppError("CSRF_FAILED", `Missing or wrong ${CSRF_HEADER} header`);
    }
  });
};

/** Path of the first string holding a NUL character, which PostgreSQL text cannot store. */
const nulCharacterPath = (value: unknown, path: string[] = []): string[] | null => {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulCharacterPath(item, [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = nulCharacterPath(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
};

/** The zod validator, plus a 400 naming the field for text the database could not store. */
export const validatorCompiler: typeof zodValidatorCompiler = (route) => {
  const validate = zodValidatorCompiler(route);
  return (data) => {
    const result = validate(data);
    if (typeof result !== "object" || !("value" in result) || result.error) return result;
    const path = nulCharacterPath(result.value);
    if (!path) return result;
    const field = path.join(".") || route.httpPart || "body";
    return { error: new AppError("VALIDATION_FAILED", `${field}: must not contain a NUL character (\\u0000)`, field) };
  };
};

const validationField = (err: FastifyError): string | undefined => {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const path = first?.instancePath?.replace(/^\//, "").replaceAll("/", ".");
    const missingKey = (first?.params as { keys?: string[] } | undefined)?.keys?.[0];
    const parts = [path, missingKey].filter((p): p is string => !!p && p.length > 0);
    return parts.length > 0 ? parts.join(".") : err.validationContext;
  }
  return undefined;
};

const validationMessage = (err: FastifyError): string => {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    return first?.message ?? "Invalid input";
  }
  return err.message;
};

export const send = (reply: FastifyReply, status: number, body: ErrorBody): FastifyReply =>
  reply.status(status).type("application/json").send(JSON.stringify(body));

export const installErrorHandler = (app: FastifyInstance): void => {
  app.setNotFoundHandler((req, reply) => {
    send(reply, 404, { error: { code: "NOT_FOUND", message: `No route ${req.method} ${req.url.split("?")[0]}` } });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      const body: ErrorBody = { error: { code: err.code, message: err.message } };
      if (err.field) body.error.field = err.field;
      if (err.currentVersion !== undefined) body.error.currentVersion = err.currentVersion;
      return send(reply, httpStatusOf(err.code), body);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const field = validationField(err);
      const where = err.validationContext ?? "body";
      return send(reply, 400, {
        error: {
          code: "VALIDATION_FAILED",
          message: `${where}${field && field !== where ? `.${field}` : ""}: ${validationMessage(err)}`,
          ...(field ? { field } : {}),
        },
      });
    }
    const dbError = fromDatabaseError(err);
    if (dbError) {
      return send(reply, httpStatusOf(dbError.code), {
        error: { code: dbError.code, message: dbError.message, ...(dbError.field ? { field: dbError.field } : {}) },
      });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err: err.cause }, "response did not match its schema");
      return send(reply, 500, { error: { code: "INTERNAL", message: "Internal error" } });
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return send(reply, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: "Payload too large" } });
    if (status === 429) return send(reply, 429, { error: { code: "RATE_LIMITED", message: err.message } });
    if (status >= 400 && status < 500) {
      return send(reply, status, { error: { code: "VALIDATION_FAILED", message: err.message } });
    }
    req.log.error({ err }, "unhandled error");
    return send(reply, 500, { error: { code: "INTERNAL", message: "Internal error" } });
  });
};

declare module "fastify" {
  interface FastifyInstance {
    ctx: import("./context").ServiceContext;
    apiRoutes: ApiRoute[];
  }
}
