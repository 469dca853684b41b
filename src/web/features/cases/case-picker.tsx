import { Button, Group, Modal, Select, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { CASE_LINK_KINDS, type CaseLinkKind } from "../../../shared/domain";
import { errorMessage } from "../../app/api-client";
import type { SearchHit } from "../../app/wire";
import { StatusBadge } from "../../ui/badges";
import { Loading } from "../../ui/states";
import { useSearch } from "../search/search.queries";

const LINK_KIND_LABEL: Record<CaseLinkKind, string> = {
  related: "Related to",
  duplicate: "Duplicate of",
  caused_by: "Caused by",
};

export const linkKindLabel = (kind: CaseLinkKind): string => LINK_KIND_LABEL[kind];

/** Finds another case by words or number, for linking or merging. */
export const CasePicker = ({
  title,
  excludeId,
  mode,
  onClose,
  onPick,
  busy,
  error,
}: {
  title: string;
  excludeId: string;
  mode: "link" | "merge";
  onClose: () => void;
  onPick: (hit: SearchHit, kind: CaseLinkKind) => void;
  busy: boolean;
  error: unknown;
}) => {
  const [q, setQ] = useState("");
  const [debounced] = useDebouncedValue(q, 250);
  const [kind, setKind] = useState<CaseLinkKind>("related");
  const [picked, setPicked] = useState<SearchHit | null>(null);
  const hits = useSearch(debounced, 10);
  const results = (hits.data ?? []).filter((h) => h.caseId !== excludeId);
  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <Stack gap="sm">
        <TextInput
          label="Find a case"
          placeholder="Words from the subject or messages"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          data-autofocus
        />
        {hits.isFetching && results.length === 0 ? <Loading label="Searching…" /> : null}
        {debounced && !hits.isFetching && results.length === 0 ? (
          <Text size="sm" c="dimmed">
            No other case matches “{debounced}”.
          </Text>
        ) : null}
        <Stack gap={4} role="listbox" aria-label="Matching cases">
          {results.map((h) => (
            <UnstyledButton
              key={h.caseId}
              role="option"
              aria-selected={picked?.caseId === h.caseId}
              onClick={() => setPicked(h)}
              p={6}
              style={{
                borderRadius: 4,
                background: picked?.caseId === h.caseId ? "var(--mantine-primary-color-light)" : undefined,
              }}
            >
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" c="dimmed">
                  #{h.number}
                </Text>
                <Text size="sm" truncate style={{ flex: 1 }}>
                  {h.subject}
                </Text>
                <StatusBadge status={h.status} />
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
        {mode === "link" ? (
          <Select
            label="This case is"
            data={CASE_LINK_KINDS.map((k) => ({ value: k, label: LINK_KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => v && setKind(v as CaseLinkKind)}
            allowDeselect={false}
          />
        ) : (
          <Text size="sm" c="dimmed">
            Merging moves this case's messages into the chosen case and closes this one. It cannot be undone.
          </Text>
        )}
        {error ? (
          <Text size="sm" c="red" role="alert">
            {errorMessage(error)}
          </Text>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!picked}
            loading={busy}
            color={mode === "merge" ? "red" : undefined}
            onClick={() => picked && onPick(picked, kind)}
          >
            {mode === "merge" ? (picked ? `Merge into #${picked.number}` : "Merge") : "Link case"}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};
