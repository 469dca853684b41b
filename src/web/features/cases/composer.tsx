import {
  ActionIcon,
  Alert,
  Button,
  CloseButton,
  FileButton,
  Group,
  Kbd,
  Progress,
  SegmentedControl,
  Stack,
  Text,
  Tooltip,
} from "@mantine/core";
import {
  IconBlockquote,
  IconBold,
  IconItalic,
  IconList,
  IconListNumbers,
  IconLock,
  IconMessage,
  IconPaperclip,
} from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { EditorContent, useEditor, useEditorState } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";
import { api, errorMessage, upload } from "../../app/api-client";
import type { Attachment, CaseAbilities, Message } from "../../app/wire";
import { describeAgo } from "../../ui/due-time";
import { ArticleLinkPicker } from "../knowledge/article-link-picker";
import { caseEmailKey, invalidateCaseLists, messagesKey, useCaseEmail } from "./cases.queries";
import { type ComposerKind, clearDraft, type DraftAttachment, isBlankHtml, loadDraft, saveDraft } from "./drafts";

export interface ComposerHandle {
  focus: (kind?: ComposerKind) => void;
  send: () => void;
}

interface Upload {
  key: string;
  filename: string;
  size: number;
  loaded: number;
  attachment: DraftAttachment | null;
  error: string | null;
  abort: AbortController;
}

const formatSize = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(0)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

let uploadSeq = 0;

export const Composer = forwardRef<
  ComposerHandle,
  {
    caseId: string;
    abilities: CaseAbilities;
    initialKind?: ComposerKind | undefined;
    closed: boolean;
    onTypingChange: (typing: boolean) => void;
  }
>(function Composer({ caseId, abilities, initialKind, closed, onTypingChange }, ref) {
  const queryClient = useQueryClient();
  const restored = useRef(loadDraft(window.localStorage, caseId));
  const canReply = abilities.reply && !closed;
  const defaultKind: ComposerKind = initialKind ?? restored.current?.kind ?? (canReply ? "reply" : "note");
  const [kind, setKind] = useState<ComposerKind>(defaultKind === "reply" && !canReply ? "note" : defaultKind);
  const [uploads, setUploads] = useState<Upload[]>(() =>
    (restored.current?.attachments ?? []).map((a) => ({
      key: `restored-${a.id}`,
      filename: a.filename,
      size: a.size,
      loaded: a.size,
      attachment: a,
      error: null,
      abort: new AbortController(),
    })),
  );
  const [dragging, setDragging] = useState(false);
  // why a public reply would not be emailed now (no support address, outbound mail off, no customer address)
  const replyBlocked = useCaseEmail(caseId).data?.replyBlocked ?? null;
  const [notEmailed, setNotEmailed] = useState<string | null>(null);
  const [draftNote, setDraftNote] = useState<string | null>(
    restored.current ? `Draft restored (saved ${describeAgo(restored.current.savedAt, new Date())})` : null,
  );
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stateRef = useRef({ kind, uploads });
  stateRef.current = { kind, uploads };

  const editor = useEditor({
    extensions: [
      StarterKit.configure({ heading: false, codeBlock: false, horizontalRule: false, link: { openOnClick: false } }),
    ],
    content: restored.current?.html ?? "",
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": "Message",
        "data-testid": "composer-editor",
      },
    },
  });

  const persist = useCallback(() => {
    if (!editor) return;
    const { kind: k, uploads: u } = stateRef.current;
    saveDraft(window.localStorage, caseId, {
      kind: k,
      html: editor.getHTML(),
      attachments: u.flatMap((x) => (x.attachment ? [x.attachment] : [])),
    });
  }, [editor, caseId]);

  const schedulePersist = useCallback(() => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(persist, 300);
  }, [persist]);

  const empty = useEditorState({ editor, selector: (s) => isBlankHtml(s.editor.getHTML()) }) ?? true;
  const marks = useEditorState({
    editor,
    selector: (s) => ({
      bold: s.editor.isActive("bold"),
      italic: s.editor.isActive("italic"),
      bullet: s.editor.isActive("bulletList"),
      ordered: s.editor.isActive("orderedList"),
      quote: s.editor.isActive("blockquote"),
    }),
  });

  useEffect(() => {
    if (!editor) return;
    const onUpdate = () => schedulePersist();
    editor.on("update", onUpdate);
    return () => {
      editor.off("update", onUpdate);
    };
  }, [editor, schedulePersist]);

  useEffect(
    () => () => {
      if (saveTimer.current) {
        clearTimeout(saveTimer.current);
        persist();
      }
    },
    [persist],
  );

  useEffect(() => {
    if (!editor) return;
    saveDraft(window.localStorage, caseId, {
      kind,
      html: editor.getHTML(),
      attachments: uploads.flatMap((x) => (x.attachment ? [x.attachment] : [])),
    });
  }, [editor, caseId, kind, uploads]);

  useEffect(() => onTypingChange(!empty), [empty, onTypingChange]);

  const startUpload = useCallback(
    (files: File[]) => {
      for (const file of files) {
        uploadSeq += 1;
        const key = `u${uploadSeq}`;
        const abort = new AbortController();
        setUploads((u) => [
          ...u,
          { key, filename: file.name, size: file.size, loaded: 0, attachment: null, error: null, abort },
        ]);
        upload<Attachment>(
          `/cases/${caseId}/attachments`,
          file,
          (p) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, loaded: p.loaded } : x))),
          abort.signal,
        )
          .then((a) =>
            setUploads((u) =>
              u.map((x) =>
                x.key === key
                  ? { ...x, loaded: x.size, attachment: { id: a.id, filename: a.filename, size: a.size } }
                  : x,
              ),
            ),
          )
          .catch((err: unknown) => {
            if (err instanceof DOMException && err.name === "AbortError") return;
            setUploads((u) => u.map((x) => (x.key === key ? { ...x, error: errorMessage(err) } : x)));
          });
      }
    },
    [caseId],
  );

  const send = useMutation({
    mutationFn: async () => {
      if (!editor) throw new Error("The editor is not ready");
      const html = editor.getHTML();
      const attachmentIds = uploads.flatMap((u) => (u.attachment ? [u.attachment.id] : []));
      return await api<Message>(`/cases/${caseId}/messages`, {
        method: "POST",
        body: { kind, body: html, format: "html", attachmentIds },
      });
    },
    onSuccess: (message) => {
      setNotEmailed(message.kind === "reply" ? replyBlocked : null);
      void queryClient.invalidateQueries({ queryKey: caseEmailKey(caseId) });
      queryClient.setQueryData<Message[]>(messagesKey(caseId), (old) => (old ? [...old, message] : old));
      void queryClient.invalidateQueries({ queryKey: messagesKey(caseId) });
      void queryClient.invalidateQueries({ queryKey: ["case", caseId] });
      invalidateCaseLists(queryClient);
      if (saveTimer.current) clearTimeout(saveTimer.current);
      editor?.commands.clearContent(true);
      setUploads([]);
      clearDraft(window.localStorage, caseId);
      setDraftNote(null);
    },
  });

  const uploading = uploads.some((u) => !u.attachment && !u.error);
  const canSend = !empty && !uploading && !send.isPending && (kind === "reply" ? canReply : abilities.note);
  const trySend = () => {
    if (canSend) send.mutate();
  };

  useImperativeHandle(ref, () => ({
    focus: (k) => {
      if (k === "reply" && canReply) setKind("reply");
      if (k === "note" && abilities.note) setKind("note");
      editor?.commands.focus("end");
    },
    send: trySend,
  }));

  if (!abilities.reply && !abilities.note) {
    return (
      <Text size="sm" c="dimmed">
        You can read this case but not write to it.
      </Text>
    );
  }

  const tool = (label: string, active: boolean | undefined, icon: React.ReactNode, run: () => void) => (
    <Tooltip label={label} key={label}>
      <ActionIcon
        variant={active ? "light" : "subtle"}
        color="gray"
        size="sm"
        aria-label={label}
        aria-pressed={active ?? false}
        onMouseDown={(e) => e.preventDefault()}
        onClick={run}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );

  return (
    <section
      aria-label="Composer"
      className="composer"
      data-kind={kind}
      data-dragging={dragging}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        setDragging(false);
        startUpload([...e.dataTransfer.files]);
      }}
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          trySend();
        }
      }}
    >
      <Group justify="space-between" px="sm" pt="xs" gap="xs">
        <SegmentedControl
          size="xs"
          value={kind}
          onChange={(v) => setKind(v as ComposerKind)}
          aria-label="Message kind"
          data={[
            {
              value: "reply",
              disabled: !canReply,
              label: (
                <Group gap={4} wrap="nowrap">
                  <IconMessage size={14} aria-hidden />
                  <span>Reply</span>
                </Group>
              ),
            },
            {
              value: "note",
              disabled: !abilities.note,
              label: (
                <Group gap={4} wrap="nowrap">
                  <IconLock size={14} aria-hidden />
                  <span>Internal note</span>
                </Group>
              ),
            },
          ]}
        />
        <Group gap={2}>
          {tool("Bold", marks?.bold, <IconBold size={16} />, () => editor?.chain().focus().toggleBold().run())}
          {tool("Italic", marks?.italic, <IconItalic size={16} />, () => editor?.chain().focus().toggleItalic().run())}
          {tool("Bulleted list", marks?.bullet, <IconList size={16} />, () =>
            editor?.chain().focus().toggleBulletList().run(),
          )}
          {tool("Numbered list", marks?.ordered, <IconListNumbers size={16} />, () =>
            editor?.chain().focus().toggleOrderedList().run(),
          )}
          {tool("Quote", marks?.quote, <IconBlockquote size={16} />, () =>
            editor?.chain().focus().toggleBlockquote().run(),
          )}
          <ArticleLinkPicker
            onPick={(title, href) =>
              editor
                ?.chain()
                .focus()
                .insertContent([
                  { type: "text", text: title, marks: [{ type: "link", attrs: { href } }] },
                  { type: "text", text: " " },
                ])
                .run()
            }
          />
        </Group>
      </Group>
      <Text size="xs" c="dimmed" px="md" pt={6}>
        {kind === "reply" ? "Public reply: the customer receives it." : "Internal note: only employees see it."}
      </Text>
      <EditorContent editor={editor} />
      {uploads.length > 0 ? (
        <Stack gap={6} px="md" pb="xs" aria-label="Attachments">
          {uploads.map((u) => (
            <Group key={u.key} gap="xs" wrap="nowrap">
              <IconPaperclip size={14} aria-hidden />
              <Text size="xs" truncate maw={240}>
                {u.filename}
              </Text>
              <Text size="xs" c="dimmed">
                {formatSize(u.size)}
              </Text>
              {u.error ? (
                <Text size="xs" c="red" role="alert">
                  {u.error}
                </Text>
              ) : u.attachment ? null : (
                <Progress
                  value={u.size > 0 ? (u.loaded / u.size) * 100 : 0}
                  w={120}
                  size="sm"
                  aria-label={`Uploading ${u.filename}`}
                  animated
                />
              )}
              <CloseButton
                size="sm"
                aria-label={`Remove ${u.filename}`}
                onClick={() => {
                  u.abort.abort();
                  setUploads((all) => all.filter((x) => x.key !== u.key));
                }}
              />
            </Group>
          ))}
        </Stack>
      ) : null}
      {kind === "reply" && replyBlocked && !notEmailed ? (
        <Alert color="yellow" mx="sm" mb="xs" title="This reply will not be emailed">
          {replyBlocked.replace(/^Not sent: /, "")}
        </Alert>
      ) : null}
      {notEmailed ? (
        <Alert
          color="red"
          mx="sm"
          mb="xs"
          role="alert"
          title="Reply saved but not sent"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotEmailed(null)}
        >
          {notEmailed.replace(/^Not sent: /, "")}
        </Alert>
      ) : null}
      {send.error ? (
        <Alert color="red" mx="sm" mb="xs" role="alert" title="Not sent">
          {errorMessage(send.error)} Your text is kept; try again.
        </Alert>
      ) : null}
      <Group justify="space-between" px="sm" pb="sm" gap="xs">
        <Group gap="xs">
          <FileButton onChange={(files) => startUpload(files)} multiple>
            {(props) => (
              <Button {...props} variant="subtle" size="xs" leftSection={<IconPaperclip size={14} />}>
                Attach files
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="dimmed" visibleFrom="sm">
            {dragging ? "Drop to attach" : (draftNote ?? "or drop files here")}
          </Text>
        </Group>
        <Group gap="xs">
          <Text size="xs" c="dimmed" visibleFrom="sm">
            <Kbd size="xs">Ctrl</Kbd>+<Kbd size="xs">Enter</Kbd>
          </Text>
          <Button
            size="sm"
            onClick={trySend}
            disabled={!canSend}
            loading={send.isPending}
            color={kind === "note" ? "yellow" : undefined}
            autoContrast
          >
            {kind === "reply" ? "Send reply" : "Add note"}
          </Button>
        </Group>
      </Group>
    </section>
  );
});
