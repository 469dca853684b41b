import { ActionIcon, Loader, Popover, Stack, Text, TextInput, Tooltip, UnstyledButton } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconBook } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage } from "../../app/api-client";
import type { KbArticleSummary } from "./wire";

/** The absolute address of a published article, as a customer opens it from a reply. */
export const articleHref = (url: string, origin: string): string => new URL(url, origin).toString();

/**
 * A composer button that searches published help-center articles and hands the chosen one's
 * title and public address to `onPick`, which inserts the link into the reply.
 */
export const ArticleLinkPicker = ({ onPick }: { onPick: (title: string, href: string) => void }) => {
  const [opened, setOpened] = useState(false);
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search.trim(), 200);
  const articles = useQuery({
    queryKey: ["kb", "articles", "published", q],
    queryFn: async () =>
      (await api<{ items: KbArticleSummary[] }>(`/kb/articles?publishedOnly=true&q=${encodeURIComponent(q)}`)).items,
    enabled: opened,
  });
  const found = (articles.data ?? []).filter((a) => a.url);

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} trapFocus withinPortal>
      <Popover.Target>
        <Tooltip label="Insert a help-center article">
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label="Insert a help-center article"
            aria-expanded={opened}
            onClick={() => setOpened((o) => !o)}
          >
            <IconBook size={16} />
          </ActionIcon>
        </Tooltip>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <TextInput
            label="Find an article"
            placeholder="Words from the title"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            rightSection={articles.isFetching ? <Loader size={14} /> : null}
            data-autofocus
          />
          {articles.error ? (
            <Text size="sm" c="red" role="alert">
              {errorMessage(articles.error)}
            </Text>
          ) : articles.isSuccess && found.length === 0 ? (
            <Text size="sm" c="dimmed">
              {q ? "No published article matches." : "No published articles yet."}
            </Text>
          ) : (
            <ul className="article-picks" aria-label="Articles">
              {found.slice(0, 8).map((a) => (
                <li key={a.id}>
                  <UnstyledButton
                    className="article-pick"
                    onClick={() => {
                      onPick(a.title, articleHref(a.url ?? "", window.location.origin));
                      setOpened(false);
                      setSearch("");
                    }}
                  >
                    <Text size="sm" fw={500} truncate>
                      {a.title}
                    </Text>
                    <Text size="xs" c="dimmed" truncate>
                      {a.url}
                    </Text>
                  </UnstyledButton>
                </li>
              ))}
            </ul>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
};
