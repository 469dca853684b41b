import type { THoliday, TWeeklyInterval } from "../../../shared/contracts/sla";

/** "2 h 30 min", "1 d 4 h" (business time: a day is 24 hours here, as targets are stored in minutes). */
export { formatMinutes } from "../../../shared/contracts/sla";

export const WEEKDAYS = [
  { weekday: 1, label: "Monday", short: "Mon" },
  { weekday: 2, label: "Tuesday", short: "Tue" },
  { weekday: 3, label: "Wednesday", short: "Wed" },
  { weekday: 4, label: "Thursday", short: "Thu" },
  { weekday: 5, label: "Friday", short: "Fri" },
  { weekday: 6, label: "Saturday", short: "Sat" },
  { weekday: 7, label: "Sunday", short: "Sun" },
] as const;

export interface Interval {
  start: string;
  end: string;
}

/** Opening hours as the editor holds them: one list of intervals per weekday, 1 (Monday) to 7 (Sunday). */
export type Week = Record<number, Interval[]>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Minutes since midnight of "HH:MM" (24:00 is 1440). */
export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const byStart = (a: Interval, b: Interval) => minutesOf(a.start) - minutesOf(b.start);

export const emptyWeek = (): Week => Object.fromEntries(WEEKDAYS.map((d) => [d.weekday, []]));

export const weekFrom = (weekly: readonly TWeeklyInterval[]): Week => {
  const week = emptyWeek();
  for (const i of weekly) week[i.weekday]?.push({ start: i.start, end: i.end });
  for (const d of WEEKDAYS) week[d.weekday]?.sort(byStart);
  return week;
};

export const weeklyFrom = (week: Week): TWeeklyInterval[] =>
  WEEKDAYS.flatMap((d) => (week[d.weekday] ?? []).map((i) => ({ weekday: d.weekday, start: i.start, end: i.end })));

/** Monday to Friday, 09:00 to 17:00: where a new calendar starts. */
export const officeWeek = (): Week => {
  const week = emptyWeek();
  for (let weekday = 1; weekday <= 5; weekday++) week[weekday] = [{ start: "09:00", end: "17:00" }];
  return week;
};

/** The problem with one day's intervals, per interval (null when fine): format, order, overlap. */
export const dayErrors = (intervals: readonly Interval[]): (string | null)[] => {
  const errors = intervals.map((i): string | null => {
    if (!TIME.test(i.start)) return "Start as HH:MM, 00:00 to 23:59";
    if (!END_TIME.test(i.end)) return "End as HH:MM, 00:00 to 24:00";
    if (minutesOf(i.end) <= minutesOf(i.start)) return "Ends after it starts";
    return null;
  });
  const valid = intervals.map((interval, index) => ({ interval, index })).filter(({ index }) => !errors[index]);
  valid.sort((a, b) => byStart(a.interval, b.interval));
  for (let k = 1; k < valid.length; k++) {
    const prev = valid[k - 1];
    const cur = valid[k];
    if (prev && cur && minutesOf(cur.interval.start) < minutesOf(prev.interval.end)) {
      errors[cur.index] = `Overlaps ${prev.interval.start}–${prev.interval.end}`;
    }
  }
  return errors;
};

/** Problems of a whole week, keyed "weekday.index"; empty when the week can be saved. */
export const weekErrors = (week: Week): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const d of WEEKDAYS) {
    dayErrors(week[d.weekday] ?? []).forEach((e, index) => {
      if (e) out[`${d.weekday}.${index}`] = e;
    });
  }
  return out;
};

/** Open minutes in a week, for "40 h a week". */
export const weeklyMinutes = (week: Week): number =>
  WEEKDAYS.reduce(
    (sum, d) =>
      sum + (week[d.weekday] ?? []).reduce((s, i) => s + Math.max(0, minutesOf(i.end) - minutesOf(i.start)), 0),
    0,
  );

const dayText = (intervals: readonly Interval[]): string =>
  intervals.length === 0 ? "closed" : intervals.map((i) => `${i.start}–${i.end}`).join(", ");

/** "Mon–Fri 09:00–17:00; Sat 10:00–14:00": consecutive days with equal hours joined, closed days left out. */
export const describeWeek = (weekly: readonly TWeeklyInterval[], alwaysOpen: boolean): string => {
  if (alwaysOpen) return "Open 24/7";
  const week = weekFrom(weekly);
  const runs: { from: number; to: number; text: string }[] = [];
  for (const d of WEEKDAYS) {
    const text = dayText(week[d.weekday] ?? []);
    const last = runs.at(-1);
    if (last && last.text === text && last.to === d.weekday - 1) last.to = d.weekday;
    else runs.push({ from: d.weekday, to: d.weekday, text });
  }
  const short = (n: number) => WEEKDAYS[n - 1]?.short ?? "";
  const open = runs.filter((r) => r.text !== "closed");
  if (open.length === 0) return "Never open";
  return open.map((r) => `${short(r.from)}${r.to > r.from ? `–${short(r.to)}` : ""} ${r.text}`).join("; ");
};

const realDate = (date: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
};

/** Problems of the holiday list, per row: a date is required and listed once (a yearly one once per month-day). */
export const holidayErrors = (holidays: readonly THoliday[]): (string | null)[] => {
  const seen = new Set<string>();
  return holidays.map((h) => {
    if (!realDate(h.date)) return "Pick a date";
    const key = h.yearly ? `yearly ${h.date.slice(5)}` : h.date;
    if (seen.has(key)) return h.yearly ? "This day is already a yearly holiday" : "This date is already listed";
    seen.add(key);
    return null;
  });
};

/**
 * Reads a target as typed: "90" (minutes), "4h", "1h 30m", "2 d", "1.5h". Null when it is not a duration of
 * at least a minute.
 */
export const parseDuration = (text: string): number | null => {
  const s = text.trim().toLowerCase();
  if (s === "") return null;
  if (/^\d+$/.test(s)) return Number(s) > 0 ? Number(s) : null;
  const unit: Record<string, number> = { d: 1440, h: 60, m: 1, min: 1 };
  let total = 0;
  let rest = s;
  const part = /^(\d+(?:\.\d+)?)\s*(d|h|min|m)\s*/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match) return null;
    total += Number(match[1]) * (unit[match[2] ?? ""] ?? 0);
    rest = rest.slice(match[0].length);
  }
  const minutes = Math.round(total);
  return minutes >= 1 ? minutes : null;
};

/**
 * Positions that put `ids` in this order, changing as few as possible: the position of each id that must move.
 * Positions are spaced by 10 so a later insertion fits between two.
 */
export const positionsFor = (
  ids: readonly string[],
  current: ReadonlyMap<string, number>,
): { id: string; position: number }[] => {
  const strictlyIncreasing = ids.every(
    (id, i) => i === 0 || (current.get(id) ?? 0) > (current.get(ids[i - 1] ?? "") ?? 0),
  );
  if (strictlyIncreasing) return [];
  return ids
    .map((id, i) => ({ id, position: (i + 1) * 10 }))
    .filter(({ id, position }) => current.get(id) !== position);
};

/** The list with the item at `from` moved to `to`. */
export const moved = <T>(list: readonly T[], from: number, to: number): T[] => {
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item === undefined || to < 0 || to > list.length - 1) return [...list];
  next.splice(to, 0, item);
  return next;
};
