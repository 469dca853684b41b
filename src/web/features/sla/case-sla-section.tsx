import { Badge, Divider, Group, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useNow } from "../../ui/use-now";
import { breachNotice, clockCell, clockStatus, METRIC_SHORT, mostUrgent, TONE_COLOR } from "./clock-label";
import { type CaseSla, useCaseSla } from "./sla.queries";

/**
 * The case's SLA clocks: policy, and per target the state, business time left or over, due or met moment. A
 * breached clock stays listed even when no target applies to it any more, with whom its escalation notified.
 */
export const CaseSlaSection = ({ caseId, version }: { caseId: string; version: number }) => {
  const sla = useCaseSla(caseId, version);
  const now = useNow();
  const clocks = sla.data?.clocks ?? [];
  return (
    <Stack gap={6} data-testid="case-sla">
      <Divider />
      <Title order={2} fz="xs" tt="uppercase" c="dimmed" fw={700}>
        SLA
      </Title>
      {sla.isLoading ? (
        <Text size="sm" c="dimmed" role="status">
          Loading the SLA clocks…
        </Text>
      ) : sla.error ? (
        <Text size="sm" c="red" role="alert">
          The SLA clocks could not be loaded.
        </Text>
      ) : clocks.length === 0 ? (
        <Text size="sm" c="dimmed">
          {sla.data?.policy ? "No targets apply to this case." : "No SLA policy applies to this case."}
        </Text>
      ) : (
        <>
          <Text size="xs" c="dimmed">
            {sla.data?.policy ? `Policy: ${sla.data.policy.name}` : "No SLA policy applies to this case now."}
          </Text>
          {clocks.map((clock) => {
            const status = clockStatus(clock, now);
            const notice = breachNotice(clock);
            return (
              <Stack key={clock.metric} gap={0}>
                <Group gap="xs" justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {METRIC_SHORT[clock.metric]}
                  </Text>
                  <Badge color={TONE_COLOR[status.tone]} variant="light" size="sm" tt="none">
                    {status.label}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed">
                  {status.detail}
                </Text>
                {notice ? (
                  <Text size="xs" c="dimmed" data-testid="sla-breach-notice">
                    {notice}
                  </Text>
                ) : null}
              </Stack>
            );
          })}
        </>
      )}
    </Stack>
  );
};

/** The most urgent clock of a case in a list row, or a dash. */
export const SlaCell = ({ sla }: { sla: CaseSla | undefined }) => {
  const now = useNow();
  const clock = sla ? mostUrgent(sla.clocks, now) : null;
  if (!clock) {
    return (
      <Text size="sm" c="dimmed" span>
        —
      </Text>
    );
  }
  const cell = clockCell(clock, now);
  return (
    <Tooltip label={cell.title} openDelay={300}>
      <Text
        size="xs"
        span
        c={cell.tone === "running" || cell.tone === "paused" ? undefined : TONE_COLOR[cell.tone]}
        fw={cell.tone === "breached" ? 700 : 400}
        aria-label={cell.title}
      >
        {cell.text}
      </Text>
    </Tooltip>
  );
};
