import { describe, expect, it } from "vitest";
import { ApiError } from "../../app/api-client";
import type { Case } from "../../app/wire";
import { isVersionConflict } from "../../ui/versioned-save";
import { currentValue, rebaseEdit, reviewConflict, sameValue } from "./conflict";

const base: Case = {
  id: "c0a80101-0000-4000-8000-000000000001",
  number: 1042,
  subject: "Invoice is wrong",
  status: "open",
  priority: "normal",
  type: "question",
  channel: "email",
  requester: { id: "c0a80101-0000-4000-8000-0000000000aa", name: "Ada", email: "ada@example.com" },
  organization: null,
  team: null,
  owner: { id: "c0a80101-0000-4000-8000-0000000000b1", name: "Dana" },
  nextStep: "Reply",
  nextStepDueAt: "2026-11-25T12:00:00.000Z",
  tags: ["billing"],
  customFields: {},
  mergedIntoId: null,
  version: 3,
  createdAt: "2026-11-24T12:00:00.000Z",
  updatedAt: "2026-11-24T12:00:00.000Z",
  firstResponseAt: null,
  solvedAt: null,
  closedAt: null,
  abilities: { update: true, reply: true, note: true, assign: true, merge: true, link: true, follow: true },
};

describe("conflict review", () => {
  it("separates clashes from fields only you changed", () => {
    const latest: Case = {
      ...base,
      version: 4,
      priority: "high",
      owner: { id: "c0a80101-0000-4000-8000-0000000000b2", name: "Eli" },
    };
    const review = reviewConflict({ priority: "urgent", nextStep: "Call the customer" }, base, latest);
    expect(review).toEqual([
      expect.objectContaining({ field: "priority", yours: "urgent", theirs: "high", base: "normal", clash: true }),
      expect.objectContaining({ field: "nextStep", yours: "Call the customer", theirs: "Reply", clash: false }),
    ]);
  });

  it("treats equal values as settled, including reordered tags and re-encoded times", () => {
    const latest: Case = { ...base, version: 4, tags: ["vip", "billing"], nextStepDueAt: "2026-11-25T12:00:00Z" };
    const review = reviewConflict(
      { tags: ["billing", "vip"], nextStepDueAt: "2026-11-25T12:00:00.000Z" },
      base,
      latest,
    );
    expect(review.every((r) => r.settled && !r.clash)).toBe(true);
  });

  it("rebases only what still differs", () => {
    const latest: Case = { ...base, version: 5, status: "pending" };
    expect(rebaseEdit({ status: "pending", priority: "high" }, latest)).toEqual({ priority: "high" });
    expect(rebaseEdit({ status: "pending" }, latest)).toBeNull();
  });

  it("reads nested references as ids", () => {
    expect(currentValue(base, "ownerId")).toBe(base.owner?.id);
    expect(currentValue(base, "teamId")).toBeNull();
    expect(currentValue(base, "requesterId")).toBe(base.requester.id);
  });

  it("compares objects regardless of key order", () => {
    expect(sameValue({ a: 1, b: "x" }, { b: "x", a: 1 })).toBe(true);
    expect(sameValue(null, undefined)).toBe(true);
  });

  it("recognises a 409 from the API", () => {
    expect(isVersionConflict(new ApiError(409, "VERSION_CONFLICT", "changed", "If-Match", 4))).toBe(true);
    expect(isVersionConflict(new ApiError(422, "INVARIANT_VIOLATED", "no owner", "ownerId"))).toBe(false);
    expect(isVersionConflict(new Error("x"))).toBe(false);
  });
});
