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
  wallClockToInstant,
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
const ZONES = [BERLIN, NEW_YORK, LORD_HOWE, "Asia/Kolkata", "Pacific/Chatham"] as const;

const RUNS_PER_ZONE = { add: 800, between: 500, invariants: 400, pauses: 300 };
const PROPERTY_TIMEOUT_MS = 60_000;

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
    for (const zone of ZONES) {
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

  it("places skipped wall-clock times forward and repeated ones at their first occurrence", () => {
    const springForward = DateTime.fromISO("2024-03-10", { zone: "utc" }).toMillis() / DAY_MS;
    const fallBack = DateTime.fromISO("2024-11-03", { zone: "utc" }).toMillis() / DAY_MS;
    expect(new Date(wallClockToInstant(NEW_YORK, springForward, clockTimeToMinutes("02:30"))).toISOString()).toBe(
      "2024-03-10T07:30:00.000Z",
    );
    expect(new Date(wallClockToInstant(NEW_YORK, fallBack, clockTimeToMinutes("01:30"))).toISOString()).toBe(
      "2024-11-03T05:30:00.000Z",
    );
    expect(new Date(wallClockToInstant(NEW_YORK, fallBack - 1, clockTimeToMinutes("24:00"))).toISOString()).toBe(
      "2024-11-03T04:00:00.000Z",
    );
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

const RANGE_START = Date.UTC(2024, 0, 1);
const RANGE_END = Date.UTC(2028, 0, 1);

function dstTransitions(zone: string): number[] {
  const tz = IANAZone.create(zone);
  const transitions: number[] = [];
  for (let t = RANGE_START; t < RANGE_END; t += DAY_MS) {
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

const boundaryArb = fc.oneof(
  fc.integer({ min: 0, max: 96 }).map((quarter) => quarter * 15),
  fc.integer({ min: 0, max: 16 }).map((quarter) => quarter * 15),
  fc.integer({ min: 0, max: 1440 }),
);

function dayHoursArb(weekday: TWeekday) {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant([]) },
    {
      weight: 3,
      arbitrary: fc.array(boundaryArb, { minLength: 2, maxLength: 6 }).map((values) => {
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

const weeklyHoursArb = fc
  .tuple(...WEEKDAYS.map(dayHoursArb))
  .map((days) => days.flat())
  .filter((hours) => hours.length > 0);

function holidayArb(transitionDays: number[]) {
  const nearTransition =
    transitionDays.length > 0
      ? [
          fc
            .tuple(fc.constantFrom(...transitionDays), fc.integer({ min: -2, max: 2 }))
            .map(([day, shift]) => day + shift),
        ]
      : [];
  const dayArb = fc.oneof(...nearTransition, fc.integer({ min: RANGE_START / DAY_MS, max: RANGE_END / DAY_MS - 1 }));
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

function calendarArb(zone: string, transitionDays: number[]): fc.Arbitrary<TBusinessCalendar> {
  return fc
    .record({
      weeklyHours: weeklyHoursArb,
      holidays: fc.array(holidayArb(transitionDays), { maxLength: 5 }),
      alwaysOpen: fc.oneof({ weight: 19, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map(({ weeklyHours, holidays, alwaysOpen }) => ({
      timeZone: zone,
      weeklyHours,
      holidays,
      ...(alwaysOpen ? { alwaysOpen } : {}),
    }));
}

function holidayAnchors(calendar: TBusinessCalendar): number[] {
  return calendar.holidays.map((holiday) => {
    const date = holiday.yearly ? `2024${holiday.date.slice(4)}` : holiday.date;
    return wallClockToInstant(calendar.timeZone, DateTime.fromISO(date, { zone: "utc" }).toMillis() / DAY_MS, 0);
  });
}

function startArb(calendar: TBusinessCalendar, transitions: number[]): fc.Arbitrary<Date> {
  const shiftArb = fc.oneof(
    fc.integer({ min: -3 * 1440, max: 1440 }),
    fc.integer({ min: -3 * 96, max: 96 }).map((quarter) => quarter * 15),
  );
  const anchors = [...transitions, ...holidayAnchors(calendar)];
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
      .integer({ min: RANGE_START / MINUTE_MS, max: RANGE_END / MINUTE_MS })
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

describe.each(ZONES)("business time in %s matches the minute-by-minute reference", (zone) => {
  const transitions = dstTransitions(zone);
  const transitionDays = transitions.map((instant) => localEpochDay(instant, zone));
  const calendars = calendarArb(zone, transitionDays);

  it(
    "addBusinessMinutes, isOpen and nextOpening",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          start: startArb(calendar, transitions),
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
    "businessMinutesBetween",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          from: startArb(calendar, transitions),
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
    "round trip and monotonicity",
    () => {
      const cases = calendars.chain((calendar) =>
        fc.record({
          calendar: fc.constant(calendar),
          start: startArb(calendar, transitions),
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
        startArb(calendar, transitions).chain((start) =>
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
