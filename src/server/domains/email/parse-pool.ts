import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { MailParseError, type MailParseErrorCode, type ParsedInbound } from "./mime-parse";

export interface ParsePoolOptions {
  /** Worker threads; at least two, so one slow message never holds up the next. */
  size: number;
  /** Time limit per message, enforced inside the parser and, as a backstop, by terminating the worker. */
  maxMs: number;
  /** Heap limit of each worker (V8 old generation). */
  memoryMb: number;
}

export const DEFAULT_PARSE_POOL: ParsePoolOptions = {
  size: Math.max(2, Math.min(4, availableParallelism())),
  maxMs: 30_000,
  memoryMb: 512,
};

const BACKSTOP_MS = 5_000;

type Reply =
  | { id: number; ok: true; parsed: ParsedInbound }
  | { id: number; ok: false; code: MailParseErrorCode; message: string };

interface Task {
  raw: Buffer;
  resolve: (parsed: ParsedInbound) => void;
  reject: (error: Error) => void;
}

/** tsx's ESM registration API (its CommonJS build cannot register ESM hooks in a worker). */
const tsxEsmApi = (): string => {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const exports = (JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, unknown> }).exports;
  const api = exports["./esm/api"] as { import: { default: string } };
  return pathToFileURL(join(dirname(manifest), api.import.default)).href;
};

/**
 * The worker runs the TypeScript source through tsx when the application runs from source, and the
 * compiled JavaScript directly otherwise.
 */
const spawnWorker = (memoryMb: number): Worker => {
  const entry = new URL(`./mime-parse.worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 64 };
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, { resourceLimits });
  const boot = `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
};

class Slot {
  private worker: Worker | null = null;
  private ready: Promise<Worker> | null = null;
  busy = false;

  constructor(private readonly options: ParsePoolOptions) {}

  private start(): Promise<Worker> {
    if (this.ready) return this.ready;
    const worker = spawnWorker(this.options.memoryMb);
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<Worker>((resolve, reject) => {
      const fail = (error: unknown) => {
        this.discard();
        reject(new Error(`mail parser worker failed to start: ${error instanceof Error ? error.message : error}`));
      };
      worker.once("error", fail);
      worker.once("exit", (code) => fail(`exited with code ${code}`));
      worker.once("message", () => {
        worker.removeAllListeners("error");
        worker.removeAllListeners("exit");
        resolve(worker);
      });
    });
    return this.ready;
  }

  private discard(): void {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) void worker.terminate();
  }

  /** Parses one message; rejects with MailParseError when the message is at fault, Error otherwise. */
  async run(id: number, raw: Buffer): Promise<ParsedInbound> {
    const worker = await this.start();
    return await new Promise<ParsedInbound>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      const giveUp = (error: Error) => {
        cleanup();
        this.discard();
        reject(error);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        cleanup();
        if (reply.ok) return resolve(revive(reply.parsed));
        // The parser gave up on the message but would go on working on it; a fresh worker takes the next one.
        if (reply.code === "timeout") this.discard();
        reject(new MailParseError(reply.code, reply.message));
      };
      const onError = (error: Error) => {
        const code = (error as { code?: string }).code;
        const reason = code === "ERR_WORKER_OUT_OF_MEMORY" ? "the parser ran out of memory" : error.message;
        giveUp(new MailParseError("unparseable", reason));
      };
      const onExit = (code: number) => giveUp(new MailParseError("unparseable", `the parser exited (${code})`));
      const timer = setTimeout(
        () => giveUp(new MailParseError("timeout", `parsing did not finish within ${this.options.maxMs} ms`)),
        this.options.maxMs + BACKSTOP_MS,
      );
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, raw, maxMs: this.options.maxMs });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) await worker.terminate();
  }
}

/** Structured cloning turns Buffers into Uint8Arrays; attachments go back to Buffers. */
const revive = (parsed: ParsedInbound): ParsedInbound => ({
  ...parsed,
  attachments: parsed.attachments.map((a) => ({
    ...a,
    content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
  })),
});

/**
 * Parses inbound mail in worker threads with per-message time and memory limits: a message that
 * hangs the parser or exhausts its heap costs one worker, which is replaced, never the process.
 */
export class ParsePool {
  private readonly slots: Slot[];
  private readonly waiting: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly options: ParsePoolOptions = DEFAULT_PARSE_POOL) {
    this.slots = Array.from({ length: options.size }, () => new Slot(options));
  }

  parse(raw: Buffer): Promise<ParsedInbound> {
    if (this.closed) return Promise.reject(new Error("parse pool is closed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ raw, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.waiting.shift();
      if (!task) return;
      slot.busy = true;
      slot
        .run(this.nextId++, task.raw)
        .then(task.resolve, task.reject)
        .finally(() => {
          slot.busy = false;
          this.pump();
        });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new Error("parse pool is closed"));
    await Promise.all(this.slots.map((s) => s.close()));
  }
}
