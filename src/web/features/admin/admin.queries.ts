import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../../app/api-client";

/** POST to create or PATCH to update an admin resource, then refresh its list. */
export const useSaveResource = <T>(resource: "users" | "departments" | "teams" | "custom-fields") => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id?: string | undefined; body: Record<string, unknown> }) =>
      await api<T>(id ? `/${resource}/${id}` : `/${resource}`, { method: id ? "PATCH" : "POST", body }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [resource] });
    },
  });
};
