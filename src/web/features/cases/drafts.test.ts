import { describe, expect, it } from "vitest";
import { clearDraft, DRAFT_MAX_AGE_MS, type DraftStorage, draftKey, isBlankHtml, loadDraft, saveDraft } from "./drafts";

const memory = (): DraftStorage & { map: Map<string, string> } => {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
};

const caseId = "6d0e4f4e-8a53-4c1e-9a43-1df0f2f6d9a1";
const now = new Date("2026-11-25T12:00:00Z");
const file = { id: "a1", filename: "invoice.pdf", size: 1200 };

describe("drafts", () => {
  it("saves and loads a draft per case", () => {
    const s = memory();
    expect(saveDraft(s, caseId, { kind: "note", html: "<p>Call back</p>", attachments: [file] }, now)).toBe(true);
    expect(loadDraft(s, caseId, now)).toEqual({
      kind: "note",
      html: "<p>Call back</p>",
      attachments: [file],
      savedAt: now.toISOString(),
    });
    expect(loadDraft(s, "other", now)).toBeNull();
  });

  it("forgets a draft that became empty", () => {
    const s = memory();
    saveDraft(s, caseId, { kind: "reply", html: "<p>Hi</p>", attachments: [] }, now);
    expect(saveDraft(s, caseId, { kind: "reply", html: "<p></p>", attachments: [] }, now)).toBe(false);
    expect(s.map.has(draftKey(caseId))).toBe(false);
  });

  it("keeps an empty text with attachments", () => {
    const s = memory();
    expect(saveDraft(s, caseId, { kind: "reply", html: "<p></p>", attachments: [file] }, now)).toBe(true);
  });

  it("drops corrupt and expired drafts", () => {
    const s = memory();
    s.setItem(draftKey(caseId), "{not json");
    expect(loadDraft(s, caseId, now)).toBeNull();
    expect(s.map.size).toBe(0);
    s.setItem(draftKey(caseId), JSON.stringify({ kind: "shout", html: "x", attachments: [], savedAt: "" }));
    expect(loadDraft(s, caseId, now)).toBeNull();
    saveDraft(s, caseId, { kind: "reply", html: "<p>old</p>", attachments: [] }, new Date(0));
    expect(loadDraft(s, caseId, new Date(DRAFT_MAX_AGE_MS + 1))).toBeNull();
  });

  it("survives a storage that throws", () => {
    const broken: DraftStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
      removeItem: () => {
        throw new Error("denied");
      },
    };
    expect(loadDraft(broken, caseId)).toBeNull();
    expect(saveDraft(broken, caseId, { kind: "reply", html: "<p>x</p>", attachments: [] })).toBe(false);
    expect(() => clearDraft(broken, caseId)).not.toThrow();
  });

  it("recognises blank editor html", () => {
    expect(isBlankHtml("<p></p>")).toBe(true);
    expect(isBlankHtml("<p> &nbsp; </p><p><br></p>")).toBe(true);
    expect(isBlankHtml("<p>a</p>")).toBe(false);
  });
});
