import { parseArgs } from "node:util";
import { buildApp, startBackground } from "./app";
import { ConfigError, loadConfig } from "./config";
import { type Database, openDatabase, runMigrations } from "./db/connection";
import { startEmailChannels } from "./domains/email/email.channels";
import { createAdmin, ensureFirstAdmin } from "./domains/users/users.service";

const USAGE = `Usage: extramile <command>

Commands:
  start                                   migrate, create the first admin if none, serve the app
  migrate                                 apply database migrations
  create-admin --email E --password P [--name N]
                                          create an admin (or reset an existing user to admin with this password)
  seed-demo                               load a realistic demo company (needs an empty installation)

Configuration comes from environment variables; see README.md.`;

const withDatabase = async <T>(fn: (db: Database, config: ReturnType<typeof loadConfig>) => Promise<T>): Promise<T> => {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  try {
    await runMigrations(database);
    return await fn(database, config);
  } finally {
    await database.close();
  }
};

const start = async (): Promise<void> => {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
  });
  await runMigrations(database);
  const app = await buildApp({ config, database, logger: true });
  const firstAdmin = await ensureFirstAdmin(app.ctx, config.admin);
  await startBackground(app);
  await app.listen({ port: config.port, host: config.host });
  const email = await startEmailChannels(app.ctx);
  console.info(`\nExtramile is running at ${config.publicUrl}`);
  console.info(`  API docs: ${config.publicUrl}/api/docs`);
  if (email.smtp) console.info(`  Inbound SMTP: ${config.email.smtpHost}:${email.smtp.port}`);
  console.info(
    `  Database: ${database.embedded ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : "PostgreSQL server (DATABASE_URL)"}`,
  );
  if (firstAdmin) {
    console.info("\n  First admin created — this login is shown once:");
    console.info(`    email:    ${firstAdmin.email}`);
    console.info(`    password: ${firstAdmin.password}\n`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`\n${signal}: shutting down`);
    await email.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
};

const main = async (argv: string[]): Promise<void> => {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      await start();
      return;
    case "migrate":
      await withDatabase(async () => console.info("Migrations applied."));
      return;
    case "create-admin": {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: "string" }, password: { type: "string" }, name: { type: "string" } },
      });
      if (!values.email || !values.password) throw new ConfigError("create-admin needs --email and --password");
      if (values.password.length < 10) throw new ConfigError("The password needs at least 10 characters");
      const email = values.email.toLowerCase();
      const password = values.password;
      await withDatabase(async (database, config) => {
        const app = await buildApp({ config, database });
        const user = await createAdmin(app.ctx, { email, password, name: values.name ?? "Administrator" });
        await app.ctx.events.drain();
        await app.close();
        console.info(`Admin ready: ${user.email}`);
      });
      return;
    }
    case "seed-demo":
      await withDatabase(async (database, config) => {
        const { seedDemo } = await import("./seed/demo");
        const app = await buildApp({ config, database });
        const firstAdmin = await ensureFirstAdmin(app.ctx, config.admin);
        const summary = await seedDemo(app.ctx);
        if (firstAdmin) console.info(`Admin login (shown once): ${firstAdmin.email} / ${firstAdmin.password}`);
        await app.ctx.events.drain();
        await app.close();
        console.info(summary);
      });
      return;
    default:
      console.info(USAGE);
      if (command && command !== "help" && command !== "--help") process.exitCode = 2;
  }
};

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
