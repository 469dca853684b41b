import { Badge } from "@mantine/core";
import type { PortalCaseStatus } from "../../shared/contracts/portal";

/** Dark backgrounds, so the white label reads at more than 4.5:1. */
const LABEL: Record<PortalCaseStatus, { text: string; color: string }> = {
  open: { text: "Open", color: "#1864ab" },
  awaiting_you: { text: "Awaiting your reply", color: "#a34100" },
  solved: { text: "Solved", color: "#276738" },
  closed: { text: "Closed", color: "#495057" },
};

export const StatusBadge = ({ status }: { status: PortalCaseStatus }) => (
  <Badge color={LABEL[status].color} c="#ffffff" variant="filled">
    {LABEL[status].text}
  </Badge>
);
