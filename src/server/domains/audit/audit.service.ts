import type { AnyActor } from "../../platform/actor";
import { type AuditFilter, listAudit } from "../../platform/audit";
import type { ServiceContext } from "../../platform/context";
import { ensureAllowed } from "../../platform/policy";
import { auditPolicy } from "./audit.policy";

export const readAuditLog = async (ctx: ServiceContext, actor: AnyActor, filter: AuditFilter) => {
  ensureAllowed(auditPolicy.can(actor, "read", null), "Only admins read the audit log");
  return await listAudit(ctx.db, filter);
};
