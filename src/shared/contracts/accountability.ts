import { z } from "zod";
import { CASE_PRIORITIES, CASE_STATUSES } from "../domain";
import { COMMITMENT_KINDS } from "./commitments";
import { zId, zTimestamp } from "./common";
import { zTimeZone } from "./people";

/**
 * What slips through the cracks. `waiting_on_other_department`: there is no hand-off record yet, so it means an
 * open case whose owner sits outside the department of the case's team, for longer than the waiting threshold.
 */
export const CRACK_KINDS = [
  "overdue_next_step",
  "no_activity",
  "owner_unavailable",
  "waiting_on_other_department",
  "broken_promise",
] as const;
export type CrackKind = (typeof CRACK_KINDS)[number];

const zRef = z.object({ id: zId, name: z.string() });

export const zCrackItem = z.object({
  kind: z.enum(CRACK_KINDS),
  case: z.object({
    id: zId,
    number: z.number().int(),
    subject: z.string(),
    status: z.enum(CASE_STATUSES),
    priority: z.enum(CASE_PRIORITIES),
  }),
  person: zRef.nullable(),
  team: zRef.nullable(),
  department: zRef.nullable(),
  /** When the crack opened: the missed due time, the last activity, the leave's start, the hand-off, the broken promise. */
  since: zTimestamp,
  detail: z.string(),
  commitmentId: zId.nullable(),
});
export type TCrackItem = z.output<typeof zCrackItem>;

export const zCrackCounts = z.object({
  overdue_next_step: z.number().int(),
  no_activity: z.number().int(),
  owner_unavailable: z.number().int(),
  waiting_on_other_department: z.number().int(),
  broken_promise: z.number().int(),
  total: z.number().int(),
});
export type TCrackCounts = z.output<typeof zCrackCounts>;

export const zCrackGroup = z.object({ id: zId.nullable(), name: z.string(), counts: zCrackCounts });
export type TCrackGroup = z.output<typeof zCrackGroup>;

export const zCracksReport = z.object({
  generatedAt: zTimestamp,
  parameters: z.object({
    noActivityBusinessHours: z.number(),
    waitingHours: z.number(),
    brokenWithinDays: z.number().int(),
  }),
  totals: zCrackCounts,
  items: z.array(zCrackItem),
  byPerson: z.array(zCrackGroup),
  byTeam: z.array(zCrackGroup),
  byDepartment: z.array(zCrackGroup),
});
export type TCracksReport = z.output<typeof zCracksReport>;
/** A report as JSON (instants as ISO strings), as a digest stores it. */
export type TCracksReportJson = z.input<typeof zCracksReport>;

export const zCracksQuery = z.strictObject({
  teamId: zId.optional(),
  departmentId: zId.optional(),
  ownerId: z.union([zId, z.literal("me")]).optional(),
  noActivityHours: z.coerce.number().min(1).max(2000).optional(),
  waitingHours: z.coerce.number().min(1).max(2000).optional(),
  brokenWithinDays: z.coerce.number().int().min(1).max(90).optional(),
  /** The IANA time zone the item texts show times in ("was due Mon 7 Dec, 14:30"); UTC if not given. */
  timeZone: zTimeZone.optional(),
});
export type TCracksQuery = z.output<typeof zCracksQuery>;

export const zCracksDigest = z.object({
  id: zId,
  localDate: z.string(),
  subject: z.string(),
  bodyText: z.string(),
  report: zCracksReport,
  createdAt: zTimestamp,
  sentAt: zTimestamp.nullable(),
});
export type TCracksDigest = z.output<typeof zCracksDigest>;

export const zLeave = z.object({
  id: zId,
  user: zRef,
  startsAt: zTimestamp,
  endsAt: zTimestamp,
  note: z.string(),
  createdById: zId.nullable(),
  createdAt: zTimestamp,
  abilities: z.object({ delete: z.boolean(), handover: z.boolean() }),
});
export type TLeave = z.output<typeof zLeave>;

export const zCreateLeaveInput = z.strictObject({
  /** Whose leave; the caller when omitted. */
  userId: zId.optional(),
  startsAt: zTimestamp,
  endsAt: zTimestamp,
  note: z.string().trim().max(500).default(""),
});
export type TCreateLeaveInput = z.output<typeof zCreateLeaveInput>;

export const zLeaveListQuery = z.strictObject({
  userId: z.union([zId, z.literal("me")]).optional(),
  /** Only leave that has not ended by this instant (default: now). */
  endingAfter: zTimestamp.optional(),
});
export type TLeaveListQuery = z.output<typeof zLeaveListQuery>;

export const zHandover = z.object({
  leave: zLeave,
  cases: z.array(
    z.object({
      id: zId,
      number: z.number().int(),
      subject: z.string(),
      status: z.enum(CASE_STATUSES),
      priority: z.enum(CASE_PRIORITIES),
      team: zRef.nullable(),
      nextStep: z.string().nullable(),
      nextStepDueAt: zTimestamp,
      overdueBeforeLeave: z.boolean(),
    }),
  ),
  commitments: z.array(
    z.object({
      id: zId,
      caseId: zId,
      caseNumber: z.number().int(),
      kind: z.enum(COMMITMENT_KINDS),
      description: z.string(),
      dueAt: zTimestamp,
    }),
  ),
});
export type THandover = z.output<typeof zHandover>;
