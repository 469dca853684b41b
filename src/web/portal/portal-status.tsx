import { Badge } from "@mantine/core";
import type { PortalCaseStatus } from "../../shared/contracts/portal";

const LABEL: Record<PortalCaseStatus, { text: string; color: string }> = {
  open: { text: "Open", color: "blue.9" },
  awaiting_you: { text: "Awaiting your reply", color: "orange.9" },
  solved: { text: "Solved", color: "green.9" },
  closed: { text: "Closed", color: "gray.8" },
};

export const StatusBadge = ({ status }: { status: PortalCaseStatus }) => (
  <Badge color={LABEL[status].color} variant="filled" autoContrast>
    {LABEL[status].text}
  </Badge>
);
