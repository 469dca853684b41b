import { Anchor, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconArrowDown, IconArrowUp } from "@tabler/icons-react";
import { Link } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import type { CaseSort } from "../../../shared/contracts/cases";
import type { Case } from "../../app/wire";
import { DueText, PriorityText, StatusBadge } from "../../ui/badges";
import { SlaCell } from "../sla/case-sla-section";
import { useClocksOf } from "../sla/sla.queries";
import { parseSort, type SortState } from "./views";

interface Column {
  key: string;
  label: string;
  width?: number | string;
  sort?: SortState["column"];
  /** "wide": only from 1680 px, where the subject keeps a readable width beside every column. */
  visibleFrom?: "lg" | "wide";
}

const COLUMNS: Column[] = [
  { key: "number", label: "#", width: 56, sort: "number" },
  { key: "subject", label: "Subject", width: "auto" },
  { key: "requester", label: "Requester", width: 140, visibleFrom: "lg" },
  { key: "status", label: "Status", width: 94 },
  { key: "priority", label: "Priority", width: 80, sort: "priority" },
  { key: "owner", label: "Owner", width: 120 },
  { key: "next", label: "Next step", width: 170, visibleFrom: "wide" },
  { key: "due", label: "Due", width: 124, sort: "next_step_due_at" },
  { key: "sla", label: "SLA", width: 180, visibleFrom: "wide" },
];

export const CaseTable = ({
  cases,
  selected,
  sort,
  onSort,
  onSelect,
  onOpen,
  label,
}: {
  cases: Case[];
  selected: number;
  sort: CaseSort;
  onSort: (column: SortState["column"]) => void;
  onSelect: (index: number) => void;
  onOpen: (c: Case) => void;
  label: string;
}) => {
  const body = useRef<HTMLTableSectionElement>(null);
  const current = parseSort(sort);
  const sla = useClocksOf(cases.map((c) => c.id));
  useEffect(() => {
    const row = body.current?.querySelector<HTMLTableRowElement>(`tr[data-index="${selected}"]`);
    row?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  return (
    <Table className="case-table" highlightOnHover stickyHeader aria-label={label} aria-rowcount={cases.length}>
      <Table.Thead>
        <Table.Tr>
          {COLUMNS.map((col) => {
            const active = col.sort && current.column === col.sort;
            return (
              <Table.Th
                key={col.key}
                w={col.width}
                {...(col.visibleFrom === "lg" ? { visibleFrom: "lg" } : {})}
                {...(col.visibleFrom === "wide" ? { className: "wide-only" } : {})}
                aria-sort={active ? (current.descending ? "descending" : "ascending") : undefined}
              >
                {col.sort ? (
                  <button type="button" onClick={() => col.sort && onSort(col.sort)}>
                    {col.label}
                    {active ? (
                      current.descending ? (
                        <IconArrowDown size={12} aria-hidden />
                      ) : (
                        <IconArrowUp size={12} aria-hidden />
                      )
                    ) : null}
                    <VisuallyHidden>, sort</VisuallyHidden>
                  </button>
                ) : (
                  col.label
                )}
              </Table.Th>
            );
          })}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody ref={body}>
        {cases.map((c, i) => (
          <Table.Tr
            key={c.id}
            data-index={i}
            aria-selected={i === selected}
            onClick={(e) => {
              if ((e.target as HTMLElement).closest("a")) return;
              onSelect(i);
              onOpen(c);
            }}
          >
            <Table.Td>
              <Text size="sm" c="dimmed" span>
                {c.number}
              </Text>
            </Table.Td>
            <Table.Td title={c.subject}>
              <Anchor
                renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: c.id }} />}
                size="sm"
                fw={c.status === "new" ? 700 : 500}
                c="var(--mantine-color-text)"
                underline="hover"
                tabIndex={i === selected ? 0 : -1}
              >
                {c.subject}
              </Anchor>
            </Table.Td>
            <Table.Td visibleFrom="lg" title={c.requester.email ?? c.requester.name}>
              <Text size="sm" span>
                {c.requester.name}
              </Text>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={c.status} />
            </Table.Td>
            <Table.Td>
              <PriorityText priority={c.priority} />
            </Table.Td>
            <Table.Td>
              <Text size="sm" span c={c.owner ? undefined : "dimmed"}>
                {c.owner?.name ?? "Nobody"}
              </Text>
            </Table.Td>
            <Table.Td className="wide-only" title={c.nextStep ?? ""}>
              <Text size="sm" span c="dimmed">
                {c.nextStep ?? "—"}
              </Text>
            </Table.Td>
            <Table.Td>
              {c.status === "closed" ? (
                <Text size="sm" c="dimmed" span>
                  —
                </Text>
              ) : (
                <DueText due={c.nextStepDueAt} />
              )}
            </Table.Td>
            <Table.Td className="wide-only">
              <SlaCell sla={sla.data?.get(c.id)} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
};
