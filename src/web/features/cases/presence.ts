import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { API_BASE, api, currentCsrfToken } from "../../app/api-client";
import { presenceKey } from "../../app/realtime";
import type { Presence } from "../../app/wire";

type PresenceUsers = Presence["users"];
const HEARTBEAT_MS = 20_000;

/**
 * Tells the server this employee is viewing (or replying on) the case while the page is open,
 * and returns the other employees there now.
 */
export const usePresence = (caseId: string, selfId: string, replying: boolean): PresenceUsers => {
  const queryClient = useQueryClient();
  const state = replying ? "replying" : "viewing";

  useEffect(() => {
    let stopped = false;
    const beat = () =>
      api<Presence>(`/cases/${caseId}/presence`, { method: "POST", body: { state } })
        .then((p) => {
          if (!stopped) queryClient.setQueryData(presenceKey(caseId), p.users);
        })
        .catch(() => undefined);
    void beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [caseId, state, queryClient]);

  useEffect(() => {
    const leave = () => {
      const token = currentCsrfToken();
      void fetch(`${API_BASE}/cases/${caseId}/presence`, {
        method: "POST",
        keepalive: true,
        credentials: "same-origin",
        headers: { "content-type": "application/json", ...(token ? { "x-csrf-token": token } : {}) },
        body: JSON.stringify({ state: "left" }),
      }).catch(() => undefined);
    };
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, [caseId]);

  const { data } = useQuery({
    queryKey: presenceKey(caseId),
    queryFn: (): PresenceUsers => [],
    enabled: false,
  });
  return useMemo(() => (data ?? []).filter((u) => u.id !== selfId), [data, selfId]);
};

/** "Dana is viewing", "Dana and Eli are replying", "Dana is replying · Eli is viewing". */
export const describePresence = (users: PresenceUsers): string | null => {
  if (users.length === 0) return null;
  const names = (list: PresenceUsers) =>
    list.length === 1
      ? list[0]?.name
      : `${list
          .slice(0, -1)
          .map((u) => u.name)
          .join(", ")} and ${list.at(-1)?.name}`;
  const parts: string[] = [];
  const replying = users.filter((u) => u.state === "replying");
  const viewing = users.filter((u) => u.state === "viewing");
  if (replying.length > 0) parts.push(`${names(replying)} ${replying.length === 1 ? "is" : "are"} replying`);
  if (viewing.length > 0) parts.push(`${names(viewing)} ${viewing.length === 1 ? "is" : "are"} viewing`);
  return parts.join(" · ");
};
