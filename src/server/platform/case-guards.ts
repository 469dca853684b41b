import type { Tx } from "../db/connection";
import type { cases } from "../db/schema/index";
import type { AnyActor } from "./actor";

/** A case as guards see it (without its search vector). */
export type GuardedCase = Omit<typeof cases.$inferSelect, "subjectTsv">;

/** The next step a case carries while it waits in `solved` (instead of "closes automatically"). */
export interface HeldStep {
  nextStep: string;
  nextStepDueAt: Date;
}

/** A message about to be added, as guards see it. */
export interface NewMessage {
  kind: "reply" | "note" | "phone";
  /** For a logged call: the callback promise it answers, when the caller chose one. */
  callbackId: string | undefined;
}

/**
 * A rule another domain adds to the life of every case, without the cases domain knowing that domain.
 * Every hook runs inside the cases service's transaction, after the case row is locked; a hook refuses by
 * throwing an AppError that names the field.
 */
export interface CaseGuard {
  name: string;
  /** Before an update writes `next` (only the fields that change, as they will be) over `before`. */
  beforeUpdate?: (tx: Tx, actor: AnyActor, before: GuardedCase, next: Partial<GuardedCase>) => Promise<void>;
  /** Before a case becomes solved (`c` carries the values it is about to have); may hold it in `solved` with a step. */
  beforeSolve?: (tx: Tx, actor: AnyActor, c: GuardedCase, now: Date) => Promise<HeldStep | undefined>;
  /** Why the case may not be closed yet (by hand, by merge or by the auto-close job); null when it may. */
  closeBlocker?: (tx: Tx, c: GuardedCase) => Promise<string | null>;
  /** Before `source` is merged into `target` (and closed). */
  beforeMerge?: (tx: Tx, actor: AnyActor, source: GuardedCase, target: GuardedCase) => Promise<void>;
  /** Before a message is added to the case by an employee (a reply, a note, a logged call). */
  beforeMessage?: (tx: Tx, actor: AnyActor, c: GuardedCase, message: NewMessage) => Promise<void>;
  /** Before `userId` stops following the case. */
  beforeFollowerRemoved?: (tx: Tx, actor: AnyActor, c: GuardedCase, userId: string) => Promise<void>;
  /** After the cases service wrote a change (update, merge, auto-close): keep the guard's own state true. */
  afterChange?: (tx: Tx, actor: AnyActor, before: GuardedCase, after: GuardedCase) => Promise<void>;
}

/** The registry the composition root fills and the cases service consults; empty means plain cases. */
export class CaseGuards {
  private readonly guards: CaseGuard[] = [];

  register(guard: CaseGuard): void {
    if (this.guards.some((g) => g.name === guard.name)) throw new Error(`case guard ${guard.name} registered twice`);
    this.guards.push(guard);
  }

  async beforeUpdate(tx: Tx, actor: AnyActor, before: GuardedCase, next: Partial<GuardedCase>): Promise<void> {
    for (const g of this.guards) await g.beforeUpdate?.(tx, actor, before, next);
  }

  /** Runs every guard; the first held step (in registration order) wins. */
  async beforeSolve(tx: Tx, actor: AnyActor, c: GuardedCase, now: Date): Promise<HeldStep | undefined> {
    let held: HeldStep | undefined;
    for (const g of this.guards) {
      const step = await g.beforeSolve?.(tx, actor, c, now);
      held ??= step;
    }
    return held;
  }

  async closeBlocker(tx: Tx, c: GuardedCase): Promise<string | null> {
    for (const g of this.guards) {
      const reason = (await g.closeBlocker?.(tx, c)) ?? null;
      if (reason) return reason;
    }
    return null;
  }

  async beforeMerge(tx: Tx, actor: AnyActor, source: GuardedCase, target: GuardedCase): Promise<void> {
    for (const g of this.guards) await g.beforeMerge?.(tx, actor, source, target);
  }

  async beforeMessage(tx: Tx, actor: AnyActor, c: GuardedCase, message: NewMessage): Promise<void> {
    for (const g of this.guards) await g.beforeMessage?.(tx, actor, c, message);
  }

  async beforeFollowerRemoved(tx: Tx, actor: AnyActor, c: GuardedCase, userId: string): Promise<void> {
    for (const g of this.guards) await g.beforeFollowerRemoved?.(tx, actor, c, userId);
  }

  async afterChange(tx: Tx, actor: AnyActor, before: GuardedCase, after: GuardedCase): Promise<void> {
    for (const g of this.guards) await g.afterChange?.(tx, actor, before, after);
  }
}
