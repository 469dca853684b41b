export type ComposerKind = "reply" | "note";

export interface DraftAttachment {
  id: string;
  filename: string;
  size: number;
}

export interface Draft {
  kind: ComposerKind;
  html: string;
  attachments: DraftAttachment[];
  savedAt: string;
}

/** The part of Storage drafts need; window.localStorage in the browser, a Map in tests. */
export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const PREFIX = "extramile:draft:";
/** Drafts older than this are dropped when read. */
export const DRAFT_MAX_AGE_MS = 14 * 24 * 3_600_000;

export const draftKey = (caseId: string): string => `${PREFIX}${caseId}`;

/** An editor holding only empty paragraphs or whitespace has nothing worth keeping. */
export const isBlankHtml = (html: string): boolean =>
  html
    .replace(/<(p|br|div)\s*\/?>|<\/(p|div)>/gi, "")
    .replace(/&nbsp;/g, " ")
    .trim().length === 0;

const isDraft = (v: unknown): v is Draft => {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    (d.kind === "reply" || d.kind === "note") &&
    typeof d.html === "string" &&
    Array.isArray(d.attachments) &&
    d.attachments.every(
      (a: unknown) =>
        typeof a === "object" &&
        a !== null &&
        typeof (a as DraftAttachment).id === "string" &&
        typeof (a as DraftAttachment).filename === "string" &&
        typeof (a as DraftAttachment).size === "number",
    ) &&
    typeof d.savedAt === "string"
  );
};

export const loadDraft = (storage: DraftStorage, caseId: string, now = new Date()): Draft | null => {
  let raw: string | null;
  try {
    raw = storage.getItem(draftKey(caseId));
  } catch {
    return null;
  }
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    storage.removeItem(draftKey(caseId));
    return null;
  }
  if (!isDraft(parsed) || now.getTime() - new Date(parsed.savedAt).getTime() > DRAFT_MAX_AGE_MS) {
    storage.removeItem(draftKey(caseId));
    return null;
  }
  return parsed;
};

/** Saves the draft, or forgets it when there is nothing in it. Returns whether something is stored. */
export const saveDraft = (
  storage: DraftStorage,
  caseId: string,
  draft: Omit<Draft, "savedAt">,
  now = new Date(),
): boolean => {
  try {
    if (isBlankHtml(draft.html) && draft.attachments.length === 0) {
      storage.removeItem(draftKey(caseId));
      return false;
    }
    storage.setItem(draftKey(caseId), JSON.stringify({ ...draft, savedAt: now.toISOString() }));
    return true;
  } catch {
    return false;
  }
};

export const clearDraft = (storage: DraftStorage, caseId: string): void => {
  try {
    storage.removeItem(draftKey(caseId));
  } catch {
    /* storage unavailable (private mode): nothing to clear */
  }
};
