import { describe, expect, it } from "vitest";
import {
  dayErrors,
  describeWeek,
  formatMinutes,
  holidayErrors,
  moved,
  officeWeek,
  parseDuration,
  positionsFor,
  weekErrors,
  weekFrom,
  weeklyFrom,
  weeklyMinutes,
} from "./opening-hours";

describe("opening-hours editor", () => {
  it("accepts several intervals a day in any order and up to midnight", () => {
    expect(
      dayErrors([
        { start: "13:00", end: "17:00" },
        { start: "08:00", end: "12:00" },
        { start: "20:00", end: "24:00" },
      ]),
    ).toEqual([null, null, null]);
  });

  it("names what is wrong with each interval", () => {
    expect(
      dayErrors([
        { start: "9:00", end: "17:00" },
        { start: "10:00", end: "24:30" },
        { start: "12:00", end: "12:00" },
        { start: "24:00", end: "24:00" },
      ]),
    ).toEqual([
      "Start as HH:MM, 00:00 to 23:59",
      "End as HH:MM, 00:00 to 24:00",
      "Ends after it starts",
      "Start as HH:MM, 00:00 to 23:59",
    ]);
  });

  it("flags the later of two overlapping intervals, touching ones are fine", () => {
    expect(
      dayErrors([
        { start: "12:00", end: "18:00" },
        { start: "08:00", end: "12:30" },
        { start: "18:00", end: "20:00" },
      ]),
    ).toEqual(["Overlaps 08:00–12:30", null, null]);
  });

  it("keys a week's errors by weekday and row", () => {
    const week = officeWeek();
    week[3] = [
      { start: "09:00", end: "17:00" },
      { start: "16:00", end: "18:00" },
    ];
    expect(weekErrors(week)).toEqual({ "3.1": "Overlaps 09:00–17:00" });
    expect(weekErrors(officeWeek())).toEqual({});
  });

  it("round-trips the API's weekly intervals, sorted per day", () => {
    const weekly = [
      { weekday: 2, start: "13:00", end: "17:00" },
      { weekday: 2, start: "08:00", end: "12:00" },
      { weekday: 6, start: "10:00", end: "14:00" },
    ];
    expect(weeklyFrom(weekFrom(weekly))).toEqual([weekly[1], weekly[0], weekly[2]]);
    expect(weeklyMinutes(weekFrom(weekly))).toBe(12 * 60);
  });

  it("describes a week in one line", () => {
    const weekly = [
      ...weeklyFrom(officeWeek()),
      { weekday: 6, start: "10:00", end: "14:00" },
      { weekday: 7, start: "10:00", end: "14:00" },
    ];
    expect(describeWeek(weekly, false)).toBe("Mon–Fri 09:00–17:00; Sat–Sun 10:00–14:00");
    expect(describeWeek([], true)).toBe("Open 24/7");
    expect(describeWeek([], false)).toBe("Never open");
  });

  it("requires holiday dates and refuses duplicates, yearly ones by day of year", () => {
    expect(
      holidayErrors([
        { date: "2026-12-25", yearly: true },
        { date: "2027-12-25", yearly: true },
        { date: "2026-05-01", yearly: false },
        { date: "2026-05-01", yearly: false },
        { date: "", yearly: false },
        { date: "2026-02-30", yearly: false },
      ]),
    ).toEqual([
      null,
      "This day is already a yearly holiday",
      null,
      "This date is already listed",
      "Pick a date",
      "Pick a date",
    ]);
  });
});

describe("targets", () => {
  it("reads durations as typed and writes them back", () => {
    expect(parseDuration("90")).toBe(90);
    expect(parseDuration("4h")).toBe(240);
    expect(parseDuration("1h 30m")).toBe(90);
    expect(parseDuration("1.5 h")).toBe(90);
    expect(parseDuration("2d")).toBe(2880);
    expect(parseDuration("15 min")).toBe(15);
    expect(parseDuration("")).toBeNull();
    expect(parseDuration("0")).toBeNull();
    expect(parseDuration("soon")).toBeNull();
    expect(parseDuration("4 hours")).toBeNull();
    expect(formatMinutes(90)).toBe("1 h 30 min");
    expect(formatMinutes(2880)).toBe("2 d");
    expect(parseDuration(formatMinutes(1530))).toBe(1530);
  });
});

describe("policy order", () => {
  it("moves an item and renumbers only when the order needs it", () => {
    expect(moved(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moved(["a", "b", "c"], 0, 5)).toEqual(["a", "b", "c"]);
    const current = new Map([
      ["a", 10],
      ["b", 20],
      ["c", 30],
    ]);
    expect(positionsFor(["a", "b", "c"], current)).toEqual([]);
    expect(positionsFor(["a", "c", "b"], current)).toEqual([
      { id: "c", position: 20 },
      { id: "b", position: 30 },
    ]);
    const tied = new Map([
      ["a", 100],
      ["b", 100],
    ]);
    expect(positionsFor(["b", "a"], tied)).toEqual([
      { id: "b", position: 10 },
      { id: "a", position: 20 },
    ]);
  });
});
