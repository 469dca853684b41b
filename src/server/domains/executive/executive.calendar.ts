import { DateTime } from "luxon";

/** `days` working days (Monday to Friday in `timeZone`) after `from`, at the same local time of day. */
export const addBusinessDays = (from: Date, days: number, timeZone: string): Date => {
  let t = DateTime.fromJSDate(from, { zone: timeZone });
  let left = days;
  while (left > 0) {
    t = t.plus({ days: 1 });
    if (t.weekday <= 5) left--;
  }
  return t.toJSDate();
};
