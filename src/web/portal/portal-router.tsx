import { createContext, type MouseEvent, type ReactNode, useContext, useEffect, useState } from "react";

/** The portal's pages: a tiny router of its own, apart from the workspace's route tree. */
export type PortalRoute =
  | { page: "cases" }
  | { page: "executive" }
  | { page: "sign-in"; caseId: string | null }
  | { page: "confirm-email" }
  | { page: "case"; caseId: string }
  | { page: "not-found" };

export const parseRoute = (pathname: string, search: string): PortalRoute => {
  if (pathname === "/portal" || pathname === "/portal/") return { page: "cases" };
  if (pathname === "/portal/executive") return { page: "executive" };
  if (pathname === "/portal/confirm-email") return { page: "confirm-email" };
  if (pathname === "/portal/sign-in") return { page: "sign-in", caseId: new URLSearchParams(search).get("case") };
  const m = /^\/portal\/cases\/([0-9a-f-]{36})$/.exec(pathname);
  return m?.[1] ? { page: "case", caseId: m[1] } : { page: "not-found" };
};

const Nav = createContext<{ route: PortalRoute; navigate: (to: string) => void }>({
  route: { page: "cases" },
  navigate: () => undefined,
});

export const PortalRouter = ({ children }: { children: ReactNode }) => {
  const read = () => parseRoute(window.location.pathname, window.location.search);
  const [route, setRoute] = useState<PortalRoute>(read);
  useEffect(() => {
    const onPop = () => setRoute(read());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  });
  const navigate = (to: string) => {
    window.history.pushState(null, "", to);
    setRoute(read());
    window.scrollTo(0, 0);
  };
  return <Nav.Provider value={{ route, navigate }}>{children}</Nav.Provider>;
};

export const usePortalNav = () => useContext(Nav);

/** A link that navigates inside the portal without reloading. */
export const useLinkProps = (to: string) => {
  const { navigate } = usePortalNav();
  return {
    href: to,
    onClick: (e: MouseEvent) => {
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(to);
    },
  };
};
