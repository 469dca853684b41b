import type { TExecutiveHandover, TExecutiveHandoverInput } from "../../../shared/contracts/executive";
import type { Tx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import type { DeactivationStep } from "../../platform/deactivation";
import { invalid, invariant } from "../../platform/errors";
import { changePayload, recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { lockCaseFor } from "../cases/cases.access";
import { keepFollowerInTransaction, updateCaseInTransaction } from "../cases/cases.service";
import { makeCommitment } from "../commitments/commitments.service";
import { executiveAddressesOf, handOverExecutiveAddresses } from "../email/email.service";
import { addEventMessage } from "../messages/messages.service";
import { addBusinessDays } from "./executive.calendar";
import { executiveEvent } from "./executive.events";
import { executiveAdminPolicy } from "./executive.policy";
import * as repo from "./executive.repository";
import { ensureActiveExecutive, settleVerificationPromise } from "./executive.service";

/**
 * Moves one open executive case to another executive: the record, the ownership while the old executive holds it,
 * the following, and a pending verification call's promise. Answers the old promise, cancelled after commit.
 */
const handOverCase = async (
  ctx: ServiceContext,
  tx: Tx,
  actor: AnyActor,
  caseId: string,
  from: repo.PersonRow,
  to: repo.PersonRow,
): Promise<string | null> => {
  const c = await lockCaseFor(tx, actor, caseId, "read");
  const e = await repo.lockByCaseId(tx, caseId);
  if (!e || e.executiveId !== from.id || c.status === "closed") return null;
  let after = await repo.update(tx, caseId, { executiveId: to.id });
  // The owner becomes the case's (new) executive: the executive line's guard lets that through.
  if (c.ownerId === from.id) await updateCaseInTransaction(ctx, tx, actor, caseId, c.version, { ownerId: to.id });
  await keepFollowerInTransaction(tx, actor, caseId, to.id);
  let oldPromise: string | null = null;
  if (e.verificationStatus === "pending" && e.verificationDueAt) {
    const now = new Date();
    const dueAt = e.verificationDueAt > now ? e.verificationDueAt : addBusinessDays(now, 1, to.timeZone);
    const promise = await makeCommitment(ctx, tx, actor, caseId, {
      kind: "other",
      ownerId: to.id,
      description: `Verification call: ${to.name} calls the customer to hear whether it was put right`,
      dueAt,
    });
    oldPromise = e.verificationCommitmentId;
    after = await repo.update(tx, caseId, { verificationCommitmentId: promise.id, verificationDueAt: dueAt });
  }
  await addEventMessage(
    tx,
    caseId,
    `${actor.name} handed the executive line over from ${from.name} to ${to.name}: ${to.name} now delegates and verifies this case.`,
  );
  await recordEvents(tx, actor, [executiveEvent("executive_case.handed_over", e, after)]);
  return oldPromise;
};

/**
 * Hands an executive's line to another executive (someone leaves, or a new chief executive starts): the support
 * addresses that name them, the customer pages option, and every executive case of theirs that is not closed. Closed
 * cases keep their history. Admins only; afterwards the old executive can be deactivated.
 */
export const handOverExecutiveLine = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TExecutiveHandoverInput,
): Promise<TExecutiveHandover> => {
  ensureAllowed(executiveAdminPolicy.can(actor, "manage", null), "Only admins hand an executive line over");
  if (input.fromExecutiveId === input.toExecutiveId) throw invalid("toExecutiveId", "Choose another executive");
  const { result, oldPromises } = await inTransaction(ctx, async (tx) => {
    const from = await repo.findPerson(tx, input.fromExecutiveId);
    if (!from) throw invalid("fromExecutiveId", "No such employee");
    const to = await ensureActiveExecutive(tx, input.toExecutiveId, "toExecutiveId");
    const supportAddresses = await handOverExecutiveAddresses(tx, actor, from.id, to.id);
    const settings = await repo.lockLetterSettings(tx);
    const customerPages = settings.executiveId === from.id;
    if (customerPages) {
      const after = await repo.updateLetterSettings(tx, { executiveId: to.id });
      await recordEvents(tx, actor, [
        {
          type: "executive_letter_settings.updated",
          aggregateType: "executive_letter_settings",
          aggregateId: "executive_letter_settings",
          payload: changePayload(
            (r: repo.LetterSettingsRow) => ({ enabled: r.enabled, executiveId: r.executiveId }),
            settings,
            after,
          ),
        },
      ]);
    }
    const promises: string[] = [];
    let openCases = 0;
    for (const caseId of await repo.openCaseIdsOf(tx, from.id)) {
      const old = await handOverCase(ctx, tx, actor, caseId, from, to);
      if (old) promises.push(old);
      openCases++;
    }
    return {
      result: {
        from: { id: from.id, name: from.name },
        to: { id: to.id, name: to.name },
        supportAddresses,
        customerPages,
        openCases,
      },
      oldPromises: promises,
    };
  });
  for (const id of oldPromises) {
    await settleVerificationPromise(ctx, actor, id, "cancel", `Handed over to ${result.to.name}`);
  }
  return result;
};

/**
 * Deactivating an executive whose line is still theirs (an active support address, the customer pages option, an
 * executive case not closed) is refused, naming what to hand over: otherwise letters would wait for someone who is
 * gone, or fall to an ordinary queue. Registered as the first deactivation step.
 */
export const executiveLineDeactivationStep: DeactivationStep = {
  name: "executive-line",
  apply: async (tx, _actor, { id: userId }) => {
    const addresses = await executiveAddressesOf(tx, userId);
    const settings = await repo.findLetterSettings(tx);
    const customerPages = !!settings?.enabled && settings.executiveId === userId;
    const openCases = (await repo.openCaseIdsOf(tx, userId)).length;
    if (addresses.length === 0 && !customerPages && openCases === 0) return {};
    const holds = [
      ...addresses.map((a) => `the support address ${a.address}`),
      ...(customerPages ? ['"write to the chief executive" on the customer pages'] : []),
      ...(openCases > 0 ? [`${openCases} executive case${openCases === 1 ? "" : "s"} not closed yet`] : []),
    ];
    throw invariant(
      "id",
      `This executive's line is still theirs (${holds.join(", ")}): hand it over to another executive first (POST /api/v1/executive/handovers), then deactivate`,
    );
  },
};
