export type DueTone = "overdue" | "soon" | "later" | "none";

export interface DueLabel {
  /** Short text such as "in 3 h", "2 d overdue" or "—". */
  text: string;
  tone: DueTone;
  /** Full local date and time for a tooltip or a screen reader. */
  title: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "45 min", "3 h", "2 d", "5 wk": the largest unit that keeps the number readable. */
export const formatSpan = (ms: number): string => {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return "now";
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)} min`;
  if (abs < DAY) return `${Math.floor(abs / HOUR)} h`;
  if (abs < 14 * DAY) return `${Math.floor(abs / DAY)} d`;
  return `${Math.floor(abs / (7 * DAY))} wk`;
};

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const formatAbsolute = (iso: string): string => absoluteFormat.format(new Date(iso));

/** A next-step due time relative to now: overdue in red, due within 4 hours in orange. */
export const describeDue = (dueIso: string | null, now: Date, soonWithinMs = 4 * HOUR): DueLabel => {
  if (!dueIso) return { text: "—", tone: "none", title: "No due time" };
  const due = new Date(dueIso);
  const diff = due.getTime() - now.getTime();
  const title = formatAbsolute(dueIso);
  const span = formatSpan(diff);
  if (diff < 0) {
    return { text: span === "now" ? "due now" : `${span} overdue`, tone: "overdue", title: `Overdue since ${title}` };
  }
  return {
    text: span === "now" ? "due now" : `in ${span}`,
    tone: diff <= soonWithinMs ? "soon" : "later",
    title: `Due ${title}`,
  };
};

/** "3 h ago" for past moments, "in 2 d" for future ones. */
export const describeAgo = (iso: string, now: Date): string => {
  const diff = new Date(iso).getTime() - now.getTime();
  const span = formatSpan(diff);
  if (span === "now") return "just now";
  return diff < 0 ? `${span} ago` : `in ${span}`;
};

export const toneColor = (tone: DueTone): string | undefined => {
  switch (tone) {
    case "overdue":
      return "red";
    case "soon":
      return "orange";
    case "later":
      return undefined;
    case "none":
      return "dimmed";
  }
};

/** The value of an <input type="datetime-local"> for an ISO instant, in the browser's time zone. */
export const toLocalInput = (iso: string | null): string => {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** ISO instant of an <input type="datetime-local"> value; null when empty or invalid. */
export const fromLocalInput = (value: string): string | null => {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};
