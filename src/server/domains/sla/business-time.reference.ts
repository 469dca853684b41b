import { DateTime } from "luxon";
import { clockTimeToMinutes, type TBusinessCalendar, type TSlaPause, wallClockToInstant } from "./business-time";

/*
 * Slow, minute-by-minute reference for business-time.ts, used by tests and the benchmark only.
 * An instant is open when some non-holiday local date has an opening interval of its weekday
 * that contains it, the interval's ends placed by the shared wallClockToInstant rule. Inputs
 * must be whole UTC minutes; every minute is checked on its own.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const HORIZON_MS = 3 * 366 * DAY_MS;

const openByUtcDay = new WeakMap<TBusinessCalendar, Map<number, Array<[number, number]>>>();

function isHolidayDate(calendar: TBusinessCalendar, date: DateTime): boolean {
  const iso = date.toISODate();
  return calendar.holidays.some((holiday) =>
    holiday.yearly ? holiday.date.slice(5) === iso?.slice(5) : holiday.date === iso,
  );
}

/**
 * Opening intervals that overlap UTC day `utcDay`. Time-zone offsets stay within ±14 hours, so only
 * the local dates utcDay-2..utcDay+2 can contribute.
 */
function openIntervalsOverlapping(calendar: TBusinessCalendar, utcDay: number): Array<[number, number]> {
  let byDay = openByUtcDay.get(calendar);
  if (!byDay) {
    byDay = new Map();
    openByUtcDay.set(calendar, byDay);
  }
  const cached = byDay.get(utcDay);
  if (cached) return cached;
  const dayStart = utcDay * DAY_MS;
  const dayEnd = dayStart + DAY_MS;
  const intervals: Array<[number, number]> = [];
  for (let localDay = utcDay - 2; localDay <= utcDay + 2; localDay++) {
    const date = DateTime.fromMillis(localDay * DAY_MS, { zone: "utc" });
    if (isHolidayDate(calendar, date)) continue;
    for (const interval of calendar.weeklyHours) {
      if (interval.weekday !== date.weekday) continue;
      const from = wallClockToInstant(calendar.timeZone, localDay, clockTimeToMinutes(interval.start));
      const to = wallClockToInstant(calendar.timeZone, localDay, clockTimeToMinutes(interval.end));
      if (from < dayEnd && to > dayStart) intervals.push([from, to]);
    }
  }
  byDay.set(utcDay, intervals);
  return intervals;
}

export function referenceIsOpen(calendar: TBusinessCalendar, at: Date): boolean {
  if (calendar.alwaysOpen) return true;
  const instant = at.getTime();
  return openIntervalsOverlapping(calendar, Math.floor(instant / DAY_MS)).some(
    ([from, to]) => from <= instant && instant < to,
  );
}

function wholeMinute(value: Date, label: string): number {
  const instant = value.getTime();
  if (!Number.isInteger(instant / MINUTE_MS)) throw new RangeError(`${label} must be a whole UTC minute`);
  return instant;
}

/** True when no minute of the UTC day holding `instant` can be open, so a walk may jump to the next UTC day. */
function closedAllUtcDay(calendar: TBusinessCalendar, instant: number): boolean {
  return !calendar.alwaysOpen && openIntervalsOverlapping(calendar, Math.floor(instant / DAY_MS)).length === 0;
}

function nextUtcDay(instant: number): number {
  return (Math.floor(instant / DAY_MS) + 1) * DAY_MS;
}

function assertHasOpenHours(calendar: TBusinessCalendar): void {
  if (!calendar.alwaysOpen && calendar.weeklyHours.length === 0) {
    throw new Error("Business calendar has no open hours");
  }
}

export function referenceAddBusinessMinutes(calendar: TBusinessCalendar, start: Date, minutes: number): Date {
  assertHasOpenHours(calendar);
  if (!Number.isInteger(minutes) || minutes < 0) throw new RangeError("minutes must be a whole number >= 0");
  const begin = wholeMinute(start, "start");
  let t = begin;
  let counted = 0;
  while (counted < minutes) {
    if (t - begin > HORIZON_MS) throw new Error("Reference walk exceeded its horizon");
    if (closedAllUtcDay(calendar, t)) {
      t = nextUtcDay(t);
      continue;
    }
    if (referenceIsOpen(calendar, new Date(t))) counted++;
    t += MINUTE_MS;
  }
  return new Date(t);
}

export function referenceBusinessMinutesBetween(calendar: TBusinessCalendar, from: Date, to: Date): number {
  const end = wholeMinute(to, "to");
  let t = wholeMinute(from, "from");
  let counted = 0;
  while (t < end) {
    if (closedAllUtcDay(calendar, t)) {
      t = nextUtcDay(t);
      continue;
    }
    if (referenceIsOpen(calendar, new Date(t))) counted++;
    t += MINUTE_MS;
  }
  return counted;
}

export function referenceNextOpening(calendar: TBusinessCalendar, at: Date): Date | null {
  const begin = wholeMinute(at, "at");
  for (let t = begin; t - begin <= HORIZON_MS; t += MINUTE_MS) {
    if (referenceIsOpen(calendar, new Date(t))) return new Date(t);
  }
  return null;
}

function pausedAt(pauses: readonly TSlaPause[], instant: number): boolean {
  return pauses.some((pause) => pause.from.getTime() <= instant && (pause.to === null || instant < pause.to.getTime()));
}

function clockStoppedForever(pauses: readonly TSlaPause[], instant: number): boolean {
  return pauses.some((pause) => pause.to === null && pause.from.getTime() <= instant);
}

export function referenceSlaElapsed(
  calendar: TBusinessCalendar,
  startedAt: Date,
  now: Date,
  pauses: readonly TSlaPause[],
): number {
  const end = wholeMinute(now, "now");
  let counted = 0;
  for (let t = wholeMinute(startedAt, "startedAt"); t < end; t += MINUTE_MS) {
    if (referenceIsOpen(calendar, new Date(t)) && !pausedAt(pauses, t)) counted++;
  }
  return counted;
}

export function referenceSlaDueAt(
  calendar: TBusinessCalendar,
  startedAt: Date,
  targetMinutes: number,
  pauses: readonly TSlaPause[],
): Date | null {
  const begin = wholeMinute(startedAt, "startedAt");
  let t = begin;
  let counted = 0;
  while (counted < targetMinutes) {
    if (clockStoppedForever(pauses, t)) return null;
    if (t - begin > HORIZON_MS) throw new Error("Reference walk exceeded its horizon");
    if (referenceIsOpen(calendar, new Date(t)) && !pausedAt(pauses, t)) counted++;
    t += MINUTE_MS;
  }
  return new Date(t);
}
