import type { TBranding } from "../../shared/contracts/branding";
import type { TPublicExecutiveLetter } from "../../shared/contracts/executive";
import type { TPortalCase, TPortalMessage, TPortalSession } from "../../shared/contracts/portal";

/** JSON as it comes over the wire (timestamps are strings). */
type Wire<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type PortalCase = Wire<TPortalCase>;
export type PortalMessage = Omit<Wire<TPortalMessage>, "attachments"> & {
  attachments: { id: string; filename: string; size: number }[];
};
export type PortalSession = TPortalSession;
export type Branding = Wire<TBranding>;
export type ExecutiveLetter = TPublicExecutiveLetter;

export class PortalError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
export const setPortalCsrf = (token: string | null): void => {
  csrfToken = token;
};

export const portalApi = async <T>(path: string, init: { method?: string; json?: unknown; form?: FormData } = {}) => {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = {};
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: init.form ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined),
  });
  const body = (await res.json().catch(() => null)) as { error?: { message: string; field?: string } } | null;
  if (!res.ok)
    throw new PortalError(res.status, body?.error?.message ?? `Request failed (${res.status})`, body?.error?.field);
  return body as T;
};
