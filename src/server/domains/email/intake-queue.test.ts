import { describe, expect, it } from "vitest";
import { IntakeQueue } from "./intake-queue";

const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe("intake queue", () => {
  it("files at most `concurrency` messages at once, each queued id once, and drains", async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const started: string[] = [];
    const queue = new IntakeQueue(
      async (id) => {
        started.push(id);
        const gate = deferred();
        gates.set(id, gate);
        await gate.promise;
      },
      () => undefined,
      2,
    );
    for (const id of ["a", "b", "a", "c", "b"]) queue.push(id);
    expect(started).toEqual(["a", "b"]);
    expect(queue.size).toBe(3);
    gates.get("a")?.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(["a", "b", "c"]);
    const drained = queue.drain();
    gates.get("b")?.resolve();
    gates.get("c")?.resolve();
    await drained;
    expect(queue.size).toBe(0);
    queue.push("a");
    gates.get("a")?.resolve();
    await queue.drain();
    expect(started).toEqual(["a", "b", "c", "a"]);
  });

  it("logs a failure and goes on; beyond capacity or after close it leaves messages to the sweeper", async () => {
    const logged: string[] = [];
    const done: string[] = [];
    const queue = new IntakeQueue(
      async (id) => {
        if (id === "bad") throw new Error("database down");
        done.push(id);
      },
      (msg) => logged.push(msg),
      1,
      2,
    );
    queue.push("bad");
    queue.push("ok");
    queue.push("over-capacity");
    await queue.drain();
    expect(done).toEqual(["ok"]);
    expect(logged).toEqual([expect.stringContaining("bad")]);
    await queue.close();
    queue.push("late");
    await queue.drain();
    expect(done).toEqual(["ok"]);
  });
});
