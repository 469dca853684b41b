import PgBoss from "pg-boss";
import type { z } from "zod";

export interface JobDefinition<P extends z.ZodType> {
  name: string;
  payload: P;
  /** Cron (UTC) for recurring jobs. */
  cron?: string;
  handler: (payload: z.output<P>) => Promise<void>;
}

export const defineJob = <P extends z.ZodType>(def: JobDefinition<P>): JobDefinition<P> => def;

/** pg-boss on the application's own database: retries, cron and singletons safe across nodes. */
export class Jobs {
  private boss: PgBoss | null = null;
  private readonly definitions = new Map<string, JobDefinition<z.ZodType>>();

  constructor(
    private readonly connectionString: string,
    private readonly log: (msg: string, err?: unknown) => void,
  ) {}

  register<P extends z.ZodType>(def: JobDefinition<P>): void {
    this.definitions.set(def.name, def as unknown as JobDefinition<z.ZodType>);
  }

  async start(): Promise<void> {
    const boss = new PgBoss({ connectionString: this.connectionString, schema: "pgboss", max: 4 });
    boss.on("error", (err) => this.log("job queue error", err));
    await boss.start();
    for (const def of this.definitions.values()) {
      await boss.createQueue(def.name, { name: def.name, retryLimit: 5, retryBackoff: true });
      await boss.work(def.name, { pollingIntervalSeconds: 2 }, async (jobs) => {
        for (const job of jobs) await def.handler(def.payload.parse(job.data));
      });
      if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: "UTC" });
    }
    this.boss = boss;
  }

  async send<P extends z.ZodType>(def: JobDefinition<P>, payload: z.input<P>, options: PgBoss.SendOptions = {}) {
    if (!this.boss) {
      await def.handler(def.payload.parse(payload));
      return;
    }
    await this.boss.send(def.name, def.payload.parse(payload) as object, options);
  }

  async stop(): Promise<void> {
    await this.boss?.stop({ graceful: true, wait: true });
    this.boss = null;
  }
}
