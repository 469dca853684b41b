import type { ErrorCode } from "../../shared/errors";

export const API_BASE = "/api/v1";
const CSRF_COOKIE = "extramile_csrf";

/** An API answer other than 2xx, in words the UI can show. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | "NETWORK";
  readonly field: string | undefined;
  readonly currentVersion: number | undefined;

  constructor(status: number, code: ErrorCode | "NETWORK", message: string, field?: string, currentVersion?: number) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.currentVersion = currentVersion;
  }
}

interface ErrorPayload {
  error?: { code?: string; message?: string; field?: string; currentVersion?: number };
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};

export const setUnauthenticatedHandler = (handler: (() => void) | null): void => {
  onUnauthenticated = handler;
};

const csrfFromCookie = (): string | null => {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return hit ? decodeURIComponent(hit.slice(CSRF_COOKIE.length + 1)) : null;
};

export const currentCsrfToken = (): string | null => csrfToken ?? csrfFromCookie();

/** Turns any error body (or none) into an ApiError with a sentence a person can read. */
export const errorFrom = (status: number, payload: unknown): ApiError => {
  const e = (payload as ErrorPayload | null)?.error;
  const code = (e?.code as ErrorCode | undefined) ?? (status >= 500 ? "INTERNAL" : "VALIDATION_FAILED");
  const fallback =
    status >= 500 ? "The server had a problem; try again in a moment." : `The request failed (HTTP ${status}).`;
  return new ApiError(status, code, e?.message ?? fallback, e?.field, e?.currentVersion);
};

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A 401 signs the user out only when the session itself is gone, not on one odd answer. */
const sessionIsGone = async (): Promise<boolean> => {
  try {
    const res = await fetch(`${API_BASE}/auth/session`, { credentials: "same-origin" });
    return res.status === 401;
  } catch {
    return false;
  }
};

export const api = async <T>(path: string, opts: RequestOptions = {}, retried = false): Promise<T> => {
  const method = opts.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") {
    const token = currentCsrfToken();
    if (token) headers["x-csrf-token"] = token;
  }
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK", "Cannot reach the server. Check your connection and try again.");
  }
  const text = await res.text();
  const payload: unknown = text.length > 0 ? JSON.parse(text) : null;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith("/auth/")) {
      if (!retried && !(await sessionIsGone())) return await api<T>(path, opts, true);
      onUnauthenticated?.();
    }
    throw errorFrom(res.status, payload);
  }
  return payload as T;
};

/** Builds `?a=1&b=x,y` from defined values only. */
export const queryString = (params: Record<string, string | number | readonly string[] | undefined | null>): string => {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length > 0) qs.set(key, value.join(","));
    } else qs.set(key, String(value));
  }
  const s = qs.toString();
  return s ? `?${s}` : "";
};

export interface UploadProgress {
  loaded: number;
  total: number;
}

/** multipart upload with progress (fetch cannot report upload progress). */
export const upload = <T>(
  path: string,
  file: File,
  onProgress: (p: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `${API_BASE}${path}`);
    xhr.withCredentials = true;
    const token = currentCsrfToken();
    if (token) xhr.setRequestHeader("x-csrf-token", token);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      let payload: unknown = null;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        payload = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload as T);
      else reject(errorFrom(xhr.status, payload));
    };
    xhr.onerror = () => reject(new ApiError(0, "NETWORK", "The upload failed: cannot reach the server."));
    xhr.onabort = () => reject(new DOMException("Upload cancelled", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });

export const errorMessage = (err: unknown): string => {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
};

export const fieldError = (err: unknown, field: string): string | undefined =>
  err instanceof ApiError && err.field === field ? err.message : undefined;

/** The message of an error on `field` or any of its items (`emails.1`). */
export const fieldErrorUnder = (err: unknown, field: string): string | undefined =>
  err instanceof ApiError && (err.field === field || err.field?.startsWith(`${field}.`)) ? err.message : undefined;
