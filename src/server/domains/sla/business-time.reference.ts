import type { TBusinessCalendar, TSlaPause } from "./business-time";

/*
 * The reference model of business time, for tests only: slow, obviously right, and sharing nothing with
 * business-time.ts but its types. It walks real minutes. Each UTC minute is turned into the wall-clock time it
 * shows in the calendar's zone (with Intl, not the engine's luxon), and it is business time when that local date
 * is not a holiday and the wall-clock time lies in an opening interval [start, end) of the date's weekday. So a
 * minute of an hour the clocks repeat counts each time it happens, and the minutes a DST gap skips never come up.
 * Every instant it takes or returns is a whole UTC minute.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1440;
const HORIZON_MS = 3 * 366 * DAY_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset at `instant` (a whole second) in ms: the wall-clock reading, as if UTC, minus the instant. */
function offsetFromIntl(timeZone: string, instant: number): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
  const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
  const reading = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return reading - instant;
}

/** Per zone and UTC hour: the offset when the hour's first and last minute share it, else null. */
const offsetsByHour = new Map<string, Map<number, number | null>>();

/**
 * The wall-clock time of UTC minute `instant` in `timeZone`, as minutes since 1970-01-01T00:00 local. An hour whose
 * first and last minute have the same offset is taken to have it throughout (no zone changes its offset and back
 * within an hour); the minutes of other hours are converted one by one. This only saves Intl calls.
 */
function wallClockMinute(timeZone: string, instant: number): number {
  let byHour = offsetsByHour.get(timeZone);
  if (!byHour) {
    byHour = new Map();
    offsetsByHour.set(timeZone, byHour);
  }
  const hour = Math.floor(instant / HOUR_MS);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const first = offsetFromIntl(timeZone, hour * HOUR_MS);
    const last = offsetFromIntl(timeZone, (hour + 1) * HOUR_MS - MINUTE_MS);
    offset = first === last ? first : null;
    byHour.set(hour, offset);
  }
  return Math.floor((instant + (offset ?? offsetFromIntl(timeZone, instant))) / MINUTE_MS);
}

function minutesOfClockTime(time: string): number {
  const [hours, minutes] = time.split(":").map(Number) as [number, number];
  return hours * 60 + minutes;
}

const intervalsByDate = new WeakMap<TBusinessCalendar, Map<number, Array<[number, number]>>>();

/** The opening intervals (minutes of the day) of local date `localDate` (days since 1970-01-01): none on a holiday. */
function openingIntervals(calendar: TBusinessCalendar, localDate: number): Array<[number, number]> {
  let byDate = intervalsByDate.get(calendar);
  if (!byDate) {
    byDate = new Map();
    intervalsByDate.set(calendar, byDate);
  }
  const cached = byDate.get(localDate);
  if (cached) return cached;
  const date = new Date(localDate * DAY_MS);
  const iso = date.toISOString().slice(0, 10);
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  const holiday = calendar.holidays.some((h) => (h.yearly ? h.date.slice(5) === iso.slice(5) : h.date === iso));
  const intervals = holiday
    ? []
    : calendar.weeklyHours
        .filter((interval) => interval.weekday === weekday)
        .map((interval): [number, number] => [minutesOfClockTime(interval.start), minutesOfClockTime(interval.end)]);
  byDate.set(localDate, intervals);
  return intervals;
}

function openMinute(calendar: TBusinessCalendar, instant: number): boolean {
  if (calendar.alwaysOpen) return true;
  const local = wallClockMinute(calendar.timeZone, instant);
  const localDate = Math.floor(local / MINUTES_PER_DAY);
  const minute = local - localDate * MINUTES_PER_DAY;
  return openingIntervals(calendar, localDate).some(([start, end]) => start <= minute && minute < end);
}

/**
 * The first whole minute >= `instant` worth looking at: UTC offsets lie within -12 h..+14 h, so the minutes of a
 * UTC day show the local date before it, its own or the one after; when none of the three has opening hours, the
 * whole UTC day is closed and skipped.
 */
function nextCandidate(calendar: TBusinessCalendar, instant: number): number {
  let t = instant;
  for (;;) {
    if (calendar.alwaysOpen) return t;
    const utcDay = Math.floor(t / DAY_MS);
    if ([utcDay - 1, utcDay, utcDay + 1].some((date) => openingIntervals(calendar, date).length > 0)) return t;
    t = (utcDay + 1) * DAY_MS;
  }
}

function wholeMinute(value: Date, label: string): number {
  const instant = value.getTime();
  if (!Number.isInteger(instant / MINUTE_MS)) throw new RangeError(`${label} must be a whole UTC minute`);
  return instant;
}

function assertHasOpenHours(calendar: TBusinessCalendar): void {
  if (!calendar.alwaysOpen && calendar.weeklyHours.length === 0) throw new Error("Business calendar has no open hours");
}

const paused = (pauses: readonly TSlaPause[], instant: number): boolean =>
  pauses.some((p) => p.from.getTime() <= instant && (p.to === null || instant < p.to.getTime()));

const stoppedForGood = (pauses: readonly TSlaPause[], instant: number): boolean =>
  pauses.some((p) => p.to === null && p.from.getTime() <= instant);

/** Whole business minutes of the SLA clock in [from, to): open and not paused. */
function countMinutes(calendar: TBusinessCalendar, from: number, to: number, pauses: readonly TSlaPause[]): number {
  let counted = 0;
  for (let t = nextCandidate(calendar, from); t < to; t = nextCandidate(calendar, t + MINUTE_MS)) {
    if (openMinute(calendar, t) && !paused(pauses, t)) counted++;
  }
  return counted;
}

/** The end of the minute in which the clock reaches `minutes`; null when a pause that never ends stops it first. */
function walkUntil(calendar: TBusinessCalendar, start: number, minutes: number, pauses: readonly TSlaPause[]) {
  if (minutes === 0) return start;
  let counted = 0;
  for (let t = start; ; t = nextCandidate(calendar, t + MINUTE_MS)) {
    t = nextCandidate(calendar, t);
    if (stoppedForGood(pauses, t)) return null;
    if (t - start > HORIZON_MS) throw new Error("Reference walk exceeded its horizon");
    if (openMinute(calendar, t) && !paused(pauses, t)) counted++;
    if (counted === minutes) return t + MINUTE_MS;
  }
}

export function referenceIsOpen(calendar: TBusinessCalendar, at: Date): boolean {
  return openMinute(calendar, wholeMinute(at, "at"));
}

export function referenceBusinessMinutesBetween(calendar: TBusinessCalendar, from: Date, to: Date): number {
  return countMinutes(calendar, wholeMinute(from, "from"), wholeMinute(to, "to"), []);
}

export function referenceAddBusinessMinutes(calendar: TBusinessCalendar, start: Date, minutes: number): Date {
  assertHasOpenHours(calendar);
  if (!Number.isInteger(minutes) || minutes < 0) throw new RangeError("minutes must be a whole number >= 0");
  return new Date(walkUntil(calendar, wholeMinute(start, "start"), minutes, []) as number);
}

export function referenceNextOpening(calendar: TBusinessCalendar, at: Date): Date | null {
  const begin = wholeMinute(at, "at");
  for (let t = nextCandidate(calendar, begin); t - begin <= HORIZON_MS; t = nextCandidate(calendar, t + MINUTE_MS)) {
    if (openMinute(calendar, t)) return new Date(t);
  }
  return null;
}

export function referenceSlaElapsed(
  calendar: TBusinessCalendar,
  startedAt: Date,
  now: Date,
  pauses: readonly TSlaPause[],
): number {
  return countMinutes(calendar, wholeMinute(startedAt, "startedAt"), wholeMinute(now, "now"), pauses);
}

export function referenceSlaDueAt(
  calendar: TBusinessCalendar,
  startedAt: Date,
  targetMinutes: number,
  pauses: readonly TSlaPause[],
): Date | null {
  assertHasOpenHours(calendar);
  const due = walkUntil(calendar, wholeMinute(startedAt, "startedAt"), targetMinutes, pauses);
  return due === null ? null : new Date(due);
}
