import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import type { CaseSort } from "../../shared/contracts/cases";
import { LoginPage } from "../features/auth/login-page";
import { NotFound, PageError, PageLoader } from "../ui/states";
import { prefetchCase } from "./case-data";
import { CASE_SORT_VALUES } from "./contract-constants";
import { sessionQuery } from "./session";
import { Shell } from "./shell";

export interface RouterContext {
  queryClient: QueryClient;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: (s: Record<string, unknown>): { redirect?: string; reset?: "done" } => {
    const to = str(s.redirect);
    return {
      ...(to?.startsWith("/") && !to.startsWith("//") ? { redirect: to } : {}),
      ...(s.reset === "done" ? { reset: "done" as const } : {}),
    };
  },
  component: LoginPage,
});

const forgotPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/forgot-password",
  component: lazyRouteComponent(() => import("../features/auth/password-reset-pages"), "ForgotPasswordPage"),
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reset-password",
  validateSearch: (s: Record<string, unknown>): { token?: string } => {
    const token = str(s.token);
    return token ? { token } : {};
  },
  component: lazyRouteComponent(() => import("../features/auth/password-reset-pages"), "ResetPasswordPage"),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (!session) throw redirect({ to: "/login", search: { redirect: location.href } });
    return { session };
  },
  component: Shell,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/inbox" });
  },
});

export interface InboxSearch {
  view?: string;
  sort?: CaseSort;
}

const inboxRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/inbox",
  validateSearch: (s: Record<string, unknown>): InboxSearch => {
    const view = str(s.view);
    const sort = CASE_SORT_VALUES.find((x) => x === s.sort);
    return { ...(view ? { view } : {}), ...(sort ? { sort } : {}) };
  },
  component: lazyRouteComponent(() => import("../features/cases/inbox-page"), "InboxPage"),
});

export interface CaseSearch {
  compose?: "reply" | "note";
}

const caseRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/cases/$caseId",
  validateSearch: (s: Record<string, unknown>): CaseSearch =>
    s.compose === "reply" || s.compose === "note" ? { compose: s.compose } : {},
  loader: ({ context, params }) => prefetchCase(context.queryClient, params.caseId),
  component: lazyRouteComponent(() => import("../features/cases/case-page"), "CasePage"),
});

const searchRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/search",
  validateSearch: (s: Record<string, unknown>): { q?: string } => {
    const q = str(s.q);
    return q ? { q } : {};
  },
  component: lazyRouteComponent(() => import("../features/search/search-page"), "SearchPage"),
});

const contactsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/contacts",
  component: lazyRouteComponent(() => import("../features/customers/contacts-page"), "ContactsPage"),
});

const contactRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/contacts/$contactId",
  component: lazyRouteComponent(() => import("../features/customers/contact-page"), "ContactPage"),
});

const organizationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/organizations",
  component: lazyRouteComponent(() => import("../features/customers/organizations-page"), "OrganizationsPage"),
});

const organizationRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/organizations/$organizationId",
  component: lazyRouteComponent(() => import("../features/customers/organization-page"), "OrganizationPage"),
});

const usersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/users",
  component: lazyRouteComponent(() => import("../features/admin/users-page"), "UsersPage"),
});

const departmentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/departments",
  component: lazyRouteComponent(() => import("../features/admin/departments-page"), "DepartmentsPage"),
});

const teamsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/teams",
  component: lazyRouteComponent(() => import("../features/admin/teams-page"), "TeamsPage"),
});

const customerPagesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/customer-pages",
  component: lazyRouteComponent(() => import("../features/branding/customer-pages-page"), "CustomerPagesPage"),
});

const customFieldsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/custom-fields",
  component: lazyRouteComponent(() => import("../features/admin/custom-fields-page"), "CustomFieldsPage"),
});

const apiTokensRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings/api-tokens",
  component: lazyRouteComponent(() => import("../features/admin/api-tokens-page"), "ApiTokensPage"),
});

const myAccountRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings/account",
  component: lazyRouteComponent(() => import("../features/auth/my-account-page"), "MyAccountPage"),
});

const executiveRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/executive",
  component: lazyRouteComponent(
    () => import("../features/everyones-job/executive-dashboard-page"),
    "ExecutiveDashboardPage",
  ),
});

const remedyReviewsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/remedies/reviews",
  component: lazyRouteComponent(() => import("../features/everyones-job/reviews-page"), "ReviewsPage"),
});

const remedyLedgerRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/remedies/ledger",
  component: lazyRouteComponent(() => import("../features/everyones-job/ledger-page"), "LedgerPage"),
});

const upstreamIndexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/upstream",
  component: lazyRouteComponent(() => import("../features/everyones-job/upstream-page"), "UpstreamIndexPage"),
});

const upstreamRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/upstream/$departmentId",
  component: lazyRouteComponent(() => import("../features/everyones-job/upstream-page"), "UpstreamPage"),
});

const authorityLimitsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/authority-limits",
  component: lazyRouteComponent(() => import("../features/everyones-job/authority-limits-page"), "AuthorityLimitsPage"),
});

const rootCauseCategoriesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/root-cause-categories",
  component: lazyRouteComponent(
    () => import("../features/everyones-job/root-cause-categories-page"),
    "RootCauseCategoriesPage",
  ),
});

const slaAdminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/sla",
  component: lazyRouteComponent(() => import("../features/sla/sla-admin-page"), "SlaAdminPage"),
});

const breachingRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/sla/breaching",
  component: lazyRouteComponent(() => import("../features/sla/breaching-page"), "BreachingPage"),
});

const cracksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/cracks",
  component: lazyRouteComponent(() => import("../features/cracks/cracks-page"), "CracksPage"),
});

const leaveRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/leave",
  component: lazyRouteComponent(() => import("../features/cracks/leave-page"), "LeavePage"),
});

const auditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/admin/audit",
  component: lazyRouteComponent(() => import("../features/audit/audit-page"), "AuditPage"),
});

const knowledgeRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/knowledge",
  component: lazyRouteComponent(() => import("../features/knowledge/knowledge-page"), "KnowledgePage"),
});

const satisfactionRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/satisfaction",
  component: lazyRouteComponent(() => import("../features/surveys/satisfaction-page"), "SatisfactionPage"),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  appRoute.addChildren([
    indexRoute,
    inboxRoute,
    caseRoute,
    searchRoute,
    contactsRoute,
    contactRoute,
    organizationsRoute,
    organizationRoute,
    usersRoute,
    departmentsRoute,
    teamsRoute,
    customFieldsRoute,
    customerPagesRoute,
    apiTokensRoute,
    myAccountRoute,
    executiveRoute,
    remedyReviewsRoute,
    remedyLedgerRoute,
    upstreamIndexRoute,
    upstreamRoute,
    authorityLimitsRoute,
    rootCauseCategoriesRoute,
    slaAdminRoute,
    breachingRoute,
    cracksRoute,
    leaveRoute,
    auditRoute,
    knowledgeRoute,
    satisfactionRoute,
  ]),
]);

export const createAppRouter = (queryClient: QueryClient) =>
  createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: "intent",
    defaultPreloadStaleTime: 0,
    defaultPendingComponent: PageLoader,
    defaultPendingMs: 150,
    defaultErrorComponent: PageError,
    scrollRestoration: true,
  });

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
