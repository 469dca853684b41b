import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import type { CaseSort } from "../../../shared/contracts/cases";
import { api, queryString } from "../../app/api-client";
import { caseQuery, messagesQuery } from "../../app/case-data";
import type { Case, CaseDetail, CaseEmail, CaseHistoryEntry, Page, UpdateCaseInput, View } from "../../app/wire";
import { ifMatch } from "../../ui/versioned-save";
import { type CaseListParams, sortViews } from "./views";

export const caseKey = (id: string) => ["case", id] as const;
export const messagesKey = (id: string) => ["messages", id] as const;

/** Built-in and saved views, built-in first. */
export const useViews = () =>
  useQuery({
    queryKey: ["views"],
    queryFn: async (): Promise<View[]> => sortViews((await api<{ items: View[] }>("/views")).items),
    staleTime: 60_000,
  });

export const useCaseList = (params: CaseListParams, sort: CaseSort, pageSize = 50) =>
  useInfiniteQuery({
    queryKey: ["cases", params, sort, pageSize],
    queryFn: async ({ pageParam, signal }) =>
      await api<Page<Case>>(`/cases${queryString({ ...params, sort, limit: pageSize, cursor: pageParam })}`, {
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 10_000,
  });

export const useCaseCount = (params: CaseListParams) =>
  useQuery({
    queryKey: ["case-count", params],
    queryFn: async ({ signal }) =>
      (await api<{ count: number }>(`/cases/count${queryString(params)}`, { signal })).count,
    staleTime: 20_000,
  });

/** A few cases by one filter (a requester's or organization's other cases). */
export const useRelatedCases = (params: CaseListParams, enabled: boolean, limit = 6) =>
  useQuery({
    queryKey: ["cases", params, "-updated_at", limit],
    queryFn: async () =>
      (await api<Page<Case>>(`/cases${queryString({ ...params, sort: "-updated_at", limit })}`)).items,
    enabled,
  });

export const useCase = (id: string) => useQuery(caseQuery(id));

export const useMessages = (id: string) => useQuery(messagesQuery(id));

/**
 * Where each message of a case came from or went to (delivery, quoted history, sender verification) and whether
 * a reply written now would be emailed. Under the case's key, so every change of the case refreshes it.
 */
export const caseEmailKey = (id: string) => ["case", id, "email"] as const;
export const useCaseEmail = (id: string) =>
  useQuery({
    queryKey: caseEmailKey(id),
    queryFn: async ({ signal }) => await api<CaseEmail>(`/cases/${id}/email`, { signal }),
    staleTime: 5_000,
  });

/** What changed on the case and by whom: under the case's key, so a live change of the case refreshes it. */
export const caseHistoryKey = (id: string) => ["case", id, "history"] as const;
export const useCaseHistory = (id: string) =>
  useQuery({
    queryKey: caseHistoryKey(id),
    queryFn: async ({ signal }) => (await api<{ items: CaseHistoryEntry[] }>(`/cases/${id}/history`, { signal })).items,
    staleTime: 5_000,
  });

export const invalidateCaseLists = (queryClient: QueryClient): void => {
  void queryClient.invalidateQueries({ queryKey: ["cases"] });
  void queryClient.invalidateQueries({ queryKey: ["case-count"] });
};

/**
 * Keeps the detail-only fields (followers, links) when a PATCH answers with the plain case, and refreshes the
 * case's history, which the change just extended.
 */
export const mergeIntoDetail = (queryClient: QueryClient, updated: Case | CaseDetail): void => {
  queryClient.setQueryData<CaseDetail>(caseKey(updated.id), (old) =>
    old ? { ...old, ...updated } : "followerIds" in updated ? updated : undefined,
  );
  void queryClient.invalidateQueries({ queryKey: caseHistoryKey(updated.id) });
};

export const patchCase = async (id: string, version: number, patch: UpdateCaseInput): Promise<Case> =>
  await api<Case>(`/cases/${id}`, { method: "PATCH", body: patch, headers: ifMatch(version) });

export interface CaseEdit {
  patch: UpdateCaseInput;
  /** The version the user looked at when editing. */
  version: number;
}

export const useUpdateCase = (id: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ patch, version }: CaseEdit) => await patchCase(id, version, patch),
    onSuccess: (updated) => {
      mergeIntoDetail(queryClient, updated);
      invalidateCaseLists(queryClient);
    },
  });
};

/** Case actions that answer with the full detail (followers, links, merge). */
export const useCaseAction = (id: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (req: { path: string; method: "POST" | "DELETE"; body?: unknown }) =>
      await api<CaseDetail | Case>(`/cases/${id}${req.path}`, {
        method: req.method,
        ...(req.body !== undefined ? { body: req.body } : {}),
      }),
    onSuccess: (result) => {
      mergeIntoDetail(queryClient, result);
      void queryClient.invalidateQueries({ queryKey: caseKey(id) });
      void queryClient.invalidateQueries({ queryKey: messagesKey(id) });
      invalidateCaseLists(queryClient);
    },
  });
};

/** Unique ids → names for a list of users, for follower chips and presence. */
export const useNameOf = (users: { id: string; name: string }[] | undefined) =>
  useMemo(() => {
    const map = new Map((users ?? []).map((u) => [u.id, u.name]));
    return (id: string | null | undefined) => (id ? (map.get(id) ?? "Someone") : "Someone");
  }, [users]);
