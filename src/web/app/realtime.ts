import type { QueryClient } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { API_BASE } from "./api-client";
import type { CaseStreamEvent, Presence } from "./wire";

export type RealtimeStatus = "connecting" | "live" | "offline";

let status: RealtimeStatus = "offline";
const listeners = new Set<() => void>();
/** Who last changed each case, from the stream: names the "changed by" of a 409. */
const lastActors = new Map<string, string | null>();

const setStatus = (next: RealtimeStatus) => {
  if (next === status) return;
  status = next;
  for (const l of listeners) l();
};

export const useRealtimeStatus = (): RealtimeStatus =>
  useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => status,
  );

export const lastActorOf = (caseId: string): string | null => lastActors.get(caseId) ?? null;

export const presenceKey = (caseId: string) => ["presence", caseId] as const;

const parse = <T>(data: string): T | null => {
  try {
    return JSON.parse(data) as T;
  } catch {
    return null;
  }
};

/**
 * One EventSource for the whole app: case events refresh the case and the lists, presence
 * events feed the "X is viewing" indicator. Reconnects with back-off when the stream drops.
 */
export const connectRealtime = (queryClient: QueryClient, selfId: string): (() => void) => {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let stopped = false;

  const open = () => {
    if (stopped) return;
    setStatus("connecting");
    source = new EventSource(`${API_BASE}/stream`, { withCredentials: true });
    source.onopen = () => {
      attempt = 0;
      setStatus("live");
    };
    source.addEventListener("case", (e: MessageEvent<string>) => {
      const ev = parse<CaseStreamEvent>(e.data);
      if (!ev) return;
      lastActors.set(ev.caseId, ev.actorId);
      if (ev.type === "executive_case.alerted") void queryClient.invalidateQueries({ queryKey: ["letter-alerts"] });
      if (ev.actorId === selfId && ev.type !== "message.added") return;
      void queryClient.invalidateQueries({ queryKey: ["case", ev.caseId] });
      void queryClient.invalidateQueries({ queryKey: ["messages", ev.caseId] });
      void queryClient.invalidateQueries({ queryKey: ["commitments", "case", ev.caseId] });
      void queryClient.invalidateQueries({ queryKey: ["cases"] });
      void queryClient.invalidateQueries({ queryKey: ["case-count"] });
    });
    source.addEventListener("presence", (e: MessageEvent<string>) => {
      const p = parse<Presence>(e.data);
      if (p) queryClient.setQueryData(presenceKey(p.caseId), p.users);
    });
    source.onerror = () => {
      if (source?.readyState === EventSource.CLOSED) {
        source.close();
        source = null;
        setStatus("offline");
        attempt += 1;
        retry = setTimeout(open, Math.min(60_000, 2_000 * 2 ** Math.min(attempt, 5)));
      } else setStatus("connecting");
    };
  };
  open();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    source?.close();
    setStatus("offline");
  };
};
