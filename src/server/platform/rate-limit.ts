import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config";
import { AppError } from "./errors";

/** One limit: at most `max` requests per `windowMs` for one key (an IP address, an email address). */
export interface LimitSpec {
  name: string;
  max: number;
  windowMs: number;
  /** Said to the refused caller (429); `field` when the key came from the input, e.g. an email address. */
  message: string;
  field?: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every request limit of the application, in one table (the per-account sign-in delay is in the auth domain). */
export const limitsFor = (config: Config) =>
  ({
    loginPerIp: {
      name: "login-ip",
      max: config.loginMaxFailures * 10,
      windowMs: 15 * MINUTE,
      message: "Too many sign-in attempts from your network; wait 15 minutes and try again",
    },
    passwordResetPerIp: {
      name: "reset-ip",
      max: 30,
      windowMs: HOUR,
      message: "Too many reset requests from your network; try again in an hour",
    },
    passwordResetPerAddress: {
      name: "reset-address",
      max: 3,
      windowMs: HOUR,
      message: "Too many reset requests for this address; try again in an hour",
      field: "email",
    },
    magicLinkPerIp: {
      name: "magic-link-ip",
      max: config.portal.linksPerHour * 10,
      windowMs: HOUR,
      message: "Too many sign-in requests from your network; try again in an hour",
    },
    magicLinkPerAddress: {
      name: "magic-link-address",
      max: config.portal.linksPerHour,
      windowMs: HOUR,
      message: "Too many sign-in links asked for this address; try again in an hour",
      field: "email",
    },
    webformPerIp: {
      name: "webform-ip",
      max: config.webform.perIpPerHour,
      windowMs: HOUR,
      message: "Too many requests from your network; please try again in an hour",
    },
    webformPerAddress: {
      name: "webform-address",
      max: config.webform.perEmailPerHour,
      windowMs: HOUR,
      message: "Too many requests for this email address; please try again in an hour",
      field: "email",
    },
  }) satisfies Record<string, LimitSpec>;

export type LimitName = keyof ReturnType<typeof limitsFor>;

/** Counts a request against one limit for a key; refuses it (429 with Retry-After) beyond the limit. */
export type Limiter = (req: FastifyRequest, reply: FastifyReply, key: string) => Promise<void>;

declare module "fastify" {
  interface FastifyInstance {
    /** The application's limiters, by name (platform/rate-limit.ts). */
    limiters: Record<LimitName, Limiter>;
  }
}

/**
 * The one request limiter: @fastify/rate-limit, keyed per limit and per key (the client address as
 * EXTRAMILE_TRUST_PROXY resolves it, or an address from the input). Counters live in each process: behind N
 * processes a client gets up to N times a limit; the per-account sign-in delay is kept in the database.
 */
export const installRateLimits = async (app: FastifyInstance, config: Config): Promise<void> => {
  await app.register(fastifyRateLimit, { global: false });
  const keys = new WeakMap<FastifyRequest, string>();
  const build = (spec: LimitSpec): Limiter => {
    const check = app.createRateLimit({
      max: spec.max,
      timeWindow: spec.windowMs,
      keyGenerator: (req) => `${spec.name}:${keys.get(req) ?? req.ip}`,
    });
    return async (req, reply, key) => {
      keys.set(req, key.toLowerCase());
      const result = await check(req);
      if (result.isAllowed || !result.isExceeded) return;
      reply.header("retry-after", String(result.ttlInSeconds));
      throw new AppError("RATE_LIMITED", spec.message, spec.field);
    };
  };
  const specs = limitsFor(config);
  app.decorate(
    "limiters",
    Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, build(spec)])) as Record<LimitName, Limiter>,
  );
};
