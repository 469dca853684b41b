import { Badge, Text, Tooltip } from "@mantine/core";
import type { CasePriority, CaseStatus } from "../../shared/domain";
import { describeDue, toneColor } from "./due-time";
import { PRIORITY_COLOR, PRIORITY_LABEL, STATUS_COLOR, STATUS_LABEL } from "./labels";
import { useNow } from "./use-now";

export const StatusBadge = ({ status }: { status: CaseStatus }) => (
  <Badge color={STATUS_COLOR[status]} variant="light" size="sm" radius="sm" tt="none" fw={600}>
    {STATUS_LABEL[status]}
  </Badge>
);

export const PriorityText = ({ priority }: { priority: CasePriority }) => (
  <Text
    size="sm"
    c={priority === "normal" || priority === "low" ? "dimmed" : PRIORITY_COLOR[priority]}
    fw={priority === "urgent" ? 700 : 400}
    span
  >
    {PRIORITY_LABEL[priority]}
  </Text>
);

export const DueText = ({ due, size = "sm" }: { due: string | null; size?: "xs" | "sm" }) => {
  const now = useNow();
  const d = describeDue(due, now);
  return (
    <Tooltip label={d.title} openDelay={300}>
      <Text size={size} span c={toneColor(d.tone)} fw={d.tone === "overdue" ? 700 : 400} aria-label={d.title}>
        {d.text}
      </Text>
    </Tooltip>
  );
};
