import { Alert, Button, Group, Stack, Table, Text } from "@mantine/core";
import { IconGitCompare } from "@tabler/icons-react";
import { useState } from "react";
import type { Case, UpdateCaseInput } from "../../app/wire";
import { type EditField, type EditValue, type FieldReview, reviewConflict } from "./conflict";

export interface PendingConflict {
  edit: UpdateCaseInput;
  base: Case;
  changedBy: string | null;
}

export const ConflictBanner = ({
  conflict,
  latest,
  format,
  onReload,
  onApplyMine,
  applying,
}: {
  conflict: PendingConflict;
  latest: Case;
  format: (field: EditField, value: EditValue) => string;
  onReload: () => void;
  onApplyMine: () => void;
  applying: boolean;
}) => {
  const [reviewing, setReviewing] = useState(false);
  const refreshed = latest.version !== conflict.base.version;
  const review: FieldReview[] = reviewConflict(conflict.edit, conflict.base, latest);
  const who = conflict.changedBy ?? "someone else";
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<IconGitCompare size={18} />}
      title={`This case was changed by ${who} while you were editing`}
      role="alert"
      data-testid="conflict-banner"
    >
      <Stack gap="xs">
        <Text size="sm">
          Your change to {review.map((r) => r.label.toLowerCase()).join(", ")} was not saved. Your message draft is
          safe.
        </Text>
        {reviewing && refreshed ? (
          <Table withTableBorder fz="sm" aria-label="Your changes against the latest version">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>Yours</Table.Th>
                <Table.Th>Now</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {review.map((r) => (
                <Table.Tr key={r.field}>
                  <Table.Td>{r.label}</Table.Td>
                  <Table.Td>{format(r.field, r.yours)}</Table.Td>
                  <Table.Td>
                    <Text span size="sm" fw={r.clash ? 700 : 400} c={r.clash ? "orange" : undefined}>
                      {format(r.field, r.theirs)}
                    </Text>
                    {r.clash ? (
                      <Text span size="xs" c="dimmed">
                        {" "}
                        (also changed)
                      </Text>
                    ) : r.settled ? (
                      <Text span size="xs" c="dimmed">
                        {" "}
                        (same as yours)
                      </Text>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={onReload}>
            Reload
          </Button>
          {reviewing ? (
            <Button size="xs" onClick={onApplyMine} loading={applying} disabled={!refreshed}>
              Apply my changes to the latest version
            </Button>
          ) : (
            <Button size="xs" onClick={() => setReviewing(true)}>
              Review
            </Button>
          )}
        </Group>
      </Stack>
    </Alert>
  );
};
