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
  it("runs at most `concurrency` batches at once, each queued id once, and drains", async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const started: string[][] = [];
    const queue = new IntakeQueue(
      async (ids) => {
        started.push(ids);
        const gate = deferred();
        gates.set(ids.join(), gate);
        await gate.promise;
      },
      () => undefined,
      2,
      2,
    );
    for (const id of ["a", "b", "a", "c", "b", "d", "e"]) queue.push(id);
    expect(started).toEqual([["a"], ["b"]]);
    expect(queue.size).toBe(5);
    gates.get("a")?.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([["a"], ["b"], ["c", "d"]]);
    const drained = queue.drain();
    gates.get("b")?.resolve();
    await new Promise((r) => setImmediate(r));
    expect(started.at(-1)).toEqual(["e"]);
    gates.get("c,d")?.resolve();
    gates.get("e")?.resolve();
    await drained;
    expect(queue.size).toBe(0);
    queue.push("a");
    gates.get("a")?.resolve();
    await queue.drain();
    expect(started.flat()).toEqual(["a", "b", "c", "d", "e", "a"]);
  });

  it("logs a failed batch and goes on; beyond capacity or after close it leaves messages to the sweeper", async () => {
    const logged: string[] = [];
    const done: string[] = [];
    const queue = new IntakeQueue(
      async (ids) => {
        if (ids.includes("bad")) throw new Error("database down");
        done.push(...ids);
      },
      (msg) => logged.push(msg),
      1,
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
