import { Button, Paper, Stack, Title } from "@mantine/core";
import { useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import type { CaseSort } from "../../../shared/contracts/cases";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { CaseTable } from "../cases/case-table";
import { useCaseList } from "../cases/cases.queries";
import { type CaseListParams, toggleSort } from "../cases/views";

/** The cases of a contact or organization, newest activity first. */
export const CustomerCases = ({ params, title }: { params: CaseListParams; title: string }) => {
  const navigate = useNavigate();
  const [sort, setSort] = useState<CaseSort>("-updated_at");
  const [selected, setSelected] = useState(-1);
  const list = useCaseList(params, sort, 25);
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack gap="xs">
      <Title order={2} fz="lg">
        {title}
      </Title>
      <Paper withBorder style={{ overflow: "hidden" }}>
        {list.isLoading ? (
          <Loading label="Loading cases…" />
        ) : list.error ? (
          <ErrorAlert error={list.error} />
        ) : rows.length === 0 ? (
          <Empty title="No cases yet" />
        ) : (
          <CaseTable
            cases={rows}
            selected={selected}
            sort={sort}
            label={title}
            onSort={(col) => setSort(toggleSort(sort, col))}
            onSelect={setSelected}
            onOpen={(c) => void navigate({ to: "/cases/$caseId", params: { caseId: c.id } })}
          />
        )}
      </Paper>
      {list.hasNextPage ? (
        <Button
          variant="default"
          w="fit-content"
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
        >
          Load more
        </Button>
      ) : null}
    </Stack>
  );
};
