import { z } from "zod";
import { CASE_PRIORITIES, CASE_STATUSES, CASE_TYPES } from "../domain";
import { CASE_SORTS } from "./cases";
import { zId, zName, zTimestamp } from "./common";

export const VIEW_DUE_FILTERS = ["overdue", "today", "next_24h", "this_week"] as const;

/** Filters of a saved view; the same names as the GET /api/v1/cases query. */
export const zViewFilters = z.strictObject({
  status: z.array(z.enum(CASE_STATUSES)).max(6).optional(),
  priority: z.array(z.enum(CASE_PRIORITIES)).max(4).optional(),
  type: z.array(z.enum(CASE_TYPES)).max(6).optional(),
  ownerId: z.union([zId, z.literal("me"), z.literal("not_me")]).optional(),
  teamId: z.union([zId, z.literal("mine")]).optional(),
  organizationId: zId.optional(),
  tag: z.string().max(64).optional(),
  /** Relative due filter, turned into `dueBefore` by the client in the user's time zone. */
  due: z.enum(VIEW_DUE_FILTERS).optional(),
});
export type TViewFilters = z.output<typeof zViewFilters>;

export const zView = z.object({
  id: zId,
  name: z.string(),
  filters: zViewFilters,
  sort: z.enum(CASE_SORTS),
  shared: z.boolean(),
  createdById: zId.nullable(),
  position: z.number().int(),
  builtIn: z.boolean(),
  createdAt: zTimestamp,
  abilities: z.object({ update: z.boolean(), delete: z.boolean() }),
});
export type TView = z.output<typeof zView>;

export const zCreateViewInput = z.strictObject({
  name: zName,
  filters: zViewFilters.default({}),
  sort: z.enum(CASE_SORTS).default("-updated_at"),
  shared: z.boolean().default(false),
  position: z.number().int().min(0).max(10_000).default(100),
});
export type TCreateViewInput = z.output<typeof zCreateViewInput>;

export const zUpdateViewInput = z.strictObject({
  name: zName.optional(),
  filters: zViewFilters.optional(),
  sort: z.enum(CASE_SORTS).optional(),
  shared: z.boolean().optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export type TUpdateViewInput = z.output<typeof zUpdateViewInput>;
