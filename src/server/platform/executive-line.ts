import type { TOpenExecutiveCaseInput } from "../../shared/contracts/executive";
import type { DbOrTx, Tx } from "../db/connection";
import type { AnyActor } from "./actor";
import type { GuardedCase } from "./case-guards";

/**
 * What the email channel asks of the executive line. The executive domain provides it (registered in app.ts): it
 * sends its alerts as system mail and hands over support addresses, so it depends on the email domain, and the
 * email domain reaches it through this port instead of importing it back.
 */
export interface ExecutiveLine {
  /** Refuses (400 naming `field`) anyone but an active executive. */
  ensureActiveExecutive: (db: DbOrTx, id: string, field: string) => Promise<unknown>;
  /** The executive whose line the case came in on, or null for an ordinary case. */
  executiveOfCase: (db: DbOrTx, caseId: string) => Promise<string | null>;
  /** The customer's executive case with this executive that is not closed yet (locks their letters until commit). */
  openCaseOf: (tx: Tx, executiveId: string, requesterId: string) => Promise<string | null>;
  /** Opens an executive case inside the caller's transaction. */
  openLetter: (
    tx: Tx,
    actor: AnyActor,
    input: TOpenExecutiveCaseInput,
    opts: { configured?: boolean; relatedCaseId?: string | null },
  ) => Promise<GuardedCase>;
}
