import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../app/api-client";

/** POST to create or PATCH to update an admin resource, then refresh its list. */
export const useSaveResource = <T>(resource: "users" | "departments" | "teams" | "custom-fields") => {
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
      headers?: Record<string, string>;
    }) =>
      id
        ? await api<T>(`/${resource}/${id}`, { method: "PATCH", body, ...(headers ? { headers } : {}) })
        : await api<T>(`/${resource}`, { method: "POST", body }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [resource] });
    },
  });
};
