import type { z } from "zod";
import type { zExecutiveCase, zExecutiveCaseSummary, zExecutiveDashboard } from "../../../shared/contracts/executive";
import type {
  zAuthority,
  zAuthorityLimit,
  zCaseRemedies,
  zGrantedRemedy,
  zLedger,
  zRemedy,
} from "../../../shared/contracts/remedies";
import type { zCorrectiveAction, zUpstreamView } from "../../../shared/contracts/root-causes";

/** The everyone's-job resources as JSON travels (timestamps as ISO strings). */
export type ExecutiveCase = z.input<typeof zExecutiveCase>;
export type ExecutiveCaseSummary = z.input<typeof zExecutiveCaseSummary>;
export type ExecutiveDashboard = z.input<typeof zExecutiveDashboard>;
export type Authority = z.input<typeof zAuthority>;
export type AuthorityLimit = z.input<typeof zAuthorityLimit>;
export type Remedy = z.input<typeof zRemedy>;
export type CaseRemedies = z.input<typeof zCaseRemedies>;
export type GrantedRemedy = z.input<typeof zGrantedRemedy>;
export type Ledger = z.input<typeof zLedger>;
export type UpstreamView = z.input<typeof zUpstreamView>;
export type CorrectiveAction = z.input<typeof zCorrectiveAction>;
