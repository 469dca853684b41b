import type { TCustomField } from "../../../shared/contracts/cases";
import type {
  TUpdateWebformSettingsInput,
  TWebformFields,
  TWebformReceipt,
  TWebformSettings,
} from "../../../shared/contracts/webform";
import type { Tx } from "../../db/connection";
import { type AnyActor, actorId, SYSTEM } from "../../platform/actor";
import { inTransaction, type ServiceContext } from "../../platform/context";
import { invalid, invariant } from "../../platform/errors";
import { recordEvents } from "../../platform/events";
import { escapeHtml } from "../../platform/html";
import type { UploadedFile } from "../../platform/multipart";
import { ensureAllowed } from "../../platform/policy";
import { getBranding } from "../branding/branding.service";
import { findCaseRecords, insertCaseInTransaction, reopenOnCustomerReply } from "../cases/cases.service";
import { findOrCreateContactByEmail } from "../contacts/contacts.service";
import { listCustomFields } from "../custom-fields/custom-fields.service";
import { enqueueSystemMail, outboundMailConfigured } from "../email/system-mail.service";
import {
  executiveCaseForLetter,
  NOT_OFFERED,
  offeredExecutiveId,
  publicExecutiveLetter,
} from "../executive/executive.service";
import { addEmailMessage, storeEmailAttachments } from "../messages/messages.service";
import { listTeams, teamLeadOf } from "../teams/teams.service";
import { firstActiveAdminId } from "../users/users.service";
import { webformPolicy } from "./webform.policy";
import * as repo from "./webform.repository";

export const WEBFORM_RECEIVED = "Thank you: we received your request and will answer by email.";

/** The web form's own file limit: at most 10 MB a file, less when attachments are limited further. */
export const webformFileBytes = (ctx: ServiceContext): number =>
  Math.min(ctx.config.maxAttachmentBytes, 10 * 1024 * 1024);

const presentSettings = (row: repo.WebformSettingsRow | undefined): TWebformSettings => ({
  teamId: row?.teamId ?? null,
  customFieldKeys: row?.customFieldKeys ?? [],
  version: row?.version ?? 0,
  updatedAt: row?.updatedAt ?? new Date(0),
});

export const getWebformSettings = async (ctx: ServiceContext, actor: AnyActor): Promise<TWebformSettings> => {
  ensureAllowed(webformPolicy.can(actor, "manage", null), "Only admins see the web form settings");
  return presentSettings(await repo.findSettings(ctx.db));
};

export const updateWebformSettings = async (
  ctx: ServiceContext,
  actor: AnyActor,
  input: TUpdateWebformSettingsInput,
): Promise<TWebformSettings> => {
  ensureAllowed(webformPolicy.can(actor, "manage", null), "Only admins change the web form settings");
  if (input.teamId && !(await listTeams(ctx, SYSTEM)).some((t) => t.id === input.teamId)) {
    throw invalid("teamId", "No such team");
  }
  if (input.customFieldKeys) {
    const active = new Set((await listCustomFields(ctx, SYSTEM)).filter((f) => f.active).map((f) => f.key));
    const unknown = input.customFieldKeys.find((k) => !active.has(k));
    if (unknown) throw invalid("customFieldKeys", `No active custom field "${unknown}"`);
  }
  return await inTransaction(ctx, async (tx) => {
    const before = presentSettings(await repo.findSettings(tx));
    const after = presentSettings(
      await repo.upsertSettings(tx, {
        ...(input.teamId !== undefined ? { teamId: input.teamId } : {}),
        ...(input.customFieldKeys !== undefined ? { customFieldKeys: [...new Set(input.customFieldKeys)] } : {}),
        updatedById: actorId(actor),
      }),
    );
    await recordEvents(tx, actor, [
      {
        type: "webform_settings.updated",
        aggregateType: "webform",
        aggregateId: "webform",
        payload: {
          before: { teamId: before.teamId, customFieldKeys: before.customFieldKeys },
          after: { teamId: after.teamId, customFieldKeys: after.customFieldKeys },
        },
      },
    ]);
    return after;
  });
};

/** The case custom fields the public form asks for, in the admins' order. */
export const webformCustomFields = async (ctx: ServiceContext): Promise<TCustomField[]> => {
  const keys = (await repo.findSettings(ctx.db))?.customFieldKeys ?? [];
  const fields = (await listCustomFields(ctx, SYSTEM)).filter((f) => f.active);
  return keys.flatMap((k) => fields.filter((f) => f.key === k));
};

const fieldValue = (field: TCustomField, raw: string): string | number | boolean | null => {
  const text = raw.trim();
  switch (field.type) {
    case "checkbox":
      return text === "on" || text === "true";
    case "number": {
      if (text === "") return null;
      const n = Number(text);
      if (!Number.isFinite(n)) throw invalid(`customFields.${field.key}`, `${field.label}: enter a number`);
      return n;
    }
    default:
      return text === "" ? null : text;
  }
};

/** Custom field values from the form, only for the fields the form asks for. */
const formCustomFields = async (
  ctx: ServiceContext,
  submitted: Record<string, string>,
): Promise<Record<string, string | number | boolean>> => {
  const asked = await webformCustomFields(ctx);
  const unknown = Object.keys(submitted).find((k) => !asked.some((f) => f.key === k));
  if (unknown) throw invalid(`customFields.${unknown}`, "This form does not ask for that field");
  const values: Record<string, string | number | boolean> = {};
  for (const field of asked) {
    const value = fieldValue(field, submitted[field.key] ?? "");
    if (value !== null) values[field.key] = value;
  }
  return values;
};

const ownerOf = async (ctx: ServiceContext, teamId: string | null): Promise<string> => {
  const owner = (teamId ? await teamLeadOf(ctx.db, teamId) : null) ?? (await firstActiveAdminId(ctx.db));
  if (!owner) throw invariant("ownerId", "No one can take web form cases yet: ask an admin to choose a team");
  return owner;
};

const acknowledgement = (
  companyName: string,
  c: { number: number; subject: string },
  name: string,
  link: string,
  executiveName: string | null,
): { subject: string; text: string; html: string } => {
  const withWhom = executiveName ? `is with ${executiveName}, who reads it personally` : "is with our team";
  return {
    subject: `We received your ${executiveName ? "letter" : "request"} #${c.number}: ${c.subject}`,
    text: [
      `Hello ${name},`,
      "",
      `thank you for contacting ${companyName}. Your ${executiveName ? "letter" : "request"} #${c.number} ("${c.subject}") ${withWhom}; we will answer by email.`,
      "",
      `Follow it and add to it in our customer portal: ${link}`,
    ].join("\n"),
    html: `<p>Hello ${escapeHtml(name)},</p><p>thank you for contacting ${escapeHtml(companyName)}. Your ${executiveName ? "letter" : "request"} #${c.number} (“${escapeHtml(c.subject)}”) ${escapeHtml(withWhom)}; we will answer by email.</p><p><a href="${escapeHtml(link)}">Follow it in our customer portal</a></p>`,
  };
};

/**
 * A letter to the chief executive from the web form: it joins the customer's executive case with that executive
 * that is not closed yet (`joined`), else opens one.
 */
const executiveLetter = async (
  tx: Tx,
  executiveId: string,
  input: TWebformFields,
  teamId: string | null,
  customFields: Record<string, string | number | boolean>,
): Promise<{ c: { id: string; number: number; subject: string; requesterId: string }; joined: boolean }> => {
  const requester = await findOrCreateContactByEmail(tx, SYSTEM, input.email, input.name);
  const letter = await executiveCaseForLetter(tx, SYSTEM, {
    executiveId,
    requesterId: requester.id,
    subject: input.subject,
    channel: "web_form",
    teamId,
    customFields,
  });
  const [c] = letter.created ? [letter.created] : await findCaseRecords(tx, [letter.caseId]);
  if (!c) throw new Error("executive case missing");
  return { c, joined: !letter.created };
};

/**
 * A web form submission becomes a case (channel web_form) from the contact with that email address,
 * found or created, with the description and files as its first message. A filled-in honeypot is
 * answered like a success and creates nothing (the route limits submissions per IP and per address).
 */
export const submitWebform = async (
  ctx: ServiceContext,
  input: TWebformFields,
  files: UploadedFile[],
  ip: string,
): Promise<TWebformReceipt> => {
  if (input.website) {
    await repo.recordSubmission(ctx.db, { ip, email: input.email, caseId: null });
    return { caseNumber: null, message: WEBFORM_RECEIVED };
  }
  const customFields = await formCustomFields(ctx, input.customFields);
  const settings = await repo.findSettings(ctx.db);
  const teamId = settings?.teamId ?? null;
  const toExecutive = input.addressedTo === "executive";
  const executiveId = toExecutive ? await offeredExecutiveId(ctx.db) : null;
  if (toExecutive && !executiveId) throw invalid("addressedTo", NOT_OFFERED);
  const to: { executiveId: string } | { ownerId: string } = executiveId
    ? { executiveId }
    : { ownerId: await ownerOf(ctx, teamId) };
  const branding = await getBranding(ctx);
  const created = await inTransaction(ctx, async (tx) => {
    const { c, joined } =
      "executiveId" in to
        ? await executiveLetter(tx, to.executiveId, input, teamId, customFields)
        : {
            c: await insertCaseInTransaction(tx, SYSTEM, {
              subject: input.subject,
              requester: { email: input.email, name: input.name },
              teamId,
              ownerId: to.ownerId,
              status: "new",
              priority: "normal",
              type: "question",
              channel: "web_form",
              tags: [],
              customFields,
              followerIds: [],
            }),
            joined: false,
          };
    const stored = await storeEmailAttachments(ctx, tx, c.id, files);
    await addEmailMessage(tx, SYSTEM, c.id, {
      kind: "reply",
      authorContactId: c.requesterId,
      bodyText: joined ? `${input.subject}\n\n${input.description}` : input.description,
      bodyHtml: null,
      attachmentIds: stored.map((a) => a.id),
    });
    if (joined) await reopenOnCustomerReply(tx, SYSTEM, c.id);
    await repo.recordSubmission(tx, { ip, email: input.email, caseId: c.id });
    if (outboundMailConfigured(ctx)) {
      const link = new URL(`/portal/cases/${c.id}`, ctx.config.publicUrl).toString();
      const executiveName = executiveId ? ((await publicExecutiveLetter(ctx)).executiveName ?? null) : null;
      await enqueueSystemMail(ctx, tx, {
        purpose: "webform_acknowledgement",
        to: input.email,
        caseId: c.id,
        ...acknowledgement(branding.companyName, c, input.name, link, executiveName),
      });
    }
    return c;
  });
  return { caseNumber: created.number, message: WEBFORM_RECEIVED };
};
