import type { TCreateCustomFieldInput, TCustomField, TUpdateCustomFieldInput } from "../../../shared/contracts/cases";
import type { DbOrTx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { type DomainEvent, recordEvents } from "../../platform/events";
import { ensureAllowed } from "../../platform/policy";
import { customFieldsPolicy } from "./custom-fields.policy";
import * as repo from "./custom-fields.repository";
import { type FieldValue, mergeFieldValues } from "./custom-fields.values";

const present = (f: repo.CustomFieldRow): TCustomField => ({
  id: f.id,
  key: f.key,
  label: f.label,
  type: f.type,
  options: f.options,
  required: f.required,
  active: f.active,
  position: f.position,
  version: f.version,
});

const event = (
  type: "custom_field.created" | "custom_field.updated",
  before: repo.CustomFieldRow | null,
  after: repo.CustomFieldRow,
): DomainEvent => {
  const { id: _id, createdAt: _c, ...a } = after;
  const b = before ? (({ id: _i, createdAt: _d, ...rest }) => rest)(before) : null;
  return { type, aggregateType: "custom_field", aggregateId: after.id, payload: { before: b, after: a } };
};

/** Validates a case's custom field values against the admin-defined fields; throws naming the field. */
export const applyCustomFields = async (
  db: DbOrTx,
  current: Record<string, FieldValue>,
  patch: Record<string, FieldValue>,
  enforceRequired: boolean,
): Promise<Record<string, FieldValue>> => {
  if (Object.keys(patch).length === 0 && !enforceRequired) return current;
  const { values, problem } = mergeFieldValues(await repo.list(db), current, patch, enforceRequired);
  if (problem) throw invalid(`customFields.${problem.key}`, problem.message);
  return values;
};

export const listCustomFields = async (ctx: ServiceContext, actor: AnyActor): Promise<TCustomField[]> => {
  ensureAllowed(customFieldsPolicy.can(actor, "read", null), "Not allowed");
  return (await repo.list(ctx.db)).map(present);
};

export const createCustomField = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateCustomFieldInput,
): Promise<TCustomField> => {
  ensureAllowed(customFieldsPolicy.can(actor, "manage", null), "Only admins define custom fields");
  if (input.type === "select" && input.options.length === 0) throw invalid("options", "A select field needs options");
  return await inTransaction(ctx, async (tx) => {
    const row = await repo.insert(tx, { ...input, options: [...new Set(input.options)] });
    await recordEvents(tx, actor, [event("custom_field.created", null, row)]);
    return present(row);
  });
};

export const updateCustomField = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateCustomFieldInput,
): Promise<TCustomField> => {
  ensureAllowed(customFieldsPolicy.can(actor, "manage", null), "Only admins define custom fields");
  return await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Custom field");
    ensureVersion("custom field", before, expectedVersion);
    if (before.type === "select" && input.options?.length === 0)
      throw invalid("options", "A select field needs options");
    const after = await repo.update(tx, id, input);
    if (!after) throw notFound("Custom field");
    await recordEvents(tx, actor, [event("custom_field.updated", before, after)]);
    return present(after);
  });
};
