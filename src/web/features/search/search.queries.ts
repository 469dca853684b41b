import { useQuery } from "@tanstack/react-query";
import { api, queryString } from "../../app/api-client";
import type { SearchHit } from "../../app/wire";

export const useSearch = (q: string, limit = 20) =>
  useQuery({
    queryKey: ["search", q, limit],
    queryFn: async ({ signal }) =>
      (await api<{ items: SearchHit[] }>(`/search${queryString({ q, limit })}`, { signal })).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
