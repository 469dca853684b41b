import {
  ActionIcon,
  AppShell,
  Avatar,
  Badge,
  Burger,
  Button,
  Group,
  Kbd,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import {
  IconAddressBook,
  IconAlarm,
  IconAlertTriangle,
  IconBeach,
  IconBook,
  IconBuilding,
  IconBuildingCommunity,
  IconBuildingFactory2,
  IconCategory,
  IconClockHour4,
  IconCrown,
  IconForms,
  IconGavel,
  IconHistory,
  IconInbox,
  IconKey,
  IconLogout,
  IconMoodSmile,
  IconMoon,
  IconPalette,
  IconPlus,
  IconReceipt,
  IconReportMoney,
  IconSearch,
  IconSun,
  IconUserCircle,
  IconUsers,
  IconUsersGroup,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate, useRouterState } from "@tanstack/react-router";
import { lazy, type ReactNode, Suspense, useEffect, useRef, useState } from "react";
import { isTypingTarget } from "../features/cases/keyboard-nav";
import { navAccess } from "../features/everyones-job/access";
import { useLetterAlerts } from "../features/everyones-job/everyones-job.queries";
import { api, setCsrfToken } from "./api-client";
import { useDepartments } from "./directory";
import { connectRealtime, useRealtimeStatus } from "./realtime";
import { isAdmin, useSession } from "./session";

const NewCaseModal = lazy(() => import("../features/cases/new-case-modal").then((m) => ({ default: m.NewCaseModal })));

const NavItem = ({
  to,
  label,
  icon,
  onClick,
  badge,
}: {
  to: string;
  label: string;
  icon: ReactNode;
  onClick: () => void;
  badge?: ReactNode;
}) => {
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  const active = pathname === to || (to !== "/inbox" && pathname.startsWith(`${to}/`));
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      leftSection={icon}
      rightSection={badge}
      active={active || (to === "/inbox" && pathname.startsWith("/cases/"))}
      onClick={onClick}
      aria-current={active ? "page" : undefined}
    />
  );
};

const ThemeToggle = () => {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme("light", { getInitialValueInEffect: true });
  const next = computed === "dark" ? "light" : "dark";
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={`Switch to ${next} theme`}
        onClick={() => setColorScheme(next)}
      >
        {computed === "dark" ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
};

const LiveIndicator = () => {
  const status = useRealtimeStatus();
  const label =
    status === "live" ? "Live updates on" : status === "connecting" ? "Connecting live updates…" : "Live updates off";
  return (
    <Tooltip label={label}>
      <span className="live-dot" data-status={status} role="img" aria-label={label} />
    </Tooltip>
  );
};

const GlobalSearch = () => {
  const navigate = useNavigate();
  const ref = useRef<HTMLInputElement>(null);
  const currentQ = useRouterState({
    select: (s) => (s.location.pathname === "/search" ? ((s.location.search as { q?: string }).q ?? "") : ""),
  });
  const [value, setValue] = useState(currentQ);
  useEffect(() => setValue(currentQ), [currentQ]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target)) {
        e.preventDefault();
        ref.current?.focus();
        ref.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <search style={{ flex: 1, maxWidth: 480 }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const q = value.trim();
          if (q) void navigate({ to: "/search", search: { q } });
        }}
      >
        <TextInput
          ref={ref}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") e.currentTarget.blur();
          }}
          placeholder="Search cases and messages"
          aria-label="Search cases and messages"
          leftSection={<IconSearch size={16} />}
          rightSection={<Kbd size="xs">/</Kbd>}
          rightSectionPointerEvents="none"
        />
      </form>
    </search>
  );
};

/**
 * The executive line's in-app alert: how many letters written to you are still unread, and a notice the moment a new
 * one arrives (the stream refreshes the list when the server alerts you).
 */
const LetterAlerts = () => {
  const alerts = useLetterAlerts(true);
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!alerts.data) return;
    if (seen.current) {
      for (const n of alerts.data) {
        if (!seen.current.has(n.id)) notifications.show({ color: "indigo", title: n.title, message: n.body });
      }
    }
    seen.current = new Set(alerts.data.map((n) => n.id));
  }, [alerts.data]);
  const count = alerts.data?.length ?? 0;
  return count > 0 ? (
    <Badge size="sm" color="red" circle aria-label={`${count} unread letter${count === 1 ? "" : "s"} to you`}>
      {count}
    </Badge>
  ) : null;
};

export const Shell = () => {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [navOpen, nav] = useDisclosure(false);
  const [creating, setCreating] = useState(false);

  useEffect(() => connectRealtime(queryClient, session.user.id), [queryClient, session.user.id]);

  const logout = async () => {
    try {
      await api("/auth/logout", { method: "POST" });
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(["session"], null);
      await navigate({ to: "/login" });
    }
  };

  const admin = isAdmin(session);
  const departments = useDepartments();
  const everyonesJob = navAccess(session.user, departments.data ?? []);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 208, breakpoint: "md", collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" gap="sm" wrap="nowrap">
          <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
          <UnstyledButton component={Link} to="/inbox" aria-label="Extramile inbox" className="brand">
            <Text fw={800} size="lg" c="indigo">
              Extramile
            </Text>
          </UnstyledButton>
          <GlobalSearch />
          <Group gap="xs" ml="auto" wrap="nowrap">
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} size="sm">
              New case
            </Button>
            <LiveIndicator />
            <ThemeToggle />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton>
                  <Avatar size={34} radius="xl" color="indigo" name={session.user.name} aria-hidden />
                  <VisuallyHidden>Account menu for {session.user.name}</VisuallyHidden>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>
                  {session.user.name}
                  <br />
                  {session.user.email}
                </Menu.Label>
                <Menu.Item component={Link} to="/settings/account" leftSection={<IconUserCircle size={16} />}>
                  My account
                </Menu.Item>
                <Menu.Item component={Link} to="/settings/api-tokens" leftSection={<IconKey size={16} />}>
                  API tokens
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void logout()}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <AppShell.Section grow component={ScrollArea}>
          <NavItem to="/inbox" label="Inbox" icon={<IconInbox size={18} />} onClick={nav.close} />
          <NavItem to="/contacts" label="Contacts" icon={<IconAddressBook size={18} />} onClick={nav.close} />
          <NavItem to="/organizations" label="Organizations" icon={<IconBuilding size={18} />} onClick={nav.close} />
          <NavItem to="/knowledge" label="Help center" icon={<IconBook size={18} />} onClick={nav.close} />
          {["admin", "supervisor", "executive"].includes(session.user.role) ? (
            <NavItem to="/satisfaction" label="Satisfaction" icon={<IconMoodSmile size={18} />} onClick={nav.close} />
          ) : null}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
            Everyone's job
          </Text>
          {everyonesJob.executive ? (
            <NavItem
              to="/executive"
              label="Executive line"
              icon={<IconCrown size={18} />}
              onClick={nav.close}
              badge={<LetterAlerts />}
            />
          ) : null}
          {everyonesJob.reviews ? (
            <NavItem to="/remedies/reviews" label="Review queue" icon={<IconGavel size={18} />} onClick={nav.close} />
          ) : null}
          {everyonesJob.ledger ? (
            <NavItem
              to="/remedies/ledger"
              label="Remedy ledger"
              icon={<IconReportMoney size={18} />}
              onClick={nav.close}
            />
          ) : null}
          <NavItem to="/upstream" label="Upstream" icon={<IconBuildingFactory2 size={18} />} onClick={nav.close} />
          <NavItem to="/sla/breaching" label="Breaching soon" icon={<IconAlarm size={18} />} onClick={nav.close} />
          <NavItem to="/cracks" label="Cracks" icon={<IconAlertTriangle size={18} />} onClick={nav.close} />
          {admin ? (
            <>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
                Admin
              </Text>
              <NavItem to="/admin/users" label="Users" icon={<IconUsers size={18} />} onClick={nav.close} />
              <NavItem
                to="/admin/departments"
                label="Departments"
                icon={<IconBuildingCommunity size={18} />}
                onClick={nav.close}
              />
              <NavItem to="/admin/teams" label="Teams" icon={<IconUsersGroup size={18} />} onClick={nav.close} />
              <NavItem
                to="/admin/custom-fields"
                label="Custom fields"
                icon={<IconForms size={18} />}
                onClick={nav.close}
              />
              <NavItem
                to="/admin/customer-pages"
                label="Customer pages"
                icon={<IconPalette size={18} />}
                onClick={nav.close}
              />
              <NavItem
                to="/admin/authority-limits"
                label="Authority limits"
                icon={<IconReceipt size={18} />}
                onClick={nav.close}
              />
              <NavItem
                to="/admin/root-cause-categories"
                label="Root-cause categories"
                icon={<IconCategory size={18} />}
                onClick={nav.close}
              />
              <NavItem to="/admin/sla" label="SLAs" icon={<IconClockHour4 size={18} />} onClick={nav.close} />
              <NavItem to="/admin/audit" label="Audit log" icon={<IconHistory size={18} />} onClick={nav.close} />
            </>
          ) : null}
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
            You
          </Text>
          <NavItem to="/leave" label="Out of office" icon={<IconBeach size={18} />} onClick={nav.close} />
          <NavItem to="/settings/api-tokens" label="API tokens" icon={<IconKey size={18} />} onClick={nav.close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
        {creating ? (
          <Suspense fallback={null}>
            <NewCaseModal onClose={() => setCreating(false)} />
          </Suspense>
        ) : null}
      </AppShell.Main>
    </AppShell>
  );
};
