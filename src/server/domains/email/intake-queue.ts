/**
 * Stored messages waiting to be parsed and filed in this process. The inbound_messages row is the
 * durable record, so this queue may forget: a message is queued when it is stored, when the process
 * starts (every message still waiting) and when the minute sweeper finds it untouched (a crash, a full
 * queue, a process that died with it queued). A pg-boss job per message would only copy that row, at
 * three more statements per message.
 *
 * Work is handed out in batches: whatever is waiting when a slot frees up, at most `batchSize` ids, so
 * a burst is filed many messages to a transaction while a lone message still goes at once.
 */
export class IntakeQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private active = 0;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly work: (ids: string[]) => Promise<unknown>,
    private readonly log: (msg: string, err?: unknown) => void,
    readonly concurrency = 3,
    readonly batchSize = 25,
    readonly capacity = 10_000,
  ) {}

  /** Queues a stored message unless it is queued already; beyond `capacity` the sweeper brings it later. */
  push(id: string): void {
    if (this.closed || this.queued.has(id) || this.queued.size >= this.capacity) return;
    this.queued.add(id);
    this.waiting.push(id);
    this.pump();
  }

  get size(): number {
    return this.queued.size;
  }

  /** Resolves when nothing is queued or being processed. */
  async drain(): Promise<void> {
    if (this.queued.size === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Stops taking messages, forgets the waiting ones (they stay stored) and waits for those in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.waiting.splice(0)) this.queued.delete(id);
    await this.drain();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length > 0) {
      const ids = this.waiting.splice(0, this.batchSize);
      this.active++;
      this.work(ids)
        .catch((err: unknown) =>
          this.log(`email: filing inbound messages ${ids.join(", ")} failed; the sweeper retries them`, err),
        )
        .finally(() => {
          this.active--;
          for (const id of ids) this.queued.delete(id);
          this.pump();
          if (this.queued.size === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    }
  }
}
