import { Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { CsatGroup } from "../../../shared/contracts/surveys";
import { api } from "../../app/api-client";
import { ErrorAlert, Loading } from "../../ui/states";
import type { CsatReport, KbStats, NpsReport, RecoveryReport } from "../knowledge/wire";

const pct = (v: number | null) => (v === null ? "–" : `${v}%`);

const Figure = ({ label, value, hint }: { label: string; value: string; hint?: string }) => (
  <Card withBorder padding="sm">
    <Text size="sm" c="dimmed">
      {label}
    </Text>
    <Text size="xl" fw={700}>
      {value}
    </Text>
    {hint && (
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    )}
  </Card>
);

const CsatSection = () => {
  const [groupBy, setGroupBy] = useState<CsatGroup>("person");
  const report = useQuery({
    queryKey: ["report-csat", groupBy],
    queryFn: async () => await api<CsatReport>(`/reports/csat?groupBy=${groupBy}`),
  });
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2} size="h4">
          Customer satisfaction (CSAT)
        </Title>
        <SegmentedControl
          aria-label="Group by"
          value={groupBy}
          onChange={(v) => setGroupBy(v as CsatGroup)}
          data={[
            { value: "person", label: "Person" },
            { value: "team", label: "Team" },
            { value: "department", label: "Department" },
          ]}
        />
      </Group>
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <ErrorAlert error={report.error} />
      ) : (
        <>
          <Text size="sm">
            {report.data.total.sent} surveys sent, {report.data.total.good} good and {report.data.total.bad} bad
            answers: <strong>{pct(report.data.total.score)}</strong> satisfied.
          </Text>
          <Table.ScrollContainer minWidth={420}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Sent</Table.Th>
                  <Table.Th>Good</Table.Th>
                  <Table.Th>Bad</Table.Th>
                  <Table.Th>CSAT</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.data.rows.map((r) => (
                  <Table.Tr key={r.id ?? "none"}>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td>{r.sent}</Table.Td>
                    <Table.Td>{r.good}</Table.Td>
                    <Table.Td>{r.bad}</Table.Td>
                    <Table.Td>{pct(r.score)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
};

/** Satisfaction, relationship, recovery and self-service at a glance, for those who run the service. */
export const SatisfactionPage = () => {
  const nps = useQuery({ queryKey: ["report-nps"], queryFn: async () => await api<NpsReport>("/reports/nps") });
  const recovery = useQuery({
    queryKey: ["report-recovery"],
    queryFn: async () => await api<RecoveryReport>("/reports/recovery"),
  });
  const kb = useQuery({ queryKey: ["kb-stats"], queryFn: async () => await api<KbStats>("/kb/stats") });
  return (
    <Stack>
      <Title order={1} size="h2">
        Satisfaction and recovery
      </Title>
      <CsatSection />
      <Title order={2} size="h4">
        Net Promoter Score
      </Title>
      {nps.isPending ? (
        <Loading />
      ) : nps.isError ? (
        <ErrorAlert error={nps.error} />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label="NPS" value={nps.data.summary.nps === null ? "–" : String(nps.data.summary.nps)} />
          <Figure label="Promoters" value={String(nps.data.summary.promoters)} />
          <Figure label="Passives" value={String(nps.data.summary.passives)} />
          <Figure
            label="Detractors"
            value={String(nps.data.summary.detractors)}
            hint={`${nps.data.sent} surveys sent`}
          />
        </SimpleGrid>
      )}
      <Title order={2} size="h4">
        Service recovery
      </Title>
      {recovery.isPending ? (
        <Loading />
      ) : recovery.isError ? (
        <ErrorAlert error={recovery.error} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Figure
            label="After a failure"
            value={`${pct(recovery.data.afterFailure.csat.score)} CSAT`}
            hint={`${recovery.data.afterFailure.customers} customers, NPS ${recovery.data.afterFailure.nps.nps ?? "–"}`}
          />
          <Figure
            label="Never failed"
            value={`${pct(recovery.data.neverFailed.csat.score)} CSAT`}
            hint={`${recovery.data.neverFailed.customers} customers, NPS ${recovery.data.neverFailed.nps.nps ?? "–"}`}
          />
          <Figure
            label="Detractors won back"
            value={`${recovery.data.detractorsWonBack} of ${recovery.data.detractors}`}
            hint={`${recovery.data.failures} failures recorded; ${recovery.data.recovered.apologized} apologized, ${recovery.data.recovered.remedied} remedied`}
          />
        </SimpleGrid>
      )}
      <Title order={2} size="h4">
        Help center (last 30 days)
      </Title>
      {kb.isPending ? (
        <Loading />
      ) : kb.isError ? (
        <ErrorAlert error={kb.error} />
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          <Figure label="Visits" value={String(kb.data.visits)} />
          <Figure
            label="Searches"
            value={String(kb.data.searches)}
            hint={`${kb.data.searchesWithoutResults} without results`}
          />
          <Figure label="Article views" value={String(kb.data.articleViews)} />
          <Figure
            label="Deflected"
            value={String(kb.data.deflections)}
            hint={`searched, read, no contact within ${kb.data.windowHours} h; ${kb.data.contactedAfterReading} asked anyway`}
          />
        </SimpleGrid>
      )}
    </Stack>
  );
};
