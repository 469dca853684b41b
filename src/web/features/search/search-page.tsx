import { Anchor, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { Link, useSearch as useRouteSearch } from "@tanstack/react-router";
import { StatusBadge } from "../../ui/badges";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { useSearch } from "./search.queries";

export const SearchPage = () => {
  const { q = "" } = useRouteSearch({ from: "/app/search" });
  const hits = useSearch(q, 50);
  return (
    <Stack gap="sm" maw={960}>
      <Title order={1} fz="xl">
        {q ? `Search results for “${q}”` : "Search"}
      </Title>
      {!q ? (
        <Empty title="Type in the search box above" icon={<IconSearch size={32} stroke={1.4} />}>
          Search case subjects and every message. Use "quotes" for a phrase and -word to exclude.
        </Empty>
      ) : hits.isLoading ? (
        <Loading label="Searching…" />
      ) : hits.error ? (
        <ErrorAlert error={hits.error} onRetry={() => void hits.refetch()} />
      ) : (hits.data ?? []).length === 0 ? (
        <Empty title="Nothing found" icon={<IconSearch size={32} stroke={1.4} />}>
          No case mentions “{q}”. Try fewer or different words.
        </Empty>
      ) : (
        <>
          <Text size="sm" c="dimmed">
            {hits.data?.length} {hits.data?.length === 1 ? "case" : "cases"}
          </Text>
          <Stack gap="xs" component="ol" p={0} m={0} style={{ listStyle: "none" }} aria-label="Search results">
            {hits.data?.map((h) => (
              <Paper key={h.caseId} withBorder p="sm" component="li">
                <Group gap="xs" wrap="nowrap" mb={4}>
                  <Text c="dimmed" size="sm">
                    #{h.number}
                  </Text>
                  <Anchor
                    fw={600}
                    renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: h.caseId }} />}
                  >
                    {h.subject}
                  </Anchor>
                  <StatusBadge status={h.status} />
                </Group>
                {/* snippetHtml is escaped by the server; its only markup is <mark>. */}
                <Text
                  size="sm"
                  c="dimmed"
                  className="search-snippet"
                  // biome-ignore lint/security/noDangerouslySetInnerHtml: server-escaped text with <mark> only
                  dangerouslySetInnerHTML={{ __html: h.snippetHtml }}
                />
              </Paper>
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
};
