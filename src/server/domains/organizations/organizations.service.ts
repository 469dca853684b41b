import type {
  TCreateOrganizationInput,
  TOrganization,
  TUpdateOrganizationInput,
} from "../../../shared/contracts/customers";
import type { DbOrTx } from "../../db/connection";
import type { AnyActor } from "../../platform/actor";
import { ensureVersion } from "../../platform/concurrency";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { changePayload, type DomainEvent, recordEvents } from "../../platform/events";
import { cursorSchema, cursorValues, decodeCursor, encodeCursor } from "../../platform/pagination";
import { ensureAllowed } from "../../platform/policy";
import { isActiveUser } from "../users/directory.service";
import { organizationsPolicy } from "./organizations.policy";
import * as repo from "./organizations.repository";

const present = (o: repo.OrganizationRow): TOrganization => ({
  id: o.id,
  name: o.name,
  domains: o.domains,
  accountOwnerId: o.accountOwnerId,
  notes: o.notes,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
  version: o.version,
});

const auditable = (o: repo.OrganizationRow) => ({
  name: o.name,
  domains: o.domains,
  accountOwnerId: o.accountOwnerId,
  notes: o.notes,
});

const event = (
  type: "organization.created" | "organization.updated",
  before: repo.OrganizationRow | null,
  after: repo.OrganizationRow,
): DomainEvent => ({
  type,
  aggregateType: "organization",
  aggregateId: after.id,
  payload: changePayload(auditable, before, after),
});

const ensureOwner = async (db: DbOrTx, id: string | null | undefined): Promise<void> => {
  if (id && !(await isActiveUser(db, id)))
    throw invalid("accountOwnerId", "The account owner must be an active employee");
};

export const findOrganization = async (db: DbOrTx, id: string): Promise<TOrganization | null> => {
  const row = await repo.findById(db, id);
  return row ? present(row) : null;
};

/** The customer an email address belongs to, by its domain. */
export const organizationForEmail = async (db: DbOrTx, email: string): Promise<TOrganization | null> =>
  (await organizationsForEmails(db, [email])).get(email) ?? null;

/** organizationForEmail for many addresses in one read: the organization of each address whose domain has one. */
export const organizationsForEmails = async (db: DbOrTx, emails: string[]): Promise<Map<string, TOrganization>> => {
  const domainOf = (email: string) => email.split("@")[1]?.toLowerCase() ?? "";
  const byDomain = await repo.findByDomains(db, [...new Set(emails.map(domainOf).filter(Boolean))]);
  const found = new Map<string, TOrganization>();
  for (const email of emails) {
    const row = byDomain.get(domainOf(email));
    if (row) found.set(email, present(row));
  }
  return found;
};

const ORGANIZATION_CURSOR = cursorSchema(cursorValues.name);

export const listOrganizations = async (
  ctx: ServiceContext,
  actor: AnyActor,
  q: { q?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: TOrganization[]; nextCursor: string | null }> => {
  ensureAllowed(organizationsPolicy.can(actor, "read", null), "Not allowed");
  const c = q.cursor ? decodeCursor(q.cursor, ORGANIZATION_CURSOR) : null;
  const rows = await repo.list(ctx.db, {
    q: q.q,
    after: c ? { name: c.v, id: c.id } : null,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(present),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ v: last.name.toLowerCase(), id: last.id }) : null,
  };
};

export const getOrganization = async (ctx: ServiceContext, actor: AnyActor, id: string): Promise<TOrganization> => {
  const row = await repo.findById(ctx.db, id);
  if (!row || !organizationsPolicy.can(actor, "read", row)) throw notFound("Organization");
  return present(row);
};

export const createOrganization = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TCreateOrganizationInput,
): Promise<TOrganization> => {
  ensureAllowed(organizationsPolicy.can(actor, "create", null), "Not allowed to create organizations");
  return await inTransaction(ctx, async (tx) => {
    await ensureOwner(tx, input.accountOwnerId);
    const row = await repo.insert(tx, {
      name: input.name,
      domains: [...new Set(input.domains)],
      accountOwnerId: input.accountOwnerId ?? null,
      notes: input.notes,
    });
    await recordEvents(tx, actor, [event("organization.created", null, row)]);
    return present(row);
  });
};

export const updateOrganization = async (
  ctx: ServiceContext,
  actor: AnyActor,
  id: string,
  expectedVersion: number,
  input: TUpdateOrganizationInput,
): Promise<TOrganization> =>
  await inTransaction(ctx, async (tx) => {
    const before = await repo.lockById(tx, id);
    if (!before) throw notFound("Organization");
    ensureAllowed(organizationsPolicy.can(actor, "update", before), "Not allowed to edit this organization");
    ensureVersion("organization", before, expectedVersion);
    await ensureOwner(tx, input.accountOwnerId);
    const after = await repo.update(tx, id, {
      ...input,
      ...(input.domains ? { domains: [...new Set(input.domains)] } : {}),
    });
    if (!after) throw notFound("Organization");
    await recordEvents(tx, actor, [event("organization.updated", before, after)]);
    return present(after);
  });
