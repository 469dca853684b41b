import type { CaseSort } from "../../../shared/contracts/cases";
import type { TViewFilters } from "../../../shared/contracts/views";

export interface BuiltInView {
  id: string;
  name: string;
  filters: TViewFilters;
  sort: CaseSort;
}

const OPEN: TViewFilters["status"] = ["new", "open", "pending", "on_hold"];

/** The inbox every employee starts with; not stored, so they cannot be deleted or hidden. */
export const BUILT_IN_VIEWS: readonly BuiltInView[] = [
  {
    id: "00000000-0000-4000-8000-000000000001",
    name: "My open cases",
    filters: { ownerId: "me", status: OPEN },
    sort: "next_step_due_at",
  },
  {
    id: "00000000-0000-4000-8000-000000000002",
    name: "My team",
    filters: { teamId: "mine", status: OPEN },
    sort: "next_step_due_at",
  },
  {
    id: "00000000-0000-4000-8000-000000000003",
    name: "Due today or overdue",
    filters: { ownerId: "me", status: OPEN, due: "today" },
    sort: "next_step_due_at",
  },
  {
    id: "00000000-0000-4000-8000-000000000004",
    name: "New, owned by others",
    filters: { ownerId: "not_me", status: ["new"] },
    sort: "created_at",
  },
  { id: "00000000-0000-4000-8000-000000000005", name: "All cases", filters: {}, sort: "-updated_at" },
];
