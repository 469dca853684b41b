import { describe, expect, it } from "vitest";
import { commandForKey, initialNav, navReducer } from "./keyboard-nav";

const plain = { ctrlKey: false, metaKey: false, altKey: false, inField: false };

describe("navReducer", () => {
  it("moves down and up within bounds", () => {
    let s = initialNav(3);
    expect(s.index).toBe(0);
    s = navReducer(s, { type: "next" });
    s = navReducer(s, { type: "next" });
    s = navReducer(s, { type: "next" });
    expect(s.index).toBe(2);
    s = navReducer(s, { type: "prev" });
    expect(s.index).toBe(1);
    s = navReducer(navReducer(s, { type: "prev" }), { type: "prev" });
    expect(s.index).toBe(0);
  });
  it("jumps to first and last and selects by click", () => {
    const s = initialNav(5);
    expect(navReducer(s, { type: "last" }).index).toBe(4);
    expect(navReducer(navReducer(s, { type: "last" }), { type: "first" }).index).toBe(0);
    expect(navReducer(s, { type: "select", index: 3 }).index).toBe(3);
    expect(navReducer(s, { type: "select", index: 99 }).index).toBe(4);
  });
  it("keeps the selection valid when the list shrinks, grows or empties", () => {
    let s = navReducer(initialNav(10), { type: "select", index: 8 });
    s = navReducer(s, { type: "resize", count: 4 });
    expect(s).toEqual({ index: 3, count: 4 });
    s = navReducer(s, { type: "resize", count: 0 });
    expect(s).toEqual({ index: -1, count: 0 });
    expect(navReducer(s, { type: "next" }).index).toBe(-1);
    s = navReducer(s, { type: "resize", count: 2 });
    expect(s).toEqual({ index: 0, count: 2 });
  });
});

describe("commandForKey", () => {
  it("maps the inbox shortcuts", () => {
    expect(commandForKey({ ...plain, key: "j" })).toBe("next");
    expect(commandForKey({ ...plain, key: "k" })).toBe("prev");
    expect(commandForKey({ ...plain, key: "Enter" })).toBe("open");
    expect(commandForKey({ ...plain, key: "/" })).toBe("search");
    expect(commandForKey({ ...plain, key: "r" })).toBe("reply");
    expect(commandForKey({ ...plain, key: "n" })).toBe("note");
    expect(commandForKey({ ...plain, key: "e" })).toBe("solve");
    expect(commandForKey({ ...plain, key: "x" })).toBeNull();
  });
  it("ignores keys typed into fields or with modifiers", () => {
    expect(commandForKey({ ...plain, key: "j", inField: true })).toBeNull();
    expect(commandForKey({ ...plain, key: "r", ctrlKey: true })).toBeNull();
    expect(commandForKey({ ...plain, key: "e", metaKey: true })).toBeNull();
  });
});
