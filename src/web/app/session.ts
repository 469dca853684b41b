import { queryOptions, useQuery } from "@tanstack/react-query";
import { ApiError, api, setCsrfToken } from "./api-client";
import type { Session } from "./wire";

export const fetchSession = async (): Promise<Session | null> => {
  try {
    const session = await api<Session>("/auth/session");
    setCsrfToken(session.csrfToken);
    return session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
};

export const sessionQuery = queryOptions({
  queryKey: ["session"],
  queryFn: fetchSession,
  staleTime: Number.POSITIVE_INFINITY,
  retry: false,
});

/** The signed-in employee; only inside the authenticated part of the app. */
export const useSession = (): Session => {
  const { data } = useQuery(sessionQuery);
  if (!data) throw new Error("useSession outside the signed-in app");
  return data;
};

export const isAdmin = (session: Session): boolean => session.user.role === "admin";
