import { IANAZone } from "luxon";
import { z } from "zod";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SEARCH_HORIZON_DAYS = 732;
const CACHE_RESET_GAP_DAYS = 400;

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOCK_TIME_OR_MIDNIGHT = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const ZWeeklyInterval = z.object({
  weekday: z.literal([1, 2, 3, 4, 5, 6, 7]),
  start: z.string().regex(CLOCK_TIME, "Use HH:MM between 00:00 and 23:59"),
  end: z.string().regex(CLOCK_TIME_OR_MIDNIGHT, "Use HH:MM between 00:00 and 24:00"),
});

const knownZones = new Set<string>();

function isKnownZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  if (!IANAZone.isValidZone(zone)) return false;
  knownZones.add(zone);
  return true;
}

const ZHoliday = z.object({
  date: z.iso.date(),
  yearly: z.boolean(),
  name: z.string().min(1).optional(),
});

export const ZBusinessCalendar = z
  .object({
    timeZone: z.string().refine(isKnownZone, "Unknown IANA time zone"),
    weeklyHours: z.array(ZWeeklyInterval),
    holidays: z.array(ZHoliday),
    alwaysOpen: z.boolean().optional(),
  })
  .superRefine((calendar, ctx) => {
    const byWeekday = new Map<number, Array<{ index: number; start: number; end: number }>>();
    calendar.weeklyHours.forEach((interval, index) => {
      if (!CLOCK_TIME.test(interval.start) || !CLOCK_TIME_OR_MIDNIGHT.test(interval.end)) return;
      const start = clockTimeToMinutes(interval.start);
      const end = clockTimeToMinutes(interval.end);
      if (start >= end) {
        ctx.addIssue({ code: "custom", message: "Interval must end after it starts", path: ["weeklyHours", index] });
        return;
      }
      const list = byWeekday.get(interval.weekday) ?? [];
      list.push({ index, start, end });
      byWeekday.set(interval.weekday, list);
    });
    for (const list of byWeekday.values()) {
      list.sort((a, b) => a.start - b.start);
      for (let i = 1; i < list.length; i++) {
        const previous = list[i - 1]!;
        const current = list[i]!;
        if (current.start < previous.end) {
          ctx.addIssue({
            code: "custom",
            message: "Interval overlaps another interval on the same weekday",
            path: ["weeklyHours", current.index],
          });
        }
      }
    }
  });

export type TBusinessCalendar = z.infer<typeof ZBusinessCalendar>;

export interface TSlaPause {
  from: Date;
  to: Date | null;
}

/** Minutes since local midnight for "HH:MM" ("24:00" is 1440). */
export function clockTimeToMinutes(time: string): number {
  if (!CLOCK_TIME_OR_MIDNIGHT.test(time)) throw new RangeError(`Invalid clock time "${time}", expected HH:MM`);
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/*
 * How business time is counted (docs/slas-and-cracks.md, "How business time is counted"):
 * - An instant is business time when the wall clock of the calendar's zone shows, at that instant, a time inside
 *   an opening interval [start, end) of that local date's weekday, and the local date is not a holiday. Business
 *   time is the real time that passes while that holds, to the millisecond.
 * - So a DST gap's missing wall-clock minutes are no business time (an interval 02:30-04:00 on a day the clocks
 *   jump from 02:00 to 03:00 opens 60 minutes), and the minutes of an hour the clocks repeat count each time they
 *   occur (01:00-01:30 on a day the clocks fall back from 02:00 to 01:00 opens 60 minutes, in two pieces).
 * - Nothing is rounded to whole minutes: a clock started at 09:00:30 in open hours has 0.5 business minutes at
 *   09:01, its partial first minute counting for the part that is left.
 *
 * The index behind it: one span per UTC day holding that day's open instants as sorted [from, to) pairs and the
 * business time of all spans before it, built on demand and cached per calendar object. A UTC day's open
 * instants come from its stretches of constant UTC offset: on each, wall-clock time is the instant plus the
 * offset, so each opening interval of each local date the stretch shows maps back to instants by subtracting it.
 */

/** Offsets are sampled this far apart and a change between two samples located by bisection to the second. */
const OFFSET_SAMPLE_MS = 6 * 3_600_000;
const SECOND_MS = 1000;

interface DaySpan {
  cumStart: number;
  total: number;
  open: number[];
}

interface CompiledCalendar {
  zone: IANAZone;
  alwaysOpen: boolean;
  weeklyOpenMinutes: number;
  hoursByWeekday: Array<Array<[number, number]>>;
  fixedHolidays: Set<number>;
  yearlyHolidays: Set<number>;
  /** Offsets in ms at sampled instants (multiples of OFFSET_SAMPLE_MS), shared by neighbouring days. */
  sampledOffsets: Map<number, number>;
  /** The UTC day (days since 1970-01-01) of days[0]. */
  firstDay: number;
  days: DaySpan[];
}

const compiledCalendars = new WeakMap<TBusinessCalendar, CompiledCalendar>();

/** Calendars are compiled once per object and cached: treat a calendar object as immutable once used. */
function compile(calendar: TBusinessCalendar): CompiledCalendar {
  const cached = compiledCalendars.get(calendar);
  if (cached) return cached;
  const parsed = ZBusinessCalendar.parse(calendar);
  const hoursByWeekday: Array<Array<[number, number]>> = [[], [], [], [], [], [], []];
  let weeklyOpenMinutes = 0;
  for (const interval of parsed.weeklyHours) {
    const start = clockTimeToMinutes(interval.start);
    const end = clockTimeToMinutes(interval.end);
    hoursByWeekday[interval.weekday - 1]!.push([start, end]);
    weeklyOpenMinutes += end - start;
  }
  const fixedHolidays = new Set<number>();
  const yearlyHolidays = new Set<number>();
  for (const holiday of parsed.holidays) {
    const [year, month, day] = holiday.date.split("-").map(Number) as [number, number, number];
    if (holiday.yearly) yearlyHolidays.add(month * 100 + day);
    else fixedHolidays.add(Date.UTC(year, month - 1, day) / DAY_MS);
  }
  const compiled: CompiledCalendar = {
    zone: IANAZone.create(parsed.timeZone),
    alwaysOpen: parsed.alwaysOpen === true,
    weeklyOpenMinutes,
    hoursByWeekday,
    fixedHolidays,
    yearlyHolidays,
    sampledOffsets: new Map(),
    firstDay: 0,
    days: [],
  };
  compiledCalendars.set(calendar, compiled);
  return compiled;
}

function isoWeekday(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

function isHoliday(c: CompiledCalendar, epochDay: number): boolean {
  if (c.fixedHolidays.has(epochDay)) return true;
  if (c.yearlyHolidays.size === 0) return false;
  const date = new Date(epochDay * DAY_MS);
  return c.yearlyHolidays.has((date.getUTCMonth() + 1) * 100 + date.getUTCDate());
}

/** The zone's UTC offset in ms at `instant` (wall-clock time = instant + offset). */
function offsetAt(c: CompiledCalendar, instant: number): number {
  return Math.round(c.zone.offset(instant) * MINUTE_MS);
}

function sampledOffset(c: CompiledCalendar, instant: number): number {
  const cached = c.sampledOffsets.get(instant);
  if (cached !== undefined) return cached;
  const offset = offsetAt(c, instant);
  c.sampledOffsets.set(instant, offset);
  return offset;
}

/**
 * Appends to `out` the stretches [from, to, offset] of constant offset covering [from, to), given the offsets at
 * both ends. A change is located by bisection; offsets are assumed not to change and change back between two
 * samples (no zone has done so within six hours).
 */
function pushStretches(
  c: CompiledCalendar,
  from: number,
  to: number,
  fromOffset: number,
  toOffset: number,
  out: number[],
) {
  let start = from;
  let offset = fromOffset;
  while (offset !== toOffset) {
    let lo = start;
    let hi = to;
    while (hi - lo > SECOND_MS) {
      const mid = lo + Math.floor((hi - lo) / (2 * SECOND_MS)) * SECOND_MS;
      if (offsetAt(c, mid) === offset) lo = mid;
      else hi = mid;
    }
    out.push(start, hi, offset);
    start = hi;
    offset = offsetAt(c, hi);
  }
  out.push(start, to, offset);
}

/** The open instants of UTC day `utcDay`, sorted and merged [from, to) pairs. */
function openInstantsOfUtcDay(c: CompiledCalendar, utcDay: number): number[] {
  const dayStart = utcDay * DAY_MS;
  const stretches: number[] = [];
  for (let from = dayStart; from < dayStart + DAY_MS; from += OFFSET_SAMPLE_MS) {
    const to = from + OFFSET_SAMPLE_MS;
    pushStretches(c, from, to, sampledOffset(c, from), sampledOffset(c, to), stretches);
  }
  const pieces: Array<[number, number]> = [];
  for (let i = 0; i < stretches.length; i += 3) {
    const offset = stretches[i + 2]!;
    const localFrom = stretches[i]! + offset;
    const localTo = stretches[i + 1]! + offset;
    for (let localDay = Math.floor(localFrom / DAY_MS); localDay * DAY_MS < localTo; localDay++) {
      const hours = c.hoursByWeekday[isoWeekday(localDay) - 1]!;
      if (hours.length === 0 || isHoliday(c, localDay)) continue;
      const midnight = localDay * DAY_MS;
      for (const [start, end] of hours) {
        const from = Math.max(midnight + start * MINUTE_MS, localFrom);
        const to = Math.min(midnight + end * MINUTE_MS, localTo);
        if (to > from) pieces.push([from - offset, to - offset]);
      }
    }
  }
  pieces.sort((a, b) => a[0] - b[0]);
  const open: number[] = [];
  for (const [from, to] of pieces) {
    const lastEnd = open[open.length - 1];
    if (lastEnd !== undefined && from <= lastEnd) open[open.length - 1] = Math.max(lastEnd, to);
    else open.push(from, to);
  }
  return open;
}

function buildSpan(c: CompiledCalendar, utcDay: number, cumStart: number): DaySpan {
  const open = openInstantsOfUtcDay(c, utcDay);
  let total = 0;
  for (let i = 0; i < open.length; i += 2) total += open[i + 1]! - open[i]!;
  return { cumStart, total, open };
}

function appendDay(c: CompiledCalendar): DaySpan {
  const last = c.days[c.days.length - 1]!;
  const span = buildSpan(c, c.firstDay + c.days.length, last.cumStart + last.total);
  c.days.push(span);
  return span;
}

function ensureDays(c: CompiledCalendar, lo: number, hi: number): void {
  const lastDay = c.firstDay + c.days.length - 1;
  if (c.days.length === 0 || lo > lastDay + CACHE_RESET_GAP_DAYS || hi < c.firstDay - CACHE_RESET_GAP_DAYS) {
    c.sampledOffsets.clear();
    c.firstDay = lo;
    c.days = [buildSpan(c, lo, 0)];
  }
  while (c.firstDay > lo) {
    const next = c.days[0]!;
    const span = buildSpan(c, c.firstDay - 1, 0);
    span.cumStart = next.cumStart - span.total;
    c.days.unshift(span);
    c.firstDay--;
  }
  while (c.firstDay + c.days.length - 1 < hi) appendDay(c);
}

/** The index in c.days of the UTC day holding `instant`, building the days up to it. */
function dayIndexAt(c: CompiledCalendar, instant: number): number {
  const utcDay = Math.floor(instant / DAY_MS);
  ensureDays(c, utcDay, utcDay);
  return utcDay - c.firstDay;
}

function cumulativeAt(c: CompiledCalendar, index: number, instant: number): number {
  const span = c.days[index]!;
  let total = span.cumStart;
  for (let i = 0; i < span.open.length; i += 2) {
    const from = span.open[i]!;
    if (instant <= from) break;
    total += Math.min(instant, span.open[i + 1]!) - from;
  }
  return total;
}

function firstSpanReaching(c: CompiledCalendar, fromIndex: number, target: number, startedAt: number): number {
  let closedRun = 0;
  let last = c.days[c.days.length - 1]!;
  while (last.cumStart + last.total < target) {
    last = appendDay(c);
    closedRun = last.total === 0 ? closedRun + 1 : 0;
    if (closedRun >= SEARCH_HORIZON_DAYS) {
      throw new Error(
        `Business calendar has no open time for ${SEARCH_HORIZON_DAYS} days after ${new Date(startedAt).toISOString()}`,
      );
    }
  }
  let lo = fromIndex;
  let hi = c.days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const span = c.days[mid]!;
    if (span.cumStart + span.total >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function instantOf(value: Date, label: string): number {
  const instant = value.getTime();
  if (!Number.isFinite(instant)) throw new RangeError(`${label} is an invalid Date`);
  return instant;
}

function assertHasOpenHours(c: CompiledCalendar): void {
  if (c.weeklyOpenMinutes === 0) {
    throw new Error("Business calendar has no open hours: add weekly hours or mark it alwaysOpen");
  }
}

/**
 * The moment at which `minutes` business minutes have elapsed after `start`: the earliest instant
 * t >= start with businessMinutesBetween(start, t) === minutes. With minutes = 0 this is `start`
 * itself, open or not (the reference follows the same rule). A target that ends exactly at
 * closing time returns the closing instant, not the next opening.
 */
export function addBusinessMinutes(calendar: TBusinessCalendar, start: Date, minutes: number): Date {
  const startedAt = instantOf(start, "start");
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`minutes must be >= 0, got ${minutes}`);
  const c = compile(calendar);
  if (c.alwaysOpen) return new Date(startedAt + minutes * MINUTE_MS);
  assertHasOpenHours(c);
  if (minutes === 0) return new Date(startedAt);
  const fromIndex = dayIndexAt(c, startedAt);
  const target = cumulativeAt(c, fromIndex, startedAt) + minutes * MINUTE_MS;
  const index = firstSpanReaching(c, fromIndex, target, startedAt);
  const span = c.days[index]!;
  let remaining = target - span.cumStart;
  for (let i = 0; i < span.open.length; i += 2) {
    const length = span.open[i + 1]! - span.open[i]!;
    if (remaining <= length) return new Date(span.open[i]! + remaining);
    remaining -= length;
  }
  throw new Error("Business time index is inconsistent");
}

/** Business minutes in [from, to); 0 when to <= from. Fractional when the inputs are not whole minutes apart. */
export function businessMinutesBetween(calendar: TBusinessCalendar, from: Date, to: Date): number {
  const fromInstant = instantOf(from, "from");
  const toInstant = instantOf(to, "to");
  if (toInstant <= fromInstant) return 0;
  const c = compile(calendar);
  if (c.alwaysOpen) return (toInstant - fromInstant) / MINUTE_MS;
  if (c.weeklyOpenMinutes === 0) return 0;
  ensureDays(c, Math.floor(fromInstant / DAY_MS), Math.floor(toInstant / DAY_MS));
  const fromCum = cumulativeAt(c, dayIndexAt(c, fromInstant), fromInstant);
  const toCum = cumulativeAt(c, dayIndexAt(c, toInstant), toInstant);
  return (toCum - fromCum) / MINUTE_MS;
}

export function isOpen(calendar: TBusinessCalendar, at: Date): boolean {
  const instant = instantOf(at, "at");
  const c = compile(calendar);
  if (c.alwaysOpen) return true;
  if (c.weeklyOpenMinutes === 0) return false;
  const index = dayIndexAt(c, instant);
  const span = c.days[index]!;
  for (let i = 0; i < span.open.length; i += 2) {
    if (span.open[i]! <= instant && instant < span.open[i + 1]!) return true;
  }
  return false;
}

/** The earliest open instant >= at (at itself when open); null when nothing opens within about two years. */
export function nextOpening(calendar: TBusinessCalendar, at: Date): Date | null {
  const instant = instantOf(at, "at");
  const c = compile(calendar);
  if (c.alwaysOpen) return new Date(instant);
  if (c.weeklyOpenMinutes === 0) return null;
  let index = dayIndexAt(c, instant);
  for (let scanned = 0; scanned < SEARCH_HORIZON_DAYS; scanned++, index++) {
    const span = index < c.days.length ? c.days[index]! : appendDay(c);
    for (let i = 0; i < span.open.length; i += 2) {
      if (span.open[i + 1]! > instant) return new Date(Math.max(span.open[i]!, instant));
    }
  }
  return null;
}

function mergePauses(pauses: readonly TSlaPause[]): Array<[number, number]> {
  const spans = pauses.map((pause): [number, number] => {
    const from = instantOf(pause.from, "pause.from");
    const to = pause.to === null ? Number.POSITIVE_INFINITY : instantOf(pause.to, "pause.to");
    if (to < from) throw new RangeError(`Pause ends before it starts: ${pause.from.toISOString()}`);
    return [from, to];
  });
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push(span);
  }
  return merged;
}

/**
 * Business minutes the SLA clock has run in [startedAt, now): business minutes inside pauses do
 * not count; a pause with `to: null` is still running.
 */
export function slaElapsed(
  calendar: TBusinessCalendar,
  startedAt: Date,
  now: Date,
  pauses: readonly TSlaPause[],
): number {
  const from = instantOf(startedAt, "startedAt");
  const to = instantOf(now, "now");
  let elapsed = businessMinutesBetween(calendar, startedAt, now);
  for (const [pauseFrom, pauseTo] of mergePauses(pauses)) {
    const clippedFrom = Math.max(pauseFrom, from);
    const clippedTo = Math.min(pauseTo, to);
    if (clippedTo > clippedFrom) {
      elapsed -= businessMinutesBetween(calendar, new Date(clippedFrom), new Date(clippedTo));
    }
  }
  return elapsed;
}

/**
 * When the SLA clock reaches `targetMinutes`: the earliest t >= startedAt with
 * slaElapsed(startedAt, t) >= targetMinutes. Null while a pause that the clock has not yet
 * outrun is still open, because a stopped clock has no due time.
 */
export function slaDueAt(
  calendar: TBusinessCalendar,
  startedAt: Date,
  targetMinutes: number,
  pauses: readonly TSlaPause[],
): Date | null {
  let cursor = instantOf(startedAt, "startedAt");
  if (!Number.isFinite(targetMinutes) || targetMinutes < 0) {
    throw new RangeError(`targetMinutes must be >= 0, got ${targetMinutes}`);
  }
  if (targetMinutes === 0) return new Date(cursor);
  let remaining = targetMinutes;
  for (const [pauseFrom, pauseTo] of mergePauses(pauses)) {
    if (pauseTo <= cursor) continue;
    if (pauseFrom > cursor) {
      const available = businessMinutesBetween(calendar, new Date(cursor), new Date(pauseFrom));
      if (available >= remaining) return addBusinessMinutes(calendar, new Date(cursor), remaining);
      remaining -= available;
    }
    if (pauseTo === Number.POSITIVE_INFINITY) return null;
    cursor = pauseTo;
  }
  return addBusinessMinutes(calendar, new Date(cursor), remaining);
}
