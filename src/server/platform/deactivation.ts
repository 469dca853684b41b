import type { Tx } from "../db/connection";
import type { AnyActor } from "./actor";

/** The employee being deactivated, as the steps see them. */
export interface Leaver {
  id: string;
  name: string;
}

/** What the admin chose when deactivating. */
export interface DeactivationRequest {
  /** Who takes over what the leaver held; without it each step uses its own rule (a case's team lead). */
  reassignToId?: string | undefined;
}

/** What the steps did: the answer to the admin and the `user.deactivated` event carry it. */
export interface DeactivationOutcome {
  reassignedCases: number;
  /** Teams the leaver led, which have no lead now. */
  teamsWithoutLead: { id: string; name: string }[];
}

/**
 * What a domain does when an employee is deactivated (hand over their cases, end their lead roles, ...), without the
 * users domain knowing that domain. Every step runs inside the deactivation's transaction, after the leaver's user
 * row is locked (FOR UPDATE) and marked inactive: a writer that gave the leaver something new either committed
 * before (and its writes are visible to the step) or waits and then finds them inactive. A step refuses the
 * deactivation by throwing an AppError naming the field; it reports what it did in the outcome (or nothing).
 */
export interface DeactivationStep {
  name: string;
  apply: (
    tx: Tx,
    actor: AnyActor,
    leaver: Leaver,
    request: DeactivationRequest,
  ) => Promise<Partial<DeactivationOutcome>>;
}

/** The steps the composition root registers, run in registration order; empty means nothing else to do. */
export class DeactivationSteps {
  private readonly steps: DeactivationStep[] = [];

  register(step: DeactivationStep): void {
    if (this.steps.some((s) => s.name === step.name))
      throw new Error(`deactivation step ${step.name} registered twice`);
    this.steps.push(step);
  }

  async run(tx: Tx, actor: AnyActor, leaver: Leaver, request: DeactivationRequest): Promise<DeactivationOutcome> {
    const outcome: DeactivationOutcome = { reassignedCases: 0, teamsWithoutLead: [] };
    for (const step of this.steps) {
      const done = await step.apply(tx, actor, leaver, request);
      outcome.reassignedCases += done.reassignedCases ?? 0;
      outcome.teamsWithoutLead.push(...(done.teamsWithoutLead ?? []));
    }
    return outcome;
  }
}
