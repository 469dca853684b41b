import { Button, Group, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { LEDGER_GROUPS, type LedgerGroup } from "../../../shared/contracts/remedies";
import { API_BASE, queryString } from "../../app/api-client";
import { options } from "../../ui/labels";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useLedger } from "./everyones-job.queries";
import { CURRENCIES, formatMoney, totalsByCurrency } from "./money";

const GROUP_LABEL: Record<LedgerGroup, string> = {
  department: "Department",
  person: "Person",
  root_cause: "Root cause",
  organization: "Organization",
  month: "Month",
};

/** What was given to put things right, by department, person, root cause, organization or month; CSV for the rest. */
export const LedgerPage = () => {
  const [groupBy, setGroupBy] = useState<LedgerGroup>("department");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [currency, setCurrency] = useState<string | null>(null);
  const range = { from: from || undefined, to: to || undefined, currency: currency ?? undefined };
  const query = useLedger({ groupBy, ...range });
  const rows = query.data?.rows ?? [];
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={1} fz="xl">
            Remedy ledger
          </Title>
          <Text size="sm" c="dimmed">
            {query.data
              ? `Remedies granted from ${query.data.from} to ${query.data.to}, totalled per currency.`
              : "Remedies granted, totalled per currency."}
          </Text>
        </Stack>
        <Group gap="xs">
          <Button component={Link} to="/remedies/reviews" variant="default" size="sm">
            Review queue
          </Button>
          <Button
            component="a"
            href={`${API_BASE}/remedies/ledger/export${queryString(range)}`}
            download="remedy-ledger.csv"
            leftSection={<IconDownload size={16} />}
            size="sm"
            variant="light"
          >
            Export CSV
          </Button>
        </Group>
      </Group>
      <Group gap="sm" align="flex-end">
        <Stack gap={2}>
          <Text size="sm" fw={500} id="ledger-group">
            Totals by
          </Text>
          <SegmentedControl
            aria-labelledby="ledger-group"
            value={groupBy}
            onChange={(v) => setGroupBy(v as LedgerGroup)}
            data={options(GROUP_LABEL, LEDGER_GROUPS)}
          />
        </Stack>
        <TextInput type="date" label="From" value={from} onChange={(e) => setFrom(e.currentTarget.value)} w={160} />
        <TextInput type="date" label="To" value={to} onChange={(e) => setTo(e.currentTarget.value)} w={160} />
        <Select
          label="Currency"
          placeholder="All currencies"
          data={CURRENCIES}
          value={currency}
          onChange={setCurrency}
          clearable
          w={150}
        />
      </Group>
      {query.isLoading ? (
        <Loading label="Loading the ledger…" />
      ) : query.error ? (
        <ErrorAlert error={query.error} title="The ledger could not be loaded" onRetry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title="No remedies in this period">Widen the dates or choose another currency.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped aria-label={`Remedy totals by ${GROUP_LABEL[groupBy].toLowerCase()}`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{GROUP_LABEL[groupBy]}</Table.Th>
                <Table.Th ta="right">Remedies</Table.Th>
                <Table.Th ta="right">Above authority</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={`${r.key ?? "none"}-${r.currency}`}>
                  <Table.Td>{r.label}</Table.Td>
                  <Table.Td ta="right">{r.remedies}</Table.Td>
                  <Table.Td ta="right">{r.aboveLimit}</Table.Td>
                  <Table.Td ta="right">{formatMoney(r.totalMinor, r.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              {totalsByCurrency(rows).map((t) => (
                <Table.Tr key={t.currency} fw={700}>
                  <Table.Td>Total ({t.currency})</Table.Td>
                  <Table.Td ta="right">{t.remedies}</Table.Td>
                  <Table.Td ta="right">{t.aboveLimit}</Table.Td>
                  <Table.Td ta="right">{formatMoney(t.totalMinor, t.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tfoot>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
};
