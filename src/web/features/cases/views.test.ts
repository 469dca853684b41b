import { describe, expect, it } from "vitest";
import type { View } from "../../app/wire";
import { describeFilters, dueBeforeOf, parseSort, sortViews, toggleSort, viewParams } from "./views";

const now = new Date("2026-11-25T10:00:00Z");

const view = (name: string, builtIn: boolean, position: number): View => ({
  id: `00000000-0000-4000-8000-00000000000${position}`,
  name,
  filters: {},
  sort: "-updated_at",
  shared: false,
  createdById: null,
  position,
  builtIn,
  createdAt: now.toISOString(),
  abilities: { update: !builtIn, delete: !builtIn },
});

describe("views", () => {
  it("turns a relative due filter into an absolute dueBefore (TZ=UTC in tests)", () => {
    expect(viewParams({ status: ["open"], ownerId: "me", due: "next_24h" }, now)).toMatchObject({
      status: ["open"],
      ownerId: "me",
      dueBefore: "2026-11-26T10:00:00.000Z",
    });
    expect(viewParams({ due: "overdue" }, now).dueBefore).toBe(now.toISOString());
    expect(viewParams({}, now).dueBefore).toBeUndefined();
    expect(dueBeforeOf("today", now).toISOString()).toBe("2026-11-26T00:00:00.000Z");
    // 2026-11-25 is a Wednesday: the week ends at Monday 00:00.
    expect(dueBeforeOf("this_week", now).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(dueBeforeOf("this_week", new Date("2026-11-30T08:00:00Z")).toISOString()).toBe("2026-12-07T00:00:00.000Z");
  });

  it("lists built-in views first, then saved ones by position", () => {
    const sorted = sortViews([view("Mine", false, 2), view("All cases", true, 5), view("My open", true, 1)]);
    expect(sorted.map((v) => v.name)).toEqual(["My open", "All cases", "Mine"]);
  });

  it("toggles sort direction on the same column and starts ascending on a new one", () => {
    expect(toggleSort("-updated_at", "updated_at")).toBe("updated_at");
    expect(toggleSort("updated_at", "updated_at")).toBe("-updated_at");
    expect(toggleSort("-updated_at", "priority")).toBe("priority");
    expect(parseSort("-next_step_due_at")).toEqual({ column: "next_step_due_at", descending: true });
  });

  it("describes filters in words", () => {
    expect(describeFilters({})).toBe("every case you can see");
    expect(describeFilters({ status: ["new"], ownerId: "not_me", due: "today" })).toBe(
      "status New, owned by others, due today or overdue",
    );
  });
});
