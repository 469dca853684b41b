import { useSyncExternalStore } from "react";

let now = new Date();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

const subscribe = (cb: () => void) => {
  listeners.add(cb);
  if (!timer) {
    now = new Date();
    timer = setInterval(() => {
      now = new Date();
      for (const l of listeners) l();
    }, 30_000);
  }
  return () => {
    listeners.delete(cb);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
};

/** The current time, shared by every relative-time label and refreshed every 30 s. */
export const useNow = (): Date => useSyncExternalStore(subscribe, () => now);
