import { keepPreviousData, type QueryClient, useQuery } from "@tanstack/react-query";
import type { LedgerGroup } from "../../../shared/contracts/remedies";
import { api, queryString } from "../../app/api-client";
import type { Notice, RootCauseCategory } from "../../app/wire";
import type {
  AuthorityLimit,
  CaseRemedies,
  ExecutiveCase,
  ExecutiveDashboard,
  Ledger,
  Remedy,
  UpstreamView,
} from "./wire";

export const executiveCaseKey = (caseId: string) => ["executive-case", caseId] as const;
export const remediesKey = (caseId: string) => ["case-remedies", caseId] as const;

/**
 * The executive side of a case on the executive line (the case says whether it is, so an ordinary case asks
 * nothing). Read again whenever the case moves on (its version), since solving, reopening and owner changes move
 * the executive stage too.
 */
export const useExecutiveCase = (caseId: string, version: number, onLine: boolean) =>
  useQuery({
    queryKey: [...executiveCaseKey(caseId), version],
    queryFn: async (): Promise<ExecutiveCase> => await api<ExecutiveCase>(`/executive/cases/${caseId}`),
    enabled: onLine,
    placeholderData: keepPreviousData,
    retry: false,
  });

export const LETTER_ALERTS_KEY = ["letter-alerts"] as const;

/**
 * The caller's unread alerts of letters written to them (the executive line's in-app alert). Refreshed when the
 * stream says an executive was alerted, and every minute in case the stream is down.
 */
export const useLetterAlerts = (enabled: boolean) =>
  useQuery({
    queryKey: LETTER_ALERTS_KEY,
    queryFn: async () =>
      (await api<{ items: Notice[] }>("/me/notifications?unread=true&limit=200")).items.filter(
        (n) => n.kind === "executive_letter",
      ),
    enabled,
    refetchInterval: 60_000,
  });

/** The executive opened the case: its letter alerts are read. */
export const markLettersRead = async (queryClient: QueryClient, alerts: readonly Notice[]): Promise<void> => {
  await Promise.all(alerts.map((n) => api(`/me/notifications/${n.id}/read`, { method: "POST" })));
  await queryClient.invalidateQueries({ queryKey: LETTER_ALERTS_KEY });
};

export const useExecutiveDashboard = (sinceDays: number, executiveId: string | null) =>
  useQuery({
    queryKey: ["executive-dashboard", sinceDays, executiveId],
    queryFn: async () =>
      await api<ExecutiveDashboard>(`/executive/dashboard${queryString({ sinceDays, executiveId })}`),
    placeholderData: keepPreviousData,
  });

export const useCaseRemedies = (caseId: string, currency: string) =>
  useQuery({
    queryKey: [...remediesKey(caseId), currency],
    queryFn: async () => await api<CaseRemedies>(`/cases/${caseId}/remedies${queryString({ currency })}`),
    placeholderData: keepPreviousData,
  });

export type ReviewStatusFilter = "pending" | "approved" | "discuss";

export const useReviewQueue = (status: ReviewStatusFilter) =>
  useQuery({
    queryKey: ["remedy-reviews", status],
    queryFn: async () => (await api<{ items: Remedy[] }>(`/remedies/reviews${queryString({ status })}`)).items,
  });

export interface LedgerParams {
  groupBy: LedgerGroup;
  from?: string | undefined;
  to?: string | undefined;
  currency?: string | undefined;
}

export const useLedger = (params: LedgerParams) =>
  useQuery({
    queryKey: ["remedy-ledger", params],
    queryFn: async () => await api<Ledger>(`/remedies/ledger${queryString({ ...params })}`),
    placeholderData: keepPreviousData,
  });

export const useUpstream = (departmentId: string, params: { from?: string | undefined; to?: string | undefined }) =>
  useQuery({
    queryKey: ["upstream", departmentId, params],
    queryFn: async () => await api<UpstreamView>(`/departments/${departmentId}/upstream${queryString({ ...params })}`),
    placeholderData: keepPreviousData,
  });

export const useAuthorityLimits = () =>
  useQuery({
    queryKey: ["authority-limits"],
    queryFn: async () => (await api<{ items: AuthorityLimit[] }>("/authority-limits")).items,
  });

export const useRootCauseCategories = () =>
  useQuery({
    queryKey: ["root-cause-categories"],
    queryFn: async () => (await api<{ items: RootCauseCategory[] }>("/root-cause-categories")).items,
    staleTime: 5 * 60_000,
  });

/** A remedy changes the case's cost of failure, its thread and the oversight pages. */
export const afterRemedyChange = (queryClient: QueryClient, caseId: string | null): void => {
  if (caseId) {
    void queryClient.invalidateQueries({ queryKey: remediesKey(caseId) });
    void queryClient.invalidateQueries({ queryKey: ["root-cause", caseId] });
    void queryClient.invalidateQueries({ queryKey: ["messages", caseId] });
  }
  void queryClient.invalidateQueries({ queryKey: ["remedy-reviews"] });
  void queryClient.invalidateQueries({ queryKey: ["remedy-ledger"] });
  void queryClient.invalidateQueries({ queryKey: ["upstream"] });
};
