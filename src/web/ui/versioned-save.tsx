import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { IconGitCompare } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, api } from "../app/api-client";

/** The header an edit sends: the version of the object it started from. */
export const ifMatch = (version: number): Record<string, string> => ({ "if-match": `"${version}"` });

/** The server refused an edit because someone saved the object after the editor loaded it. */
export const isVersionConflict = (err: unknown): err is ApiError =>
  err instanceof ApiError && err.code === "VERSION_CONFLICT";

export interface EditConflict {
  /** The version the object has now, as the 409 named it. */
  currentVersion: number | null;
}

export interface VersionedSave<T> {
  /**
   * Runs a write (save, publish...) with If-Match of the version the form started from; answers what it saved, or
   * null when it was not saved (a conflict, shown by EditConflictAlert, or `error`).
   */
  run: (write: (headers: Record<string, string>) => Promise<T>) => Promise<T | null>;
  busy: boolean;
  /** The last save's error when it was not a conflict (a field's validation, a network failure...). */
  error: unknown;
  conflict: EditConflict | null;
  /** Key the form with it: it changes when the draft is thrown away for the latest version. */
  formKey: number;
  /** Throw the draft away and edit the latest version. */
  reload: () => Promise<void>;
  reloading: boolean;
  /** Keep the draft as typed; the next save replaces the version someone else saved. */
  keepDraft: () => void;
}

/**
 * A form's edit of a versioned object (contact, article, SLA policy...). The version is taken once, when the form
 * opens, so a background refresh of the object never makes a stale draft look current; a 409 shows the conflict
 * instead of overwriting, and the person chooses to reload or to keep the draft.
 */
export const useVersionedSave = <T extends { version: number }>(opts: {
  /** The version of the object as the form opened it. */
  version: number;
  /** Reads the object again (and updates whatever shows it); undefined when it is gone. */
  refresh: () => Promise<T | undefined>;
  onSaved?: (saved: T) => void;
  onReloaded?: (fresh: T) => void;
}): VersionedSave<T> => {
  const { refresh, onSaved, onReloaded } = opts;
  const [base, setBase] = useState(opts.version);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<EditConflict | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [reloading, setReloading] = useState(false);

  const run = async (write: (headers: Record<string, string>) => Promise<T>): Promise<T | null> => {
    setBusy(true);
    setError(null);
    try {
      const saved = await write(ifMatch(base));
      setBase(saved.version);
      setConflict(null);
      onSaved?.(saved);
      return saved;
    } catch (err) {
      if (isVersionConflict(err)) {
        setConflict({ currentVersion: err.currentVersion ?? null });
        void refresh().catch(() => undefined);
      } else setError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const reload = async (): Promise<void> => {
    setReloading(true);
    try {
      const fresh = await refresh();
      if (!fresh) return;
      setBase(fresh.version);
      setConflict(null);
      setError(null);
      setFormKey((k) => k + 1);
      onReloaded?.(fresh);
    } catch (err) {
      setError(err);
    } finally {
      setReloading(false);
    }
  };

  const keepDraft = (): void => {
    if (conflict?.currentVersion !== null && conflict?.currentVersion !== undefined) setBase(conflict.currentVersion);
    setConflict(null);
  };

  return { run, busy, error, conflict, formKey, reload, reloading, keepDraft };
};

/** What a form shows when its save met someone else's: reload (their version) or keep my draft. */
export const EditConflictAlert = ({
  what,
  edit,
}: {
  /** "contact", "article", "SLA policy"... */
  what: string;
  edit: Pick<VersionedSave<never>, "conflict" | "reload" | "reloading" | "keepDraft">;
}) =>
  edit.conflict ? (
    <Alert
      color="orange"
      variant="light"
      icon={<IconGitCompare size={18} />}
      title={`Someone else saved this ${what} while you were editing`}
      role="alert"
      data-testid="edit-conflict"
    >
      <Stack gap="xs">
        <Text size="sm">
          Your changes were not saved. Reload to edit the latest version (your changes are discarded), or keep your
          draft and save it again to replace theirs.
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => void edit.reload()} loading={edit.reloading}>
            Reload
          </Button>
          <Button size="xs" onClick={edit.keepDraft}>
            Keep my draft
          </Button>
        </Group>
      </Stack>
    </Alert>
  ) : null;

/** For objects edited from a list: reads the list again and answers the object with this id (undefined if gone). */
export const useRefreshFromList = <T extends { id: string }>(path: string, queryKey: readonly unknown[]) => {
  const queryClient = useQueryClient();
  return async (id: string): Promise<T | undefined> => {
    const { items } = await api<{ items: T[] }>(path);
    void queryClient.invalidateQueries({ queryKey });
    return items.find((item) => item.id === id);
  };
};
