/** Activity closer together than this is one working session on the case. */
export const SESSION_GAP_MINUTES = 30;
/** The work before a session's first recorded action (reading the case, writing the first reply). */
export const SESSION_LEAD_MINUTES = 5;

export interface Activity {
  userId: string;
  at: Date;
  phoneSeconds: number;
}

/**
 * Handling time per employee, in whole minutes: their activity on the case split into sessions at gaps of more
 * than SESSION_GAP_MINUTES; a session lasts from its first to its last action plus SESSION_LEAD_MINUTES, and a
 * phone call adds its own length.
 */
export const handlingMinutes = (activity: readonly Activity[]): Map<string, number> => {
  const byUser = new Map<string, Activity[]>();
  for (const a of activity) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  const out = new Map<string, number>();
  for (const [userId, list] of byUser) {
    const sorted = [...list].sort((a, b) => a.at.getTime() - b.at.getTime());
    let ms = 0;
    let phoneSeconds = 0;
    let start = sorted[0]?.at.getTime() ?? 0;
    let last = start;
    for (const a of sorted) {
      const t = a.at.getTime();
      if (t - last > SESSION_GAP_MINUTES * 60_000) {
        ms += last - start + SESSION_LEAD_MINUTES * 60_000;
        start = t;
      }
      last = t;
      phoneSeconds += a.phoneSeconds;
    }
    if (sorted.length) ms += last - start + SESSION_LEAD_MINUTES * 60_000;
    out.set(userId, Math.round(ms / 60_000 + phoneSeconds / 60));
  }
  return out;
};

/** Minutes × an hourly rate in minor units, rounded to the minor unit. */
export const costOfMinutes = (minutes: number, hourlyCostMinor: number): number =>
  Math.round((minutes * hourlyCostMinor) / 60);
