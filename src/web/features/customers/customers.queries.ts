import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, queryString } from "../../app/api-client";
import type { Contact, Organization, Page } from "../../app/wire";

export const useContactList = (q: string, organizationId?: string) =>
  useInfiniteQuery({
    queryKey: ["contacts", "list", q, organizationId ?? null],
    queryFn: async ({ pageParam, signal }) =>
      await api<Page<Contact>>(`/contacts${queryString({ q, organizationId, limit: 50, cursor: pageParam })}`, {
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const useOrganizationList = (q: string) =>
  useInfiniteQuery({
    queryKey: ["organizations", "list", q],
    queryFn: async ({ pageParam, signal }) =>
      await api<Page<Organization>>(`/organizations${queryString({ q, limit: 50, cursor: pageParam })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const useContact = (id: string) =>
  useQuery({ queryKey: ["contact", id], queryFn: async () => await api<Contact>(`/contacts/${id}`) });

export const useOrganization = (id: string | null | undefined) =>
  useQuery({
    queryKey: ["organization", id],
    queryFn: async () => await api<Organization>(`/organizations/${id}`),
    enabled: !!id,
  });

export const useSaveCustomer = <T extends { id: string }>(kind: "contacts" | "organizations") => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({
      id,
      body,
      headers,
    }: {
      id?: string;
      body: object;
      /** If-Match of the version an edit started from. */
      headers?: Record<string, string>;
    }) =>
      await api<T>(id ? `/${kind}/${id}` : `/${kind}`, {
        method: id ? "PATCH" : "POST",
        body,
        ...(headers ? { headers } : {}),
      }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: [kind] });
      queryClient.setQueryData([kind === "contacts" ? "contact" : "organization", saved.id], saved);
    },
  });
};
