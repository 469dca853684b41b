import type { FastifyInstance, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** Work to start once the answer has been sent (see AfterResponse). */
    deferredWork: (() => Promise<void>) | null;
  }
}

/**
 * Work a request does after its answer is sent, so the answer takes the same time whatever the work finds (a reset
 * or sign-in link asked for an address that exists or not). Failures are logged; `settled()` waits for what runs.
 */
export class AfterResponse {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: (msg: string, err?: unknown) => void) {}

  run(work: () => Promise<void>): void {
    const done: Promise<void> = work()
      .catch((err: unknown) => this.log("work after the response failed", err))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Resolves when all work started so far (and any it started) has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

/** Runs `work` after this request's answer has been sent. */
export const afterResponse = (req: FastifyRequest, work: () => Promise<void>): void => {
  req.deferredWork = work;
};

export const installAfterResponse = (app: FastifyInstance, runner: AfterResponse): void => {
  app.decorateRequest("deferredWork", null);
  app.addHook("onResponse", async (req) => {
    const work = req.deferredWork;
    if (work) runner.run(work);
  });
};
