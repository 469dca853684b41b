import type { ServiceContext } from "../../platform/context";

const listeners = new WeakMap<ServiceContext, Set<() => void>>();

/** The IMAP pollers of this process listen here to pick up a changed mailbox at once. */
export const onMailboxesChanged = (ctx: ServiceContext, listener: () => void): (() => void) => {
  const set = listeners.get(ctx) ?? new Set();
  set.add(listener);
  listeners.set(ctx, set);
  return () => set.delete(listener);
};

export const signalMailboxesChanged = (ctx: ServiceContext): void => {
  for (const listener of listeners.get(ctx) ?? []) listener();
};
