import { sql } from "drizzle-orm";
import { breakOverdueCommitments, createCommitment, keepCommitment } from "../domains/commitments/commitments.service";
import { replanCalendar } from "../domains/sla/clocks.service";
import { createCalendar, createPolicy } from "../domains/sla/sla.service";
import { loadActor } from "../domains/users/users.service";
import { SYSTEM } from "../platform/actor";
import type { ServiceContext } from "../platform/context";

const HOUR = 3_600_000;
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start, end }));

/** Calendars and policies, made before the demo cases so every case gets its clocks as it opens. */
export const seedSlaPolicies = async (ctx: ServiceContext): Promise<string[]> => {
  const berlin = await createCalendar(ctx, SYSTEM, {
    name: "Berlin office hours",
    timeZone: "Europe/Berlin",
    weeklyHours: [...weekdays("08:00", "12:30"), ...weekdays("13:30", "18:00")],
    holidays: [
      { date: "2026-01-01", yearly: true, name: "New Year's Day" },
      { date: "2026-05-01", yearly: true, name: "Labour Day" },
      { date: "2026-10-03", yearly: true, name: "German Unity Day" },
      { date: "2026-12-25", yearly: true, name: "Christmas Day" },
      { date: "2026-12-26", yearly: true, name: "Boxing Day" },
      { date: "2026-04-03", yearly: false, name: "Good Friday" },
    ],
    alwaysOpen: false,
  });
  const allDay = await createCalendar(ctx, SYSTEM, {
    name: "Around the clock",
    timeZone: "UTC",
    weeklyHours: [],
    holidays: [],
    alwaysOpen: true,
  });
  await createPolicy(ctx, SYSTEM, {
    name: "Urgent cases, around the clock",
    position: 10,
    active: true,
    conditions: { priorities: ["urgent"] },
    targets: { first_response: { urgent: 60 }, next_response: { urgent: 120 }, resolution: { urgent: 480 } },
    calendarId: allDay.id,
    pauseStatuses: ["pending"],
    warningPercent: 75,
    warningActions: [{ type: "notify", recipients: ["owner"] }],
    breachActions: [{ type: "notify", recipients: ["owner", "team_lead", "director"] }],
  });
  await createPolicy(ctx, SYSTEM, {
    name: "Standard support",
    position: 20,
    active: true,
    conditions: {},
    targets: {
      first_response: { low: 960, normal: 480, high: 240 },
      next_response: { low: 960, normal: 480, high: 240 },
      resolution: { low: 4800, normal: 2400, high: 960 },
    },
    calendarId: berlin.id,
    pauseStatuses: ["pending", "on_hold"],
    warningPercent: 80,
    warningActions: [{ type: "notify", recipients: ["owner"] }],
    breachActions: [{ type: "notify", recipients: ["owner", "team_lead"] }, { type: "raise_priority" }],
  });
  return [berlin.id, allDay.id];
};

/**
 * After the cases were back-dated: their clocks start when the cases opened, re-timed on their calendars, so
 * some are breached and some near breach; and promises kept, broken and still open.
 */
export const seedSlaPicture = async (ctx: ServiceContext, calendarIds: string[]): Promise<string> => {
  await ctx.events.drain();
  await ctx.db.execute(sql`
    UPDATE sla_clocks s SET started_at = c.created_at, pauses = '[]'::jsonb
    FROM cases c WHERE s.case_id = c.id AND s.state = 'running' AND s.metric <> 'next_response'`);
  for (const id of calendarIds) await replanCalendar(ctx, id);

  const open = await ctx.db.execute<{ id: string; owner_id: string }>(sql`
    SELECT id, owner_id FROM cases WHERE status = 'open' AND owner_id IS NOT NULL ORDER BY number LIMIT 9`);
  const kinds = ["callback", "email", "shipment"] as const;
  let kept = 0;
  let broken = 0;
  let pending = 0;
  for (const [i, row] of open.rows.entries()) {
    const owner = await loadActor(ctx.db, row.owner_id, null);
    if (!owner) continue;
    const promise = await createCommitment(ctx, owner, row.id, {
      kind: kinds[i % 3] ?? "other",
      description: ["Call back with the repair date", "Email the corrected invoice", "Ship the replacement part"][
        i % 3
      ] as string,
      dueAt: new Date(Date.now() + (4 + i * 6) * HOUR),
    });
    if (i % 3 === 0) {
      await keepCommitment(ctx, owner, promise.id, "Done as promised");
      kept++;
    } else if (i % 3 === 1) {
      await ctx.db.execute(
        sql`UPDATE commitments SET due_at = now() - make_interval(hours => ${2 + i}) WHERE id = ${promise.id}`,
      );
      broken++;
    } else pending++;
  }
  await breakOverdueCommitments(ctx);
  await ctx.events.drain();
  return `SLA: 2 business calendars, 2 policies, clocks on every case; promises: ${kept} kept, ${broken} broken, ${pending} open.`;
};
