import {
  ActionIcon,
  Badge,
  Box,
  Button,
  Group,
  Kbd,
  NavLink,
  Paper,
  Select,
  Stack,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconEdit, IconKeyboard, IconPlus } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearch } from "@tanstack/react-router";
import { lazy, Suspense, useCallback, useEffect, useMemo, useReducer, useState } from "react";
import { errorMessage } from "../../app/api-client";
import { prefetchCase } from "../../app/case-data";
import type { Case, View } from "../../app/wire";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useNow } from "../../ui/use-now";
import { isVersionConflict } from "../../ui/versioned-save";
import { CaseTable } from "./case-table";
import { invalidateCaseLists, patchCase, useCaseCount, useCaseList, useViews } from "./cases.queries";
import { commandForKey, initialNav, isTypingTarget, navReducer } from "./keyboard-nav";
import { type CaseListParams, describeFilters, toggleSort, viewParams } from "./views";

const ViewEditor = lazy(() => import("./view-editor").then((m) => ({ default: m.ViewEditor })));

/** Re-computed once a minute so relative filters ("due today") move with time but keys stay stable. */
const useMinute = (): Date => {
  const now = useNow();
  return useMemo(() => {
    const d = new Date(now);
    d.setSeconds(0, 0);
    return d;
  }, [now]);
};

const ViewCount = ({ params, active }: { params: CaseListParams; active: boolean }) => {
  const count = useCaseCount(params);
  if (count.data === undefined) return null;
  return (
    <Badge
      size="sm"
      variant={active ? "filled" : "light"}
      color={active ? undefined : "gray"}
      aria-label={`${count.data} cases`}
    >
      {count.data > 999 ? "999+" : count.data}
    </Badge>
  );
};

const ShortcutHelp = () => (
  <Tooltip
    multiline
    w={260}
    label={
      <Stack gap={2}>
        <Text size="xs">j / k — move down / up</Text>
        <Text size="xs">Enter — open the case</Text>
        <Text size="xs">r — reply · n — note</Text>
        <Text size="xs">e — solve the selected case</Text>
        <Text size="xs">/ — search</Text>
      </Stack>
    }
  >
    <ActionIcon
      variant="subtle"
      color="gray"
      aria-label="Keyboard shortcuts: j k to move, Enter to open, r reply, n note, e solve, / search"
    >
      <IconKeyboard size={18} />
    </ActionIcon>
  </Tooltip>
);

export const InboxPage = () => {
  const search = useSearch({ from: "/app/inbox" });
  const navigate = useNavigate({ from: "/inbox" });
  const queryClient = useQueryClient();
  const views = useViews();
  const minute = useMinute();
  const [editing, setEditing] = useState<View | "new" | null>(null);

  const list = views.data ?? [];
  const view = list.find((v) => v.id === search.view) ?? list[0];
  const sort = search.sort ?? view?.sort ?? "-updated_at";
  const params = useMemo(() => (view ? viewParams(view.filters, minute) : {}), [view, minute]);
  const cases = useCaseList(params, sort);
  const rows = useMemo(() => cases.data?.pages.flatMap((p) => p.items) ?? [], [cases.data]);

  const [nav, dispatch] = useReducer(navReducer, initialNav(0));
  useEffect(() => dispatch({ type: "resize", count: rows.length }), [rows.length]);
  const selectedId = rows[nav.index]?.id;
  useEffect(() => {
    if (!selectedId) return;
    const t = setTimeout(() => prefetchCase(queryClient, selectedId), 250);
    return () => clearTimeout(t);
  }, [selectedId, queryClient]);
  useEffect(() => {
    if (view?.id) dispatch({ type: "first" });
  }, [view?.id]);

  const open = useCallback(
    (c: Case, compose?: "reply" | "note") =>
      void navigate({ to: "/cases/$caseId", params: { caseId: c.id }, search: compose ? { compose } : {} }),
    [navigate],
  );

  const solve = useCallback(
    async (c: Case) => {
      if (!c.abilities.update) {
        notifications.show({ color: "red", message: `You cannot change case #${c.number}.` });
        return;
      }
      if (c.status === "solved" || c.status === "closed") {
        notifications.show({ message: `Case #${c.number} is already ${c.status}.` });
        return;
      }
      try {
        await patchCase(c.id, c.version, { status: "solved" });
        notifications.show({ color: "green", message: `Case #${c.number} solved.` });
      } catch (err) {
        notifications.show({
          color: "red",
          title: `Case #${c.number} was not solved`,
          message: isVersionConflict(err)
            ? "Someone changed it meanwhile. Open it to review the latest version."
            : errorMessage(err),
        });
      } finally {
        invalidateCaseLists(queryClient);
      }
    },
    [queryClient],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (editing || document.querySelector("[role=dialog]")) return;
      const command = commandForKey({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        inField: isTypingTarget(e.target),
      });
      if (!command || command === "search") return;
      const selected = rows[nav.index];
      switch (command) {
        case "next":
        case "prev":
        case "first":
        case "last":
          e.preventDefault();
          dispatch({ type: command });
          return;
        case "open":
          if (selected && !(e.target instanceof HTMLAnchorElement)) {
            e.preventDefault();
            open(selected);
          }
          return;
        case "reply":
        case "note":
          if (selected) {
            e.preventDefault();
            open(selected, command);
          }
          return;
        case "solve":
          if (selected) {
            e.preventDefault();
            void solve(selected);
          }
          return;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, nav.index, open, solve, editing]);

  if (views.isLoading) return <Loading label="Loading views…" />;
  if (views.error) return <ErrorAlert error={views.error} onRetry={() => void views.refetch()} />;

  const selectView = (id: string) => void navigate({ search: { view: id } });

  return (
    <Group align="flex-start" gap="md" wrap="nowrap">
      <Paper withBorder w={196} p={4} visibleFrom="lg" component="nav" aria-label="Views" style={{ flex: "none" }}>
        {list.map((v) => (
          <NavLink
            key={v.id}
            label={v.name}
            active={v.id === view?.id}
            onClick={() => selectView(v.id)}
            rightSection={<ViewCount params={viewParams(v.filters, minute)} active={v.id === view?.id} />}
            aria-current={v.id === view?.id ? "page" : undefined}
            title={describeFilters(v.filters)}
          />
        ))}
        <Tooltip label="Save a view with your own filters and sort">
          <Button
            variant="subtle"
            size="xs"
            fullWidth
            justify="flex-start"
            leftSection={<IconPlus size={14} />}
            mt={4}
            onClick={() => setEditing("new")}
          >
            New view
          </Button>
        </Tooltip>
      </Paper>

      <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Select
              hiddenFrom="lg"
              aria-label="View"
              data={list.map((v) => ({ value: v.id, label: v.name }))}
              value={view?.id ?? null}
              onChange={(id) => id && selectView(id)}
              allowDeselect={false}
              w={220}
            />
            <Title order={1} fz="xl" visibleFrom="lg" style={{ whiteSpace: "nowrap" }}>
              {view?.name ?? "Cases"}
            </Title>
            {view ? <ViewCount params={params} active /> : null}
            <Text size="sm" c="dimmed" truncate visibleFrom="md">
              {view ? describeFilters(view.filters) : ""}
            </Text>
          </Group>
          <Group gap={4} wrap="nowrap">
            {view?.abilities.update ? (
              <Button size="xs" variant="default" leftSection={<IconEdit size={14} />} onClick={() => setEditing(view)}>
                Edit view
              </Button>
            ) : null}
            <Box visibleFrom="sm">
              <Text size="xs" c="dimmed" span>
                <Kbd size="xs">j</Kbd> <Kbd size="xs">k</Kbd> move · <Kbd size="xs">Enter</Kbd> open
              </Text>
            </Box>
            <ShortcutHelp />
          </Group>
        </Group>

        <Paper withBorder style={{ overflow: "hidden" }}>
          {cases.isLoading ? (
            <Loading label="Loading cases…" />
          ) : cases.error ? (
            <Box p="md">
              <ErrorAlert error={cases.error} onRetry={() => void cases.refetch()} />
            </Box>
          ) : rows.length === 0 ? (
            <Empty title="No cases here">
              Nothing matches “{view?.name}”. Cases appear here as soon as they match its filters.
            </Empty>
          ) : (
            <CaseTable
              cases={rows}
              selected={nav.index}
              sort={sort}
              label={view?.name ?? "Cases"}
              onSort={(col) => void navigate({ search: (s) => ({ ...s, sort: toggleSort(sort, col) }) })}
              onSelect={(i) => dispatch({ type: "select", index: i })}
              onOpen={(c) => open(c)}
            />
          )}
        </Paper>
        {cases.hasNextPage ? (
          <Button
            variant="default"
            onClick={() => void cases.fetchNextPage()}
            loading={cases.isFetchingNextPage}
            w="fit-content"
          >
            Load more cases
          </Button>
        ) : null}
      </Stack>
      {editing ? (
        <Suspense fallback={null}>
          <ViewEditor
            view={editing === "new" ? null : editing}
            onClose={() => setEditing(null)}
            onSaved={(v) => selectView(v.id)}
          />
        </Suspense>
      ) : null}
    </Group>
  );
};
