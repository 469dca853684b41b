import { useQuery } from "@tanstack/react-query";
import { type Branding, PortalError, type PortalSession, portalApi, setPortalCsrf } from "./portal-api";

export const DEFAULT_BRANDING: Branding = {
  companyName: "Customer support",
  primaryColor: "#1864ab",
  logoUrl: null,
  version: 0,
  updatedAt: new Date(0).toISOString(),
};

export const useBranding = () =>
  useQuery({ queryKey: ["branding"], queryFn: () => portalApi<Branding>("/branding"), staleTime: 300_000 });

/** The signed-in contact, or null; keeps the CSRF token for writes. */
export const usePortalSession = () =>
  useQuery({
    queryKey: ["portal-session"],
    queryFn: async () => {
      try {
        const s = await portalApi<PortalSession>("/portal/session");
        setPortalCsrf(s.csrfToken);
        return s;
      } catch (err) {
        if (err instanceof PortalError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
