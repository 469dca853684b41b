import type { Tx } from "../db/connection";
import type { AnyActor } from "./actor";

/** The employee being deactivated, as the hand-over steps see them. */
export interface Leaver {
  id: string;
  name: string;
}

/** What the admin chose when deactivating. */
export interface DeactivationRequest {
  /** Who takes over what the leaver held; without it each step uses its own rule (a case's team lead). */
  reassignToId?: string | undefined;
}

/** What the hand-over did: the answer to the admin and the `user.deactivated` event carry it. */
export interface HandoverSummary {
  reassignedCases: number;
  /** Teams the leaver led, which have no lead now. */
  teamsWithoutLead: { id: string; name: string }[];
}

/**
 * What a domain hands over when an employee leaves, without the users domain knowing that domain. Every step runs
 * inside the deactivation's transaction, after the leaver's user row is locked (FOR UPDATE) and marked inactive:
 * a writer that gave the leaver something new either committed before (and its writes are visible to the step) or
 * waits and then finds them inactive. A step refuses the deactivation by throwing an AppError naming the field.
 */
export interface HandoverStep {
  name: string;
  handOver: (
    tx: Tx,
    actor: AnyActor,
    leaver: Leaver,
    request: DeactivationRequest,
  ) => Promise<Partial<HandoverSummary>>;
}

/** The steps the composition root registers, run in registration order; empty means nothing to hand over. */
export class DeactivationHandover {
  private readonly steps: HandoverStep[] = [];

  register(step: HandoverStep): void {
    if (this.steps.some((s) => s.name === step.name)) throw new Error(`hand-over step ${step.name} registered twice`);
    this.steps.push(step);
  }

  async run(tx: Tx, actor: AnyActor, leaver: Leaver, request: DeactivationRequest): Promise<HandoverSummary> {
    const summary: HandoverSummary = { reassignedCases: 0, teamsWithoutLead: [] };
    for (const step of this.steps) {
      const done = await step.handOver(tx, actor, leaver, request);
      summary.reassignedCases += done.reassignedCases ?? 0;
      summary.teamsWithoutLead.push(...(done.teamsWithoutLead ?? []));
    }
    return summary;
  }
}
