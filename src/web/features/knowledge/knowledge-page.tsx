import {
  Anchor,
  Badge,
  Button,
  Grid,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useState } from "react";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useSession } from "../../app/session";
import { ErrorAlert, Loading } from "../../ui/states";
import { EditConflictAlert, useVersionedSave } from "../../ui/versioned-save";
import type { KbArticle, KbArticleSummary, KbCategory } from "./wire";

const STATE_LABEL: Record<KbArticleSummary["state"], { label: string; color: string }> = {
  draft: { label: "Draft", color: "gray" },
  published: { label: "Published", color: "green" },
  changed: { label: "Unpublished changes", color: "yellow" },
};

export const useKbCategories = () =>
  useQuery({
    queryKey: ["kb-categories"],
    queryFn: async () => (await api<{ items: KbCategory[] }>("/kb/categories")).items,
  });

const useKbArticles = (categoryId: string | null) =>
  useQuery({
    queryKey: ["kb-articles", categoryId],
    queryFn: async () =>
      (await api<{ items: KbArticleSummary[] }>(`/kb/articles${categoryId ? `?categoryId=${categoryId}` : ""}`)).items,
  });

const NewCategory = () => {
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation({
    mutationFn: async () => await api<KbCategory>("/kb/categories", { method: "POST", body: { name } }),
    onSuccess: async () => {
      setName("");
      await qc.invalidateQueries({ queryKey: ["kb-categories"] });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Group align="flex-end" gap="xs">
        <TextInput
          label="New category"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(create.error, "name") ?? fieldError(create.error, "slug")}
          style={{ flex: 1 }}
        />
        <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
          Add
        </Button>
      </Group>
    </form>
  );
};

/** The rich-text body of an article, with the same Tiptap kit as the reply composer (headings allowed). */
const BodyEditor = ({ html, onChange }: { html: string; onChange: (html: string) => void }) => {
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: { openOnClick: false } })],
    content: html,
    editorProps: {
      attributes: { "aria-label": "Article body", class: "kb-editor", role: "textbox", "aria-multiline": "true" },
    },
    onUpdate: ({ editor: e }) => onChange(e.getHTML()),
  });
  return (
    <div
      style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: 6, padding: 8, minHeight: 220 }}
    >
      <EditorContent editor={editor} />
    </div>
  );
};

type ArticleDraft = { title: string; summary: string; bodyHtml: string; categoryId: string };

const draftOf = (a: KbArticle): ArticleDraft => ({ ...a.draft, categoryId: a.categoryId });

const ArticleEditor = ({ id, categories, onClose }: { id: string; categories: KbCategory[]; onClose: () => void }) => {
  const article = useQuery({
    queryKey: ["kb-article", id],
    queryFn: async () => await api<KbArticle>(`/kb/articles/${id}`),
  });
  if (article.isPending) return <Loading />;
  if (article.isError) return <ErrorAlert error={article.error} />;
  return (
    <ArticleForm
      key={id}
      article={article.data}
      categories={categories}
      onClose={onClose}
      refresh={async () => (await article.refetch()).data}
    />
  );
};

/**
 * The draft is the editor's own from the moment it opens: a refresh of the article (another tab saved, the window
 * regained focus) never replaces it; saving it over someone else's save shows the conflict instead.
 */
const ArticleForm = ({
  article: a,
  categories,
  onClose,
  refresh,
}: {
  article: KbArticle;
  categories: KbCategory[];
  onClose: () => void;
  refresh: () => Promise<KbArticle | undefined>;
}) => {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<ArticleDraft>(() => draftOf(a));
  const edit = useVersionedSave<KbArticle>({
    version: a.version,
    refresh,
    onSaved: (saved) => {
      qc.setQueryData(["kb-article", saved.id], saved);
      void qc.invalidateQueries({ queryKey: ["kb-articles"] });
      void qc.invalidateQueries({ queryKey: ["kb-categories"] });
    },
    onReloaded: (fresh) => setDraft(draftOf(fresh)),
  });
  const patch = (headers: Record<string, string>) =>
    api<KbArticle>(`/kb/articles/${a.id}`, { method: "PATCH", body: draft, headers });
  const action = (what: "publish" | "unpublish") => (headers: Record<string, string>) =>
    api<KbArticle>(`/kb/articles/${a.id}/${what}`, { method: "POST", headers });
  const saveDraft = async () => {
    if (await edit.run(patch)) notifications.show({ message: "Draft saved", color: "green" });
  };
  const publish = async () => {
    if ((await edit.run(patch)) && (await edit.run(action("publish")))) {
      notifications.show({ message: "Published", color: "green" });
    }
  };
  return (
    <Stack gap="sm" aria-label="Article editor">
      <Group justify="space-between">
        <Title order={2} size="h4">
          Edit article
        </Title>
        <Group gap="xs">
          <Badge color={STATE_LABEL[a.state].color}>{STATE_LABEL[a.state].label}</Badge>
          {a.url && (
            <Anchor href={a.url} target="_blank" size="sm">
              View in help center
            </Anchor>
          )}
        </Group>
      </Group>
      <EditConflictAlert what="article" edit={edit} />
      <TextInput
        label="Title"
        value={draft.title}
        onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })}
        error={fieldError(edit.error, "title")}
      />
      <Select
        label="Category"
        data={categories.map((c) => ({ value: c.id, label: c.name }))}
        value={draft.categoryId}
        onChange={(v) => v && setDraft({ ...draft, categoryId: v })}
        allowDeselect={false}
      />
      <Textarea
        label="Summary (shown in search results and as the page description)"
        value={draft.summary}
        onChange={(e) => setDraft({ ...draft, summary: e.currentTarget.value })}
        autosize
        minRows={2}
      />
      <Text size="sm" fw={500}>
        Body
      </Text>
      <BodyEditor
        key={edit.formKey}
        html={draft.bodyHtml}
        onChange={(bodyHtml) => setDraft((d) => ({ ...d, bodyHtml }))}
      />
      {edit.error ? <ErrorAlert error={edit.error} /> : null}
      <Group gap="xs">
        {a.abilities.edit && (
          <Button variant="default" onClick={() => void saveDraft()} loading={edit.busy}>
            Save draft
          </Button>
        )}
        {a.abilities.publish && (
          <Button onClick={() => void publish()} loading={edit.busy}>
            Publish
          </Button>
        )}
        {a.abilities.publish && a.published && (
          <Button variant="subtle" color="red" onClick={() => void edit.run(action("unpublish"))} loading={edit.busy}>
            Unpublish
          </Button>
        )}
        <Button variant="subtle" onClick={onClose}>
          Close
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {a.views} views · {a.helpful} found it helpful · {a.notHelpful} did not
        {a.published ? ` · version ${a.published.version} is live` : ""}
      </Text>
    </Stack>
  );
};

/** Categories and articles of the help center, drafts included, with the article editor. */
export const KnowledgePage = () => {
  const session = useSession();
  const qc = useQueryClient();
  const categories = useKbCategories();
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const articles = useKbArticles(categoryId);
  const role = session.user.role;
  const writes = role === "admin" || role === "supervisor" || role === "agent";
  const create = useMutation({
    mutationFn: async (catId: string) =>
      await api<KbArticle>("/kb/articles", { method: "POST", body: { categoryId: catId, title: "Untitled article" } }),
    onSuccess: async (a) => {
      await qc.invalidateQueries({ queryKey: ["kb-articles"] });
      setOpen(a.id);
    },
  });
  if (categories.isPending) return <Loading />;
  if (categories.isError) return <ErrorAlert error={categories.error} />;
  const target = categoryId ?? categories.data[0]?.id ?? null;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Help center
        </Title>
        <Anchor href="/help" target="_blank">
          Open the public help center
        </Anchor>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="sm">
            <Select
              label="Category"
              placeholder="All categories"
              clearable
              data={categories.data.map((c) => ({
                value: c.id,
                label: `${c.name} (${c.publishedArticles} published)`,
              }))}
              value={categoryId}
              onChange={setCategoryId}
            />
            {(role === "admin" || role === "supervisor") && <NewCategory />}
            {writes && target && (
              <Button onClick={() => create.mutate(target)} loading={create.isPending} variant="light">
                New article
              </Button>
            )}
            {create.error && <Text c="red">{errorMessage(create.error)}</Text>}
            {articles.isPending ? (
              <Loading />
            ) : articles.isError ? (
              <ErrorAlert error={articles.error} />
            ) : (
              <Table highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Article</Table.Th>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Views</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {articles.data.map((a) => (
                    <Table.Tr key={a.id}>
                      <Table.Td>
                        <Anchor component="button" type="button" onClick={() => setOpen(a.id)}>
                          {a.title}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATE_LABEL[a.state].color} variant="light">
                          {STATE_LABEL[a.state].label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{a.views}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {open ? (
            <ArticleEditor id={open} categories={categories.data} onClose={() => setOpen(null)} />
          ) : (
            <Text c="dimmed">Choose an article to edit it, or write a new one.</Text>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
};
