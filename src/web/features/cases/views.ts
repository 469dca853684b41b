import type { CaseSort } from "../../../shared/contracts/cases";
import type { DueFilter } from "../../app/contract-constants";
import type { View, ViewFilters } from "../../app/wire";
import { PRIORITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "../../ui/labels";

export type CaseListParams = Record<string, string | number | readonly string[] | undefined>;

/** The instant a relative due filter stands for, in the browser's time zone. */
export const dueBeforeOf = (due: DueFilter, now: Date): Date => {
  switch (due) {
    case "overdue":
      return now;
    case "next_24h":
      return new Date(now.getTime() + 24 * 3_600_000);
    case "today": {
      const end = new Date(now);
      end.setHours(24, 0, 0, 0);
      return end;
    }
    case "this_week": {
      const end = new Date(now);
      const daysToMonday = (8 - end.getDay()) % 7 || 7;
      end.setDate(end.getDate() + daysToMonday);
      end.setHours(0, 0, 0, 0);
      return end;
    }
  }
};

export const DUE_LABEL: Record<DueFilter, string> = {
  overdue: "Overdue",
  today: "Due today or overdue",
  next_24h: "Due within 24 hours",
  this_week: "Due this week",
};

/** GET /cases query of a view (dueWithinHours becomes an absolute dueBefore). */
export const viewParams = (filters: ViewFilters, now: Date): CaseListParams => ({
  status: filters.status,
  priority: filters.priority,
  type: filters.type,
  ownerId: filters.ownerId,
  teamId: filters.teamId,
  organizationId: filters.organizationId,
  tag: filters.tag,
  dueBefore: filters.due ? dueBeforeOf(filters.due, now).toISOString() : undefined,
});

export const sortViews = (views: View[]): View[] =>
  [...views].sort(
    (a, b) => Number(b.builtIn) - Number(a.builtIn) || a.position - b.position || a.name.localeCompare(b.name),
  );

export interface SortState {
  column: "next_step_due_at" | "created_at" | "updated_at" | "number" | "priority";
  descending: boolean;
}

export const parseSort = (sort: CaseSort): SortState => ({
  column: sort.replace(/^-/, "") as SortState["column"],
  descending: sort.startsWith("-"),
});

/** Clicking a column header: a new column sorts ascending, the same column flips. */
export const toggleSort = (current: CaseSort, column: SortState["column"]): CaseSort => {
  const s = parseSort(current);
  if (s.column !== column) return column;
  return (s.descending ? column : `-${column}`) as CaseSort;
};

/** A short human summary of a view's filters, for its tooltip and the editor. */
export const describeFilters = (f: ViewFilters): string => {
  const parts: string[] = [];
  if (f.status?.length) parts.push(`status ${f.status.map((s) => STATUS_LABEL[s]).join("/")}`);
  if (f.priority?.length) parts.push(`priority ${f.priority.map((p) => PRIORITY_LABEL[p]).join("/")}`);
  if (f.type?.length) parts.push(`type ${f.type.map((t) => TYPE_LABEL[t]).join("/")}`);
  if (f.ownerId)
    parts.push(f.ownerId === "me" ? "owned by me" : f.ownerId === "not_me" ? "owned by others" : "one owner");
  if (f.teamId) parts.push(f.teamId === "mine" ? "my teams" : "one team");
  if (f.organizationId) parts.push("one organization");
  if (f.tag) parts.push(`tag ${f.tag}`);
  if (f.due) parts.push(DUE_LABEL[f.due].toLowerCase());
  return parts.length > 0 ? parts.join(", ") : "every case you can see";
};
