import { type QueryClient, queryOptions } from "@tanstack/react-query";
import { api } from "./api-client";
import type { CaseDetail, Message } from "./wire";

/** Versions only grow: a fetch that started before a save must not put the older version back. */
export const newerCase = (old: unknown, next: unknown): unknown => {
  const o = old as CaseDetail | undefined;
  const n = next as CaseDetail | undefined;
  return o && n && o.id === n.id && o.version > n.version ? o : next;
};

export const caseQuery = (id: string) =>
  queryOptions({
    queryKey: ["case", id] as const,
    queryFn: async ({ signal }) => await api<CaseDetail>(`/cases/${id}`, { signal }),
    structuralSharing: newerCase,
  });

export const messagesQuery = (id: string) =>
  queryOptions({
    queryKey: ["messages", id] as const,
    queryFn: async ({ signal }) => (await api<{ items: Message[] }>(`/cases/${id}/messages`, { signal })).items,
  });

/** Starts loading a case and its thread (on hover, on keyboard selection) so opening it is instant. */
export const prefetchCase = (queryClient: QueryClient, id: string): void => {
  void queryClient.prefetchQuery({ ...caseQuery(id), staleTime: 10_000 });
  void queryClient.prefetchQuery({ ...messagesQuery(id), staleTime: 10_000 });
};
