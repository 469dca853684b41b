import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import {
  Anchor,
  Badge,
  Group,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { Link, useNavigate, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { ApiError } from "../../app/api-client";
import { useDepartments } from "../../app/directory";
import { useSession } from "../../app/session";
import type { Department, Session } from "../../app/wire";
import { formatAbsolute } from "../../ui/due-time";
import { STATUS_LABEL } from "../../ui/labels";
import { Empty, ErrorAlert, Loading, NotFound } from "../../ui/states";
import { CorrectiveActions } from "./corrective-actions";
import { useUpstream } from "./everyones-job.queries";
import { formatMoney, fractionDigits } from "./money";
import { Stat } from "./stat";
import { categorySeries, currenciesOf, monthSeries, totalCost } from "./upstream";
import type { UpstreamView } from "./wire";

/** Departments whose upstream view the signed-in person can open (the server decides; this only picks links). */
const visibleDepartments = (session: Session, departments: Department[]): Department[] =>
  ["admin", "supervisor", "executive"].includes(session.user.role)
    ? departments
    : departments.filter((d) => d.id === session.user.departmentId || d.directorId === session.user.id);

const byKind = (a: Department, b: Department) =>
  a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "operations" ? -1 : 1;

/** `/upstream`: the departments one can look at, operations first. */
export const UpstreamIndexPage = () => {
  const session = useSession();
  const departments = useDepartments();
  const visible = visibleDepartments(session, departments.data ?? []).sort(byKind);
  return (
    <Stack gap="md">
      <Stack gap={2}>
        <Title order={1} fz="xl">
          Root causes charged upstream
        </Title>
        <Text size="sm" c="dimmed">
          Each department's failures, what they cost, the repeats, and what it is doing about them.
        </Text>
      </Stack>
      {departments.isLoading ? (
        <Loading label="Loading departments…" />
      ) : departments.error ? (
        <ErrorAlert error={departments.error} onRetry={() => void departments.refetch()} />
      ) : visible.length === 0 ? (
        <Empty title="No department to show">
          You see the upstream view of your own department, or of those you direct.
        </Empty>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" component="ul" p={0} m={0}>
          {visible.map((d) => (
            <Paper key={d.id} withBorder p="sm" radius="md" component="li" style={{ listStyle: "none" }}>
              <Anchor
                renderRoot={(props) => <Link {...props} to="/upstream/$departmentId" params={{ departmentId: d.id }} />}
                fw={600}
              >
                {d.name}
              </Anchor>
              <Text size="xs" c="dimmed">
                {d.kind === "operations" ? "Operations" : "Customer service"}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
};

const Charts = ({ view, currency }: { view: UpstreamView; currency: string }) => {
  const months = monthSeries(view, currency);
  const categories = categorySeries(view, currency);
  const money = (major: number) => formatMoney(Math.round(major * 10 ** fractionDigits(currency)), currency);
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
      <Paper withBorder p="sm" radius="md" component="figure" m={0} aria-labelledby="cost-by-month">
        <Text component="figcaption" fw={600} size="sm" mb="xs" id="cost-by-month">
          Cost of failure by month ({currency})
        </Text>
        {months.length === 0 ? (
          <Text size="sm" c="dimmed">
            No cost recorded in {currency} in this period.
          </Text>
        ) : (
          <BarChart
            h={240}
            data={months}
            dataKey="month"
            type="stacked"
            withLegend
            valueFormatter={money}
            series={[
              { name: "Remedies", color: "orange.6" },
              { name: "Handling", color: "indigo.6" },
            ]}
          />
        )}
      </Paper>
      <Paper withBorder p="sm" radius="md" component="figure" m={0} aria-labelledby="cost-by-category">
        <Text component="figcaption" fw={600} size="sm" mb="xs" id="cost-by-category">
          Cost of failure by root-cause category ({currency})
        </Text>
        {categories.length === 0 ? (
          <Text size="sm" c="dimmed">
            No cost recorded in {currency} in this period.
          </Text>
        ) : (
          <BarChart
            h={240}
            data={categories}
            dataKey="category"
            orientation="vertical"
            yAxisProps={{ width: 150 }}
            valueFormatter={money}
            series={[{ name: "Cost", color: "red.6" }]}
          />
        )}
      </Paper>
    </SimpleGrid>
  );
};

const RepeatFailures = ({ view }: { view: UpstreamView }) => {
  const numberOf = new Map(view.cases.map((c) => [c.caseId, c.number]));
  const { threshold, windowDays, items } = view.repeatFailures;
  return (
    <Stack gap="xs">
      <Title order={2} fz="md">
        Repeat failures
      </Title>
      <Text size="xs" c="dimmed">
        A category recorded {threshold} times or more within {windowDays} days.
      </Text>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No category repeats that often.
        </Text>
      ) : (
        <Stack gap={6} component="ul" p={0} m={0} aria-label="Repeat failures">
          {items.map((f) => (
            <Group key={f.category.id} gap="xs" component="li" style={{ listStyle: "none" }}>
              <Badge color="red" variant="light" tt="none">
                {f.count}×
              </Badge>
              <Text size="sm" fw={600}>
                {f.category.name}
              </Text>
              <Text size="xs" c="dimmed">
                <time dateTime={f.firstAt}>{formatAbsolute(f.firstAt)}</time> –{" "}
                <time dateTime={f.lastAt}>{formatAbsolute(f.lastAt)}</time>
              </Text>
              <Group gap={4}>
                {f.caseIds.map((id) => (
                  <Anchor
                    key={id}
                    renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: id }} />}
                    size="xs"
                  >
                    {numberOf.has(id) ? `#${numberOf.get(id)}` : "a case"}
                  </Anchor>
                ))}
              </Group>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
};

const CasesTable = ({ view }: { view: UpstreamView }) =>
  view.cases.length === 0 ? (
    <Empty title="No cases charged to this department">
      Cases appear here when their root cause names {view.department.name}.
    </Empty>
  ) : (
    <Table.ScrollContainer minWidth={720}>
      <Table striped aria-label={`Cases charged to ${view.department.name}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Case</Table.Th>
            <Table.Th>Category</Table.Th>
            <Table.Th>What happened</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Cost of failure</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {view.cases.map((c) => (
            <Table.Tr key={c.caseId}>
              <Table.Td>
                <Anchor
                  renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: c.caseId }} />}
                  size="sm"
                >
                  #{c.number} {c.subject}
                </Anchor>
              </Table.Td>
              <Table.Td>{c.category.name}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2}>
                  {c.description}
                </Text>
              </Table.Td>
              <Table.Td>{STATUS_LABEL[c.status]}</Table.Td>
              <Table.Td ta="right">
                {c.costs.length === 0 ? "—" : c.costs.map((x) => formatMoney(x.totalMinor, x.currency)).join(" + ")}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );

/** `/upstream/:departmentId`: one department's failures, their cost, the repeats, and its corrective actions. */
export const UpstreamPage = () => {
  const { departmentId } = useParams({ from: "/app/upstream/$departmentId" });
  const navigate = useNavigate();
  const session = useSession();
  const departments = useDepartments();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const query = useUpstream(departmentId, { from: from || undefined, to: to || undefined });
  const view = query.data;
  const currencies = view ? currenciesOf(view) : [];
  const [picked, setPicked] = useState<string | null>(null);
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? "EUR");
  if (query.error instanceof ApiError && query.error.status === 404) return <NotFound />;
  const openActions = view?.correctiveActions.filter((a) => a.status === "open" || a.status === "in_progress") ?? [];
  const others = visibleDepartments(session, departments.data ?? []).sort(byKind);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={1} fz="xl">
            Upstream: {view?.department.name ?? "department"}
          </Title>
          <Text size="sm" c="dimmed">
            {view ? `Failures that originated here, ${view.from} to ${view.to}.` : "Failures that originated here."}
          </Text>
        </Stack>
        <Group gap="sm" align="flex-end">
          {others.length > 1 ? (
            <Select
              label="Department"
              data={others.map((d) => ({ value: d.id, label: d.name }))}
              value={departmentId}
              onChange={(id) => id && void navigate({ to: "/upstream/$departmentId", params: { departmentId: id } })}
              allowDeselect={false}
              w={190}
            />
          ) : null}
          <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={150} />
          <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} w={150} />
          {currencies.length > 1 ? (
            <SegmentedControl aria-label="Currency" value={currency} onChange={setPicked} data={currencies} />
          ) : null}
        </Group>
      </Group>
      {query.isLoading ? (
        <Loading label="Loading the upstream view…" />
      ) : query.error ? (
        <ErrorAlert
          error={query.error}
          title="The upstream view could not be loaded"
          onRetry={() => void query.refetch()}
        />
      ) : view ? (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
            <Stat label="Cases charged" value={view.cases.length} />
            <Stat
              label="Cost of failure"
              value={formatMoney(totalCost(view, currency), currency)}
              hint="remedies + handling time"
            />
            <Stat
              label="Repeat failures"
              value={view.repeatFailures.items.length}
              tone={view.repeatFailures.items.length > 0 ? "red" : undefined}
              hint={`≥ ${view.repeatFailures.threshold} in ${view.repeatFailures.windowDays} days`}
            />
            <Stat
              label="Open corrective actions"
              value={openActions.length}
              tone={openActions.some((a) => a.overdue) ? "red" : undefined}
              hint={`${openActions.filter((a) => a.overdue).length} overdue`}
            />
          </SimpleGrid>
          <Charts view={view} currency={currency} />
          <RepeatFailures view={view} />
          <CorrectiveActions view={view} />
          <Stack gap="xs">
            <Title order={2} fz="md">
              Cases
            </Title>
            <CasesTable view={view} />
          </Stack>
        </>
      ) : null}
    </Stack>
  );
};
