import fc from "fast-check";
import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  businessMinutesBetween,
  clockTimeToMinutes,
  isOpen,
  nextOpening,
  slaDueAt,
  slaElapsed,
  type TBusinessCalendar,
  type TSlaPause,
  ZBusinessCalendar,
} from "./business-time";
import {
  referenceAddBusinessMinutes,
  referenceBusinessMinutesBetween,
  referenceIsOpen,
  referenceNextOpening,
  referenceSlaDueAt,
  referenceSlaElapsed,
} from "./business-time.reference";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";
const LORD_HOWE = "Australia/Lord_Howe";
const CHATHAM = "Pacific/Chatham";
const SANTIAGO = "America/Santiago";
const TEHRAN = "Asia/Tehran";

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
type TWeekday = (typeof WEEKDAYS)[number];

function local(isoWallClock: string, zone: string): Date {
  return DateTime.fromISO(isoWallClock, { zone }).toJSDate();
}

function inZone(date: Date | null, zone: string): string | null {
  return date && DateTime.fromJSDate(date, { zone }).toISO({ suppressMilliseconds: true });
}

function officeHours(zone: string, start: string, end: string, weekdays: readonly TWeekday[]): TBusinessCalendar {
  return { timeZone: zone, weeklyHours: weekdays.map((weekday) => ({ weekday, start, end })), holidays: [] };
}

const berlinOffice = officeHours(BERLIN, "09:00", "17:00", [1, 2, 3, 4, 5]);

describe("business time examples", () => {
  it("carries Friday 16:30 + 60 business minutes in Berlin over the weekend to Monday 09:30", () => {
    const due = addBusinessMinutes(berlinOffice, local("2025-01-10T16:30", BERLIN), 60);
    expect(inZone(due, BERLIN)).toBe("2025-01-13T09:30:00+01:00");
  });

  it("ends at closing time rather than at the next opening", () => {
    const due = addBusinessMinutes(berlinOffice, local("2025-01-10T16:30", BERLIN), 30);
    expect(inZone(due, BERLIN)).toBe("2025-01-10T17:00:00+01:00");
  });

  it("returns the start itself for a zero target, open or closed", () => {
    const saturday = local("2025-01-11T12:00", BERLIN);
    expect(addBusinessMinutes(berlinOffice, saturday, 0)).toEqual(saturday);
  });

  it("gives a New York 01:00-04:00 shift two real hours on the spring-forward day and four on the fall-back day", () => {
    const nights = officeHours(NEW_YORK, "01:00", "04:00", WEEKDAYS);
    expect(
      businessMinutesBetween(nights, local("2024-03-10T00:00", NEW_YORK), local("2024-03-11T00:00", NEW_YORK)),
    ).toBe(120);
    expect(inZone(addBusinessMinutes(nights, local("2024-03-10T01:00", NEW_YORK), 90), NEW_YORK)).toBe(
      "2024-03-10T03:30:00-04:00",
    );
    expect(inZone(addBusinessMinutes(nights, local("2024-03-10T01:00", NEW_YORK), 121), NEW_YORK)).toBe(
      "2024-03-11T01:01:00-04:00",
    );
    expect(
      businessMinutesBetween(nights, local("2024-11-03T00:00", NEW_YORK), local("2024-11-04T00:00", NEW_YORK)),
    ).toBe(240);
  });

  it("follows Lord Howe's 30-minute DST shifts", () => {
    const nights = officeHours(LORD_HOWE, "01:00", "04:00", WEEKDAYS);
    expect(
      businessMinutesBetween(nights, local("2024-10-06T00:00", LORD_HOWE), local("2024-10-07T00:00", LORD_HOWE)),
    ).toBe(150);
    expect(
      businessMinutesBetween(nights, local("2025-04-06T00:00", LORD_HOWE), local("2025-04-07T00:00", LORD_HOWE)),
    ).toBe(210);
    expect(inZone(addBusinessMinutes(nights, local("2024-10-06T01:30", LORD_HOWE), 60), LORD_HOWE)).toBe(
      "2024-10-06T03:00:00+11:00",
    );
  });

  it("skips a yearly Christmas holiday in every year, and a one-off holiday only in its year", () => {
    const yearly = { ...berlinOffice, holidays: [{ date: "2019-12-25", yearly: true, name: "Christmas Day" }] };
    const oneOff = { ...berlinOffice, holidays: [{ date: "2023-12-25", yearly: false }] };
    const christmasEve = local("2024-12-24T16:00", BERLIN);
    expect(inZone(addBusinessMinutes(yearly, christmasEve, 120), BERLIN)).toBe("2024-12-26T10:00:00+01:00");
    expect(inZone(addBusinessMinutes(oneOff, christmasEve, 120), BERLIN)).toBe("2024-12-25T10:00:00+01:00");
    expect(isOpen(yearly, local("2027-12-25T10:00", BERLIN))).toBe(false);
  });

  it("makes a 24/7 calendar plain addition, across DST changes too", () => {
    for (const zone of [BERLIN, NEW_YORK, LORD_HOWE, CHATHAM, SANTIAGO, TEHRAN, "Asia/Kolkata"]) {
      const always: TBusinessCalendar = { timeZone: zone, weeklyHours: [], holidays: [], alwaysOpen: true };
      for (const iso of [
        "2024-03-10T06:59:00Z",
        "2024-10-05T15:00:00Z",
        "2025-04-05T13:45:00Z",
        "2026-07-01T00:00:00Z",
      ]) {
        const start = new Date(iso);
        for (const minutes of [0, 1, 59, 1440, 7200]) {
          const plain = new Date(start.getTime() + minutes * MINUTE_MS);
          expect(addBusinessMinutes(always, start, minutes)).toEqual(plain);
          expect(businessMinutesBetween(always, start, plain)).toBe(minutes);
        }
      }
    }
  });

  it("excludes paused spans from the SLA clock", () => {
    const start = local("2025-01-13T09:00", BERLIN);
    const coffee: TSlaPause[] = [{ from: local("2025-01-13T10:00", BERLIN), to: local("2025-01-13T11:30", BERLIN) }];
    expect(inZone(slaDueAt(berlinOffice, start, 240, coffee), BERLIN)).toBe("2025-01-13T14:30:00+01:00");
    expect(slaElapsed(berlinOffice, start, local("2025-01-13T12:00", BERLIN), coffee)).toBe(90);

    const overnight: TSlaPause[] = [{ from: local("2025-01-13T16:00", BERLIN), to: local("2025-01-14T10:00", BERLIN) }];
    const due = slaDueAt(berlinOffice, start, 600, overnight);
    expect(inZone(due, BERLIN)).toBe("2025-01-14T13:00:00+01:00");
    expect(due).toEqual(addBusinessMinutes(berlinOffice, start, 600 + 120));

    const waiting: TSlaPause[] = [{ from: local("2025-01-13T10:00", BERLIN), to: null }];
    expect(slaDueAt(berlinOffice, start, 240, waiting)).toBeNull();
    expect(slaElapsed(berlinOffice, start, local("2025-01-13T12:00", BERLIN), waiting)).toBe(60);
  });

  it("answers isOpen and nextOpening in local office hours", () => {
    expect(isOpen(berlinOffice, local("2025-01-13T08:59", BERLIN))).toBe(false);
    expect(isOpen(berlinOffice, local("2025-01-13T09:00", BERLIN))).toBe(true);
    expect(isOpen(berlinOffice, local("2025-01-13T17:00", BERLIN))).toBe(false);
    expect(inZone(nextOpening(berlinOffice, local("2025-01-10T17:00", BERLIN)), BERLIN)).toBe(
      "2025-01-13T09:00:00+01:00",
    );
    const inside = local("2025-01-13T12:34", BERLIN);
    expect(nextOpening(berlinOffice, inside)).toEqual(inside);
  });

  it("refuses to add time on a calendar without open hours", () => {
    const never: TBusinessCalendar = { timeZone: BERLIN, weeklyHours: [], holidays: [] };
    expect(() => addBusinessMinutes(never, new Date("2025-01-13T09:00:00Z"), 60)).toThrow(/no open hours/);
    expect(businessMinutesBetween(never, new Date("2025-01-13T00:00:00Z"), new Date("2025-01-20T00:00:00Z"))).toBe(0);
    expect(nextOpening(never, new Date("2025-01-13T00:00:00Z"))).toBeNull();
  });
});

/** Business minutes of `calendar` over the local dates [fromDate, toDate) of its zone, by the engine and the reference. */
function openMinutesOn(calendar: TBusinessCalendar, fromDate: string, toDate: string) {
  const from = local(fromDate, calendar.timeZone);
  const to = local(toDate, calendar.timeZone);
  return {
    engine: businessMinutesBetween(calendar, from, to),
    reference: referenceBusinessMinutesBetween(calendar, from, to),
  };
}

describe("business time on the days clocks change: real minutes of wall-clock opening hours", () => {
  const sundayNight = officeHours(NEW_YORK, "01:00", "01:30", [7]);

  it("counts a New York Sunday 01:00-01:30 twice on the day the clocks fall back", () => {
    expect(openMinutesOn(sundayNight, "2024-11-02", "2024-11-04")).toEqual({ engine: 60, reference: 60 });
    expect(openMinutesOn(sundayNight, "2024-10-26", "2024-10-28")).toEqual({ engine: 30, reference: 30 });
  });

  it("keeps a case opened in the repeated hour on the same night instead of slipping a week", () => {
    const secondOneOClock = new Date("2024-11-03T06:00:00Z");
    expect(inZone(secondOneOClock, NEW_YORK)).toBe("2024-11-03T01:00:00-05:00");
    const due = addBusinessMinutes(sundayNight, secondOneOClock, 30);
    expect(inZone(due, NEW_YORK)).toBe("2024-11-03T01:30:00-05:00");
    expect(due).toEqual(referenceAddBusinessMinutes(sundayNight, secondOneOClock, 30));
    const fromSaturday = addBusinessMinutes(sundayNight, local("2024-11-02T12:00", NEW_YORK), 60);
    expect(inZone(fromSaturday, NEW_YORK)).toBe("2024-11-03T01:30:00-05:00");
    expect(isOpen(sundayNight, new Date("2024-11-03T06:15:00Z"))).toBe(true);
    expect(slaElapsed(sundayNight, local("2024-11-02T12:00", NEW_YORK), new Date("2024-11-03T06:10:00Z"), [])).toBe(40);
  });

  it("counts only the occurrences of a repeated hour that fall inside the interval", () => {
    const closesInside = officeHours(NEW_YORK, "01:30", "02:30", [7]);
    // 01:30-02:00 EDT, then 01:30-02:00 and 02:00-02:30 EST; 01:00-01:30 EST is closed.
    expect(openMinutesOn(closesInside, "2024-11-03", "2024-11-04")).toEqual({ engine: 90, reference: 90 });
    expect(isOpen(closesInside, new Date("2024-11-03T06:15:00Z"))).toBe(false);
    expect(inZone(nextOpening(closesInside, new Date("2024-11-03T06:00:00Z")), NEW_YORK)).toBe(
      "2024-11-03T01:30:00-05:00",
    );
  });

  it("never counts the minutes a spring-forward gap skips", () => {
    const opensInGap = officeHours(NEW_YORK, "02:30", "04:00", [7]);
    const closesInGap = officeHours(NEW_YORK, "01:00", "02:30", [7]);
    const wholeGap = officeHours(NEW_YORK, "02:00", "03:00", [7]);
    expect(openMinutesOn(opensInGap, "2024-03-10", "2024-03-11")).toEqual({ engine: 60, reference: 60 });
    expect(openMinutesOn(closesInGap, "2024-03-10", "2024-03-11")).toEqual({ engine: 60, reference: 60 });
    expect(openMinutesOn(wholeGap, "2024-03-10", "2024-03-11")).toEqual({ engine: 0, reference: 0 });
    expect(inZone(nextOpening(opensInGap, local("2024-03-10T00:00", NEW_YORK)), NEW_YORK)).toBe(
      "2024-03-10T03:00:00-04:00",
    );
    expect(inZone(addBusinessMinutes(closesInGap, local("2024-03-10T01:30", NEW_YORK), 45), NEW_YORK)).toBe(
      "2024-03-17T01:15:00-04:00",
    );
  });

  it("follows Lord Howe's half-hour and Chatham's 02:45/03:45 shifts", () => {
    // Lord Howe: 02:00 -> 01:30 on 2024-04-07, 02:00 -> 02:30 on 2024-10-06.
    const lordHowe = officeHours(LORD_HOWE, "01:45", "02:15", [7]);
    expect(openMinutesOn(lordHowe, "2024-04-07", "2024-04-08")).toEqual({ engine: 45, reference: 45 });
    expect(openMinutesOn(officeHours(LORD_HOWE, "02:15", "03:00", [7]), "2024-10-06", "2024-10-07")).toEqual({
      engine: 30,
      reference: 30,
    });
    // Chatham: 03:45 -> 02:45 on 2024-04-07, 02:45 -> 03:45 on 2024-09-29.
    const chatham = officeHours(CHATHAM, "03:00", "04:00", [7]);
    expect(openMinutesOn(chatham, "2024-04-07", "2024-04-08")).toEqual({ engine: 105, reference: 105 });
    expect(openMinutesOn(chatham, "2024-09-29", "2024-09-30")).toEqual({ engine: 15, reference: 15 });
  });

  it("handles Santiago's and Tehran's changes at midnight", () => {
    // Santiago: 24:00 -> 23:00 on Saturday 2024-04-06, 24:00 -> 01:00 into Sunday 2024-09-08.
    const saturdayLate = officeHours(SANTIAGO, "23:00", "24:00", [6]);
    expect(openMinutesOn(saturdayLate, "2024-04-06", "2024-04-08")).toEqual({ engine: 120, reference: 120 });
    const sundayEarly = officeHours(SANTIAGO, "00:00", "01:30", [7]);
    expect(openMinutesOn(sundayEarly, "2024-09-07", "2024-09-09")).toEqual({ engine: 30, reference: 30 });
    // Tehran (DST until 2022): 24:00 -> 01:00 into Tuesday 2022-03-22, 24:00 -> 23:00 on Wednesday 2022-09-21.
    expect(openMinutesOn(officeHours(TEHRAN, "00:30", "02:00", [2]), "2022-03-21", "2022-03-23")).toEqual({
      engine: 60,
      reference: 60,
    });
    expect(openMinutesOn(officeHours(TEHRAN, "23:30", "24:00", [3]), "2022-09-21", "2022-09-23")).toEqual({
      engine: 60,
      reference: 60,
    });
  });

  it("counts a start's partial first minute for the part of it that is left", () => {
    const start = new Date(local("2025-01-13T09:00", BERLIN).getTime() + 30_000);
    expect(businessMinutesBetween(berlinOffice, start, local("2025-01-13T09:01", BERLIN))).toBe(0.5);
    expect(addBusinessMinutes(berlinOffice, start, 60)).toEqual(new Date(start.getTime() + 60 * MINUTE_MS));
    const beforeClosing = new Date(local("2025-01-13T16:59", BERLIN).getTime() + 45_000);
    expect(inZone(addBusinessMinutes(berlinOffice, beforeClosing, 1), BERLIN)).toBe("2025-01-14T09:00:45+01:00");
  });
});

describe("calendar validation", () => {
  const valid = officeHours(BERLIN, "09:00", "12:00", [1]);

  it("accepts adjacent intervals and a 24:00 end", () => {
    const calendar = {
      ...valid,
      weeklyHours: [...valid.weeklyHours, { weekday: 1, start: "12:00", end: "24:00" }],
    };
    expect(ZBusinessCalendar.safeParse(calendar).success).toBe(true);
  });

  it("rejects overlapping intervals, empty intervals and unknown zones", () => {
    const overlapping = { ...valid, weeklyHours: [...valid.weeklyHours, { weekday: 1, start: "11:00", end: "13:00" }] };
    const empty = { ...valid, weeklyHours: [{ weekday: 2, start: "10:00", end: "10:00" }] };
    const reversed = { ...valid, weeklyHours: [{ weekday: 2, start: "18:00", end: "08:00" }] };
    expect(ZBusinessCalendar.safeParse(overlapping).success).toBe(false);
    expect(ZBusinessCalendar.safeParse(empty).success).toBe(false);
    expect(ZBusinessCalendar.safeParse(reversed).success).toBe(false);
    expect(ZBusinessCalendar.safeParse({ ...valid, timeZone: "Mars/Olympus_Mons" }).success).toBe(false);
    expect(
      ZBusinessCalendar.safeParse({ ...valid, weeklyHours: [{ weekday: 8, start: "09:00", end: "10:00" }] }).success,
    ).toBe(false);
    expect(
      ZBusinessCalendar.safeParse({ ...valid, weeklyHours: [{ weekday: 1, start: "25:00", end: "26:00" }] }).success,
    ).toBe(false);
    expect(
      ZBusinessCalendar.safeParse({ ...valid, weeklyHours: [{ weekday: 1, start: "24:00", end: "24:00" }] }).success,
    ).toBe(false);
    expect(ZBusinessCalendar.safeParse({ ...valid, holidays: [{ date: "2025-02-30", yearly: false }] }).success).toBe(
      false,
    );
  });

  it("rejects invalid calendars when they are used", () => {
    const bad = { ...valid, timeZone: "Nowhere/Land" };
    expect(() => addBusinessMinutes(bad, new Date(), 10)).toThrow();
  });
});

interface ZoneUnderTest {
  zone: string;
  /** Instants are drawn from [from, to): Tehran's DST ended in 2022. */
  from: number;
  to: number;
}

const years = (zone: string, from: number, to: number): ZoneUnderTest => ({
  zone,
  from: Date.UTC(from, 0, 1),
  to: Date.UTC(to, 0, 1),
});

const ZONES: ZoneUnderTest[] = [
  years(BERLIN, 2024, 2028),
  years(NEW_YORK, 2024, 2028),
  years(LORD_HOWE, 2024, 2028),
  years("Asia/Kolkata", 2024, 2028),
  years(CHATHAM, 2024, 2028),
  years(SANTIAGO, 2024, 2028),
  years(TEHRAN, 2019, 2023),
];

const RUNS_PER_ZONE = { add: 400, between: 400, invariants: 200, pauses: 200, partial: 150 };
const PROPERTY_TIMEOUT_MS = 120_000;

function dstTransitions({ zone, from, to }: ZoneUnderTest): number[] {
  const tz = IANAZone.create(zone);
  const transitions: number[] = [];
  for (let t = from; t < to; t += DAY_MS) {
    if (tz.offset(t) === tz.offset(t + DAY_MS)) continue;
    let lo = t;
    let hi = t + DAY_MS;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / (2 * MINUTE_MS)) * MINUTE_MS;
      if (tz.offset(mid) === tz.offset(lo)) lo = mid;
      else hi = mid;
    }
    transitions.push(hi);
  }
  return transitions;
}

function isoWeekdayOf(epochDay: number): TWeekday {
  return (((((epochDay + 3) % 7) + 7) % 7) + 1) as TWeekday;
}

/**
 * Per weekday, the wall-clock minutes (of the day, 1440 for midnight as an end) on and around the DST gaps and
 * repeated hours of the zone's transitions: from 20 minutes before the earlier reading of the transition instant
 * (old or new offset) to 20 minutes after the later one, so opening and closing times land inside the gap or the
 * repeated hour, on its edges and just outside.
 */
function minutesAroundTransitions(zone: string, transitions: number[]): Map<TWeekday, number[]> {
  const tz = IANAZone.create(zone);
  const byWeekday = new Map<TWeekday, Set<number>>();
  const add = (weekday: TWeekday, minute: number) => {
    const set = byWeekday.get(weekday) ?? new Set<number>();
    set.add(minute);
    byWeekday.set(weekday, set);
  };
  for (const instant of transitions) {
    const before = instant / MINUTE_MS + tz.offset(instant - MINUTE_MS);
    const after = instant / MINUTE_MS + tz.offset(instant);
    for (let minute = Math.min(before, after) - 20; minute <= Math.max(before, after) + 20; minute++) {
      const date = Math.floor(minute / 1440);
      const ofDay = minute - date * 1440;
      add(isoWeekdayOf(date), ofDay);
      if (ofDay === 0) add(isoWeekdayOf(date - 1), 1440);
    }
  }
  return new Map([...byWeekday].map(([weekday, set]) => [weekday, [...set].sort((a, b) => a - b)]));
}

function localEpochDay(instant: number, zone: string): number {
  return (
    DateTime.fromMillis(instant, { zone }).setZone("utc", { keepLocalTime: true }).startOf("day").toMillis() / DAY_MS
  );
}

function isoDateOfEpochDay(epochDay: number): string {
  return DateTime.fromMillis(epochDay * DAY_MS, { zone: "utc" }).toISODate()!;
}

function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function boundaryArb(critical: number[] | undefined): fc.Arbitrary<number> {
  const ordinary = [
    fc.integer({ min: 0, max: 96 }).map((quarter) => quarter * 15),
    fc.integer({ min: 0, max: 16 }).map((quarter) => quarter * 15),
    fc.integer({ min: 0, max: 1440 }),
  ];
  return critical && critical.length > 0
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...critical) },
        ...ordinary.map((arbitrary) => ({ weight: 1, arbitrary })),
      )
    : fc.oneof(...ordinary);
}

function dayHoursArb(weekday: TWeekday, critical: number[] | undefined) {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant([]) },
    {
      weight: 3,
      arbitrary: fc.array(boundaryArb(critical), { minLength: 2, maxLength: 6 }).map((values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const intervals: TBusinessCalendar["weeklyHours"] = [];
        for (let i = 0; i + 1 < sorted.length; i += 2) {
          const start = sorted[i]!;
          const end = sorted[i + 1]!;
          if (start < end) intervals.push({ weekday, start: clockTime(start), end: clockTime(end) });
        }
        return intervals;
      }),
    },
  );
}

function weeklyHoursArb(critical: Map<TWeekday, number[]>) {
  return fc
    .tuple(...WEEKDAYS.map((weekday) => dayHoursArb(weekday, critical.get(weekday))))
    .map((days) => days.flat())
    .filter((hours) => hours.length > 0);
}

function holidayArb(range: ZoneUnderTest, transitionDays: number[]) {
  const nearTransition =
    transitionDays.length > 0
      ? [
          fc
            .tuple(fc.constantFrom(...transitionDays), fc.integer({ min: -2, max: 2 }))
            .map(([day, shift]) => day + shift),
        ]
      : [];
  const dayArb = fc.oneof(...nearTransition, fc.integer({ min: range.from / DAY_MS, max: range.to / DAY_MS - 1 }));
  return fc
    .record({ day: dayArb, yearly: fc.boolean(), leapYearsBack: fc.integer({ min: 0, max: 5 }) })
    .map(({ day, yearly, leapYearsBack }) => {
      const date = isoDateOfEpochDay(day);
      const shifted = DateTime.fromISO(date, { zone: "utc" })
        .minus({ years: 4 * leapYearsBack })
        .toISODate()!;
      return { date: yearly ? `${shifted.slice(0, 4)}${date.slice(4)}` : date, yearly };
    });
}

function calendarArb(range: ZoneUnderTest, transitions: number[]): fc.Arbitrary<TBusinessCalendar> {
  const transitionDays = transitions.map((instant) => localEpochDay(instant, range.zone));
  return fc
    .record({
      weeklyHours: weeklyHoursArb(minutesAroundTransitions(range.zone, transitions)),
      holidays: fc.array(holidayArb(range, transitionDays), { maxLength: 5 }),
      alwaysOpen: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map(({ weeklyHours, holidays, alwaysOpen }) => ({
      timeZone: range.zone,
      weeklyHours,
      holidays,
      ...(alwaysOpen ? { alwaysOpen } : {}),
    }));
}

/** The local midnights starting each holiday (a yearly one in the range's first year). */
function holidayAnchors(calendar: TBusinessCalendar, range: ZoneUnderTest): number[] {
  const firstYear = new Date(range.from).getUTCFullYear();
  return calendar.holidays.map((holiday) => {
    const date = holiday.yearly ? `${firstYear}${holiday.date.slice(4)}` : holiday.date;
    return DateTime.fromISO(date, { zone: calendar.timeZone }).toMillis();
  });
}

function startArb(calendar: TBusinessCalendar, range: ZoneUnderTest, transitions: number[]): fc.Arbitrary<Date> {
  const shiftArb = fc.oneof(
    fc.integer({ min: -3 * 1440, max: 1440 }),
    fc.integer({ min: -3 * 96, max: 96 }).map((quarter) => quarter * 15),
    fc.integer({ min: -120, max: 120 }),
  );
  const anchors = [...transitions, ...holidayAnchors(calendar, range)].map(
    (anchor) => Math.floor(anchor / MINUTE_MS) * MINUTE_MS,
  );
  const anchored =
    anchors.length > 0
      ? [
          {
            weight: 3,
            arbitrary: fc
              .tuple(fc.constantFrom(...anchors), shiftArb)
              .map(([anchor, shift]) => new Date(anchor + shift * MINUTE_MS)),
          },
        ]
      : [];
  return fc.oneof(...anchored, {
    weight: 1,
    arbitrary: fc
      .integer({ min: range.from / MINUTE_MS, max: range.to / MINUTE_MS })
      .map((minute) => new Date(minute * MINUTE_MS)),
  });
}

function businessDayMinutes(calendar: TBusinessCalendar): number {
  const openWeekdays = new Set(calendar.weeklyHours.map((interval) => interval.weekday)).size;
  const weekly = calendar.weeklyHours.reduce(
    (sum, interval) => sum + clockTimeToMinutes(interval.end) - clockTimeToMinutes(interval.start),
    0,
  );
  return Math.max(1, Math.round(weekly / openWeekdays));
}

function targetArb(calendar: TBusinessCalendar): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 5 * businessDayMinutes(calendar) }));
}

const pausesArb = (start: Date): fc.Arbitrary<TSlaPause[]> =>
  fc.array(
    fc
      .record({
        offset: fc.integer({ min: -1440, max: 7 * 1440 }),
        length: fc.option(fc.integer({ min: 0, max: 3 * 1440 }), { freq: 6 }),
      })
      .map(({ offset, length }) => {
        const from = start.getTime() + offset * MINUTE_MS;
        return { from: new Date(from), to: length === null ? null : new Date(from + length * MINUTE_MS) };
      }),
    { maxLength: 3 },
  );

describe.each(ZONES)("business time in $zone matches the minute-walking reference", (range) => {
  const transitions = dstTransitions(range);
  const calendars = calendarArb(range, transitions);

  it(
    "the due instant after N business minutes (addBusinessMinutes), isOpen and nextOpening",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          start: startArb(calendar, range, transitions),
          minutes: targetArb(calendar),
        }),
      );
      fc.assert(
        fc.property(cases, ({ calendar, start, minutes }) => {
          expect(addBusinessMinutes(calendar, start, minutes)).toEqual(
            referenceAddBusinessMinutes(calendar, start, minutes),
          );
          expect(isOpen(calendar, start)).toBe(referenceIsOpen(calendar, start));
          expect(nextOpening(calendar, start)).toEqual(referenceNextOpening(calendar, start));
        }),
        { numRuns: RUNS_PER_ZONE.add },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "the business time elapsed between two instants (businessMinutesBetween)",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          from: startArb(calendar, range, transitions),
          spanMinutes: fc.integer({ min: -1440, max: 8 * 1440 }),
        }),
      );
      fc.assert(
        fc.property(cases, ({ calendar, from, spanMinutes }) => {
          const to = new Date(from.getTime() + spanMinutes * MINUTE_MS);
          expect(businessMinutesBetween(calendar, from, to)).toBe(referenceBusinessMinutesBetween(calendar, from, to));
        }),
        { numRuns: RUNS_PER_ZONE.between },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "a start's partial first minute counts for what is left of it, in both directions",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          minute: startArb(calendar, range, transitions),
          intoMinuteMs: fc.integer({ min: 1, max: MINUTE_MS - 1 }),
          spanMinutes: fc.integer({ min: 1, max: 4 * 1440 }),
          target: targetArb(calendar),
        }),
      );
      fc.assert(
        fc.property(cases, ({ calendar, minute, intoMinuteMs, spanMinutes, target }) => {
          const start = new Date(minute.getTime() + intoMinuteMs);
          const nextMinute = new Date(minute.getTime() + MINUTE_MS);
          const to = new Date(minute.getTime() + spanMinutes * MINUTE_MS);
          const firstMinuteOpen = referenceIsOpen(calendar, minute);
          const leftOfFirst = firstMinuteOpen ? MINUTE_MS - intoMinuteMs : 0;
          expect(businessMinutesBetween(calendar, start, to)).toBe(
            (referenceBusinessMinutesBetween(calendar, nextMinute, to) * MINUTE_MS + leftOfFirst) / MINUTE_MS,
          );
          const due = addBusinessMinutes(calendar, start, target);
          const expected =
            target === 0
              ? start
              : firstMinuteOpen
                ? new Date(
                    referenceAddBusinessMinutes(calendar, minute, target + 1).getTime() - MINUTE_MS + intoMinuteMs,
                  )
                : referenceAddBusinessMinutes(calendar, minute, target);
          expect(due).toEqual(expected);
          expect(businessMinutesBetween(calendar, start, due)).toBe(target);
        }),
        { numRuns: RUNS_PER_ZONE.partial },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "round trip and monotonicity",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          start: startArb(calendar, range, transitions),
          a: targetArb(calendar),
          b: targetArb(calendar),
          laterBy: fc.integer({ min: 0, max: 2 * 1440 }),
        }),
      );
      fc.assert(
        fc.property(cases, ({ calendar, start, a, b, laterBy }) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          const dueSmall = addBusinessMinutes(calendar, start, small);
          const dueLarge = addBusinessMinutes(calendar, start, large);
          expect(dueLarge).toEqual(referenceAddBusinessMinutes(calendar, start, large));
          expect(dueSmall.getTime()).toBeLessThanOrEqual(dueLarge.getTime());
          expect(businessMinutesBetween(calendar, start, dueSmall)).toBe(small);
          expect(businessMinutesBetween(calendar, start, dueLarge)).toBe(large);
          const opened = nextOpening(calendar, start);
          if (opened) {
            expect(businessMinutesBetween(calendar, opened, addBusinessMinutes(calendar, opened, large))).toBe(large);
          }
          const later = new Date(start.getTime() + laterBy * MINUTE_MS);
          expect(addBusinessMinutes(calendar, later, small).getTime()).toBeGreaterThanOrEqual(dueSmall.getTime());
          expect(businessMinutesBetween(calendar, start, later)).toBeLessThanOrEqual(
            businessMinutesBetween(calendar, start, new Date(later.getTime() + MINUTE_MS)),
          );
        }),
        { numRuns: RUNS_PER_ZONE.invariants },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "slaDueAt and slaElapsed with pauses",
    () => {
      const cases = calendars.chain((calendar) =>
        startArb(calendar, range, transitions).chain((start) =>
          fc.record({
            calendar: fc.constant(calendar),
            start: fc.constant(start),
            target: targetArb(calendar),
            pauses: pausesArb(start),
            nowAfter: fc.integer({ min: 0, max: 8 * 1440 }),
          }),
        ),
      );
      fc.assert(
        fc.property(cases, ({ calendar, start, target, pauses, nowAfter }) => {
          const due = slaDueAt(calendar, start, target, pauses);
          expect(due).toEqual(referenceSlaDueAt(calendar, start, target, pauses));
          const now = new Date(start.getTime() + nowAfter * MINUTE_MS);
          expect(slaElapsed(calendar, start, now, pauses)).toBe(referenceSlaElapsed(calendar, start, now, pauses));
          if (due) expect(slaElapsed(calendar, start, due, pauses)).toBe(target);
        }),
        { numRuns: RUNS_PER_ZONE.pauses },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
