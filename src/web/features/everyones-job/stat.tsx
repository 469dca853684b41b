import { Paper, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** One number on a dashboard, with its label and an optional line under it. */
export const Stat = ({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: string | undefined;
}) => (
  <Paper withBorder p="sm" radius="md" role="group" aria-label={label}>
    <Text size="xs" c="dimmed" fw={700} tt="uppercase">
      {label}
    </Text>
    <Text fz={26} fw={700} c={tone} lh={1.3}>
      {value}
    </Text>
    {hint ? (
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    ) : null}
  </Paper>
);
