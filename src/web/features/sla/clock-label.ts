import type { EscalationRecipient, SlaMetric } from "../../../shared/contracts/sla";
import { describeDue, formatAbsolute } from "../../ui/due-time";
import { formatMinutes } from "./opening-hours";

/** The parts of a clock the labels read (timestamps as ISO strings). */
export interface ClockView {
  metric: SlaMetric;
  state: "running" | "paused" | "met" | "cancelled";
  breached: boolean;
  dueAt: string | null;
  warnAt: string | null;
  metAt: string | null;
  breachedAt: string | null;
  /** The target that applies now; null when none does (the priority or policy changed after a breach). */
  targetMinutes: number | null;
  remainingMinutes: number | null;
  /** The breach escalation's record: the target that was breached, who was notified, what was done. */
  breach: {
    targetMinutes: number;
    notified: { id: string; name: string; as: EscalationRecipient[] }[];
    unreached: { as: EscalationRecipient; reason: string }[];
    actions: string[];
  } | null;
}

export type ClockTone = "breached" | "warning" | "running" | "paused" | "met" | "met_late" | "cancelled";

export interface ClockStatus {
  tone: ClockTone;
  /** One or two words for a badge. */
  label: string;
  /** The sentence beside it: time left or over in business time, the due or met moment. */
  detail: string;
}

export const TONE_COLOR: Record<ClockTone, string> = {
  breached: "red",
  warning: "orange",
  running: "blue",
  paused: "gray",
  met: "green",
  met_late: "red",
  cancelled: "gray",
};

export const METRIC_SHORT: Record<SlaMetric, string> = {
  first_response: "First response",
  next_response: "Next response",
  resolution: "Resolution",
};

const left = (minutes: number) => `${formatMinutes(Math.max(1, Math.round(minutes)))} business time left`;
const over = (minutes: number) => `${formatMinutes(Math.max(1, Math.round(minutes)))} business time over`;

const RECIPIENT: Record<EscalationRecipient, string> = { owner: "owner", team_lead: "team lead", director: "director" };

/**
 * "Breached 2 Mar 10:00": when the clock breached and, when the target it breached no longer applies, that
 * it does not (the breach stays shown: it happened, people were told, actions ran).
 */
const breachedAt = (clock: ClockView): string => {
  if (!clock.breachedAt) return "";
  const when = `Breached ${formatAbsolute(clock.breachedAt)}`;
  const was = clock.breach ? ` (target ${formatMinutes(clock.breach.targetMinutes)})` : "";
  if (clock.targetMinutes === null) return `${when}${was}; that target no longer applies`;
  if (clock.breach && clock.breach.targetMinutes !== clock.targetMinutes) return `${when}${was}`;
  return when;
};

/** Who a breach escalation notified, and whom it could not: "Notified Ann Lee (owner); team lead not notified: …". */
export const breachNotice = (clock: ClockView): string | null => {
  if (!clock.breach) return null;
  const reached = clock.breach.notified.map((n) => `${n.name} (${n.as.map((r) => RECIPIENT[r]).join(", ")})`);
  const parts = [
    reached.length > 0 ? `Notified ${reached.join(", ")}` : "",
    ...clock.breach.unreached.map((u) => `${RECIPIENT[u.as]} not notified: ${u.reason}`),
  ].filter(Boolean);
  return parts.length > 0 ? `${parts.join("; ")}.` : null;
};

/** What a clock means right now, in words. */
export const clockStatus = (clock: ClockView, now: Date): ClockStatus => {
  const due = clock.dueAt ? ` · due ${formatAbsolute(clock.dueAt)}` : "";
  const remaining = clock.remainingMinutes;
  switch (clock.state) {
    case "cancelled":
      return clock.breachedAt
        ? { tone: "breached", label: "Breached", detail: `${breachedAt(clock)}; no longer counted for this case` }
        : { tone: "cancelled", label: "Not applicable", detail: "No longer counted for this case" };
    case "met":
      return clock.breached
        ? {
            tone: "met_late",
            label: "Met late",
            detail: clock.metAt
              ? `Met ${formatAbsolute(clock.metAt)}, after the target was breached`
              : "Met after the target was breached",
          }
        : { tone: "met", label: "Met", detail: clock.metAt ? `Met ${formatAbsolute(clock.metAt)}` : "Met" };
    case "paused":
      return {
        tone: clock.breached ? "breached" : "paused",
        label: clock.breached ? "Breached, paused" : "Paused",
        detail:
          clock.breached && (remaining === null || remaining >= 0)
            ? `${breachedAt(clock)}; paused while the case waits`
            : remaining === null
              ? "Paused while the case waits"
              : remaining < 0
                ? `${over(-remaining)}; paused while the case waits`
                : `${left(remaining)} when it resumes`,
      };
    case "running": {
      const breached = clock.breached || (remaining !== null && remaining < 0);
      if (breached) {
        const detail =
          remaining === null
            ? clock.breachedAt
              ? breachedAt(clock)
              : `Target passed${due}`
            : remaining < 0
              ? `${over(-remaining)}${due}`
              : `${breachedAt(clock)}; ${left(remaining)} of the current target${due}`;
        return { tone: "breached", label: "Breached", detail };
      }
      const warning = clock.warnAt !== null && new Date(clock.warnAt).getTime() <= now.getTime();
      return {
        tone: warning ? "warning" : "running",
        label: warning ? "Near breach" : "Running",
        detail: `${remaining !== null ? left(remaining) : "Counting"}${due}`,
      };
    }
  }
};

const URGENCY: Record<ClockTone, number> = {
  breached: 0,
  warning: 1,
  running: 2,
  paused: 3,
  met_late: 4,
  met: 5,
  cancelled: 6,
};

/** The clock a list should show for a case: breached first, then the soonest due of those still counting. */
export const mostUrgent = <C extends ClockView>(clocks: readonly C[], now: Date): C | null => {
  const counting = clocks.filter((c) => c.state === "running" || c.state === "paused");
  const ranked = [...counting].sort(
    (a, b) =>
      URGENCY[clockStatus(a, now).tone] - URGENCY[clockStatus(b, now).tone] ||
      (a.dueAt ? Date.parse(a.dueAt) : Number.POSITIVE_INFINITY) -
        (b.dueAt ? Date.parse(b.dueAt) : Number.POSITIVE_INFINITY),
  );
  return ranked[0] ?? null;
};

/** A short cell for a case list: "Resolution in 3 h", "First response 2 h overdue", "Paused". */
export const clockCell = (clock: ClockView, now: Date): { text: string; tone: ClockTone; title: string } => {
  const status = clockStatus(clock, now);
  const name = METRIC_SHORT[clock.metric];
  if (clock.state === "paused") return { text: `${name} paused`, tone: status.tone, title: status.detail };
  if (!clock.dueAt && clock.breachedAt) return { text: `${name} breached`, tone: status.tone, title: status.detail };
  const due = describeDue(clock.dueAt, now, 60 * 60_000);
  return { text: `${name} ${due.text}`, tone: status.tone, title: `${status.label}: ${status.detail}` };
};
