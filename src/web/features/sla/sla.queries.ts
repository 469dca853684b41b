import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import type {
  zBreachingItem,
  zBusinessCalendar,
  zCaseSla,
  zCreateBusinessCalendarInput,
  zCreateSlaPolicyInput,
  zSlaPolicy,
} from "../../../shared/contracts/sla";
import { api, queryString } from "../../app/api-client";
import type { Page } from "../../app/wire";
import { ifMatch } from "../../ui/versioned-save";

/** JSON as it travels: timestamps are ISO strings. */
export type Calendar = z.input<typeof zBusinessCalendar>;
export type CalendarInput = z.input<typeof zCreateBusinessCalendarInput>;
export type Policy = z.input<typeof zSlaPolicy>;
export type PolicyInput = z.input<typeof zCreateSlaPolicyInput>;
export type CaseSla = z.input<typeof zCaseSla>;
export type SlaClock = CaseSla["clocks"][number];
export type BreachingItem = z.input<typeof zBreachingItem>;

const CALENDARS = ["sla", "calendars"] as const;
const POLICIES = ["sla", "policies"] as const;

export const useCalendars = () =>
  useQuery({
    queryKey: CALENDARS,
    queryFn: async () => (await api<{ items: Calendar[] }>("/sla/calendars")).items,
  });

export const usePolicies = () =>
  useQuery({
    queryKey: POLICIES,
    queryFn: async () => (await api<{ items: Policy[] }>("/sla/policies")).items,
  });

/** POST to create or PATCH to update a calendar or policy, then refresh both lists (policies name calendars). */
export const useSaveSla = <T>(kind: "calendars" | "policies") => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      id,
      body,
      headers,
    }: {
      id?: string | undefined;
      body: Record<string, unknown>;
      /** If-Match of the version an edit started from (sent with PATCH only). */
      headers: Record<string, string>;
    }) =>
      id
        ? await api<T>(`/sla/${kind}/${id}`, { method: "PATCH", body, headers })
        : await api<T>(`/sla/${kind}`, { method: "POST", body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["sla"] }),
  });
};

/** Reads one calendar or policy again (after a conflict) and refreshes the lists that show it. */
export const useRefreshSla = <T>(kind: "calendars" | "policies") => {
  const queryClient = useQueryClient();
  return async (id: string): Promise<T> => {
    const fresh = await api<T>(`/sla/${kind}/${id}`);
    void queryClient.invalidateQueries({ queryKey: ["sla"] });
    return fresh;
  };
};

export const useDeleteSla = (kind: "calendars" | "policies") => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => await api<{ ok: true }>(`/sla/${kind}/${id}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["sla"] }),
  });
};

/** Writes new positions one policy at a time (each PATCH re-plans the cases it concerns), then refreshes. */
export const useReorderPolicies = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (changes: { id: string; version: number; position: number }[]) => {
      for (const c of changes) {
        await api<Policy>(`/sla/policies/${c.id}`, {
          method: "PATCH",
          body: { position: c.position },
          headers: ifMatch(c.version),
        });
      }
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: POLICIES }),
  });
};

export const caseSlaKey = (caseId: string) => ["sla", "case", caseId] as const;

export const useCaseSla = (caseId: string, version: number) =>
  useQuery({
    queryKey: [...caseSlaKey(caseId), version],
    queryFn: async () => await api<CaseSla>(`/cases/${caseId}/sla`),
    placeholderData: (previous) => previous,
  });

/** Clocks of a page of cases, keyed by case id. */
export const useClocksOf = (caseIds: readonly string[]) =>
  useQuery({
    queryKey: ["sla", "clocks", [...caseIds].sort().join(",")],
    enabled: caseIds.length > 0,
    queryFn: async () => {
      const { items } = await api<{ items: CaseSla[] }>(
        `/sla/clocks${queryString({ caseIds: caseIds.slice(0, 100) })}`,
      );
      return new Map(items.map((s) => [s.caseId, s]));
    },
    placeholderData: (previous) => previous,
    staleTime: 30_000,
  });

export interface BreachingFilter {
  withinMinutes: number;
  includeBreached: boolean;
  ownerId?: "me" | undefined;
  teamId?: "mine" | undefined;
}

export const useBreaching = (f: BreachingFilter) =>
  useQuery({
    queryKey: ["sla", "breaching", f],
    queryFn: async () =>
      await api<Page<BreachingItem>>(
        `/sla/breaching${queryString({
          withinMinutes: f.withinMinutes,
          includeBreached: String(f.includeBreached),
          ownerId: f.ownerId,
          teamId: f.teamId,
          limit: 100,
        })}`,
      ),
    refetchInterval: 60_000,
  });
