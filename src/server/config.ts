import { resolve } from "node:path";
import { z } from "zod";

const zBool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const zEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().startsWith("postgres").optional(),
  EXTRAMILE_DATA_DIR: z.string().default("./data"),
  EXTRAMILE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  EXTRAMILE_ADMIN_EMAIL: z.email().optional(),
  EXTRAMILE_ADMIN_PASSWORD: z.string().min(10).optional(),
  EXTRAMILE_SECURE_COOKIES: zBool.optional(),
  EXTRAMILE_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  EXTRAMILE_MAX_ATTACHMENT_MB: z.coerce.number().min(1).max(1024).default(25),
  EXTRAMILE_SOLVED_CLOSE_DAYS: z.coerce.number().int().min(1).max(365).default(4),
  EXTRAMILE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  EXTRAMILE_JOBS: zBool.default(true),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  admin: { email: string | undefined; password: string | undefined };
  secureCookies: boolean;
  sessionDays: number;
  maxAttachmentBytes: number;
  solvedCloseDays: number;
  loginMaxFailures: number;
  jobs: boolean;
  logLevel: z.output<typeof zEnv>["LOG_LEVEL"];
}

export class ConfigError extends Error {}

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = zEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.EXTRAMILE_DATA_DIR),
    dbPoolSize: e.EXTRAMILE_DB_POOL_SIZE,
    admin: { email: e.EXTRAMILE_ADMIN_EMAIL?.toLowerCase(), password: e.EXTRAMILE_ADMIN_PASSWORD },
    secureCookies: e.EXTRAMILE_SECURE_COOKIES ?? publicUrl.startsWith("https://"),
    sessionDays: e.EXTRAMILE_SESSION_DAYS,
    maxAttachmentBytes: Math.round(e.EXTRAMILE_MAX_ATTACHMENT_MB * 1024 * 1024),
    solvedCloseDays: e.EXTRAMILE_SOLVED_CLOSE_DAYS,
    loginMaxFailures: e.EXTRAMILE_LOGIN_MAX_FAILURES,
    jobs: e.EXTRAMILE_JOBS,
    logLevel: e.LOG_LEVEL,
  };
};
