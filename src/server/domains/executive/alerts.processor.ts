import type { Tx } from "../../db/connection";
import { SYSTEM } from "../../platform/actor";
import type { ServiceContext } from "../../platform/context";
import { type EventProcessor, recordEvents, type StoredEvent } from "../../platform/events";
import { escapeHtml } from "../../platform/html";
import { enqueueSystemMail, outboundMailConfigured } from "../email/system-mail.service";
import { addEventMessage, publicThread } from "../messages/messages.service";
import { notify } from "../notifications/notifications.service";
import * as repo from "./executive.repository";

const CHANNEL_WORDS: Record<string, string> = {
  email: "by email",
  portal: "in the customer portal",
  web_form: "through the web form",
  phone: "by phone (logged by an employee)",
  letter: "by letter (logged by an employee)",
};

const EXCERPT_CHARS = 1500;

type Snapshot = Record<string, unknown> | null;

/**
 * A channel that reached an executive (an address, the customer pages option) stopped reaching them: they are told,
 * so a change of set-up can never take their line away unnoticed.
 */
const lineChanged = async (
  tx: Tx,
  event: StoredEvent,
  field: "executiveUserId" | "executiveId",
  title: (before: Record<string, unknown>) => string,
): Promise<void> => {
  const before = event.payload.before as Snapshot;
  const after = event.payload.after as Snapshot;
  const lost = before?.[field];
  if (!before || typeof lost !== "string") return;
  const wasLive = before.active !== false && before.enabled !== false;
  const stillLive = after && after[field] === lost && after.active !== false && after.enabled !== false;
  if (!wasLive || stillLive) return;
  const to = after?.[field];
  const successor = typeof to === "string" && to !== lost ? await repo.findPerson(tx, to) : undefined;
  await notify(tx, [
    {
      userId: lost,
      kind: "executive_line_changed",
      caseId: null,
      title: title(before),
      body: successor ? `It now reaches ${successor.name}.` : "An admin changed it; ask them if you did not expect it.",
      dedupeKey: `executive-line-changed:${event.id}:${lost}`,
    },
  ]);
};

/**
 * Alerts the executive the moment a letter reaches them: a processor of the executive line's own events, so every
 * way in (email, portal, web form, a letter or call logged in the workspace, the API, a hand-over) alerts by
 * construction. In the app always; by email when outbound mail is configured. No setting of anyone else's governs it:
 * the only thing it asks is whether the executive is an active employee. Each executive is alerted once per case
 * (the notice's dedupe key), and the alert is recorded on the case (a line in the thread and an event).
 */
export const executiveAlertsProcessor = (ctx: ServiceContext): EventProcessor => ({
  name: "executive-alerts",
  handle: async (tx, event) => {
    if (event.type === "support_address.updated" || event.type === "support_address.deleted") {
      await lineChanged(tx, event, "executiveUserId", (b) => `Mail to ${String(b.address)} no longer reaches you`);
      return;
    }
    if (event.type === "executive_letter_settings.updated") {
      await lineChanged(
        tx,
        event,
        "executiveId",
        () => '"Write to the chief executive" on the customer pages no longer reaches you',
      );
      return;
    }
    if (event.type !== "executive_case.opened" && event.type !== "executive_case.handed_over") return;
    const executiveId = (event.payload.after as { executiveId?: unknown } | null)?.executiveId;
    if (!event.caseId || typeof executiveId !== "string") return;
    const view = await repo.findView(tx, event.caseId);
    const person = await repo.findPerson(tx, executiveId);
    if (!view || !person?.active) return;
    const caseId = view.c.id;
    const how =
      event.type === "executive_case.handed_over"
        ? "was handed over to you"
        : `wrote to you ${CHANNEL_WORDS[String(event.payload.channel)] ?? ""}`.trimEnd();
    const title = `#${view.c.number} ${view.c.subject}`;
    const added = await notify(tx, [
      {
        userId: person.id,
        kind: "executive_letter",
        caseId,
        title: `A letter to you: ${title}`,
        body: `${view.requesterName} ${how}. Read it, then delegate it.`,
        dedupeKey: `executive-letter:${caseId}:${person.id}`,
      },
    ]);
    if (added === 0) return;
    const link = new URL(`/cases/${caseId}`, ctx.config.publicUrl).toString();
    const excerpt = (await publicThread(tx, caseId))[0]?.bodyText.slice(0, EXCERPT_CHARS) ?? "";
    const outboundId = outboundMailConfigured(ctx)
      ? await enqueueSystemMail(ctx, tx, {
          purpose: "executive_letter",
          to: person.email,
          caseId,
          subject: `A letter to you: ${title}`,
          text: [
            `${person.name},`,
            "",
            `${view.requesterName} ${how}: "${view.c.subject}".`,
            ...(excerpt ? ["", excerpt] : []),
            "",
            `Read it and delegate it: ${link}`,
          ].join("\n"),
          html: `<p>${escapeHtml(person.name)},</p><p>${escapeHtml(view.requesterName)} ${escapeHtml(how)}: “${escapeHtml(view.c.subject)}”.</p>${
            excerpt ? `<blockquote>${escapeHtml(excerpt).replaceAll("\n", "<br>")}</blockquote>` : ""
          }<p><a href="${escapeHtml(link)}">Read it and delegate it</a></p>`,
        })
      : null;
    await addEventMessage(
      tx,
      caseId,
      `${person.name} was alerted: in the app${outboundId ? ` and by email (${person.email})` : ""}.`,
    );
    await recordEvents(tx, SYSTEM, [
      {
        type: "executive_case.alerted",
        aggregateType: "case",
        aggregateId: caseId,
        caseId,
        payload: {
          before: null,
          after: { executiveId: person.id, inApp: true, email: outboundId !== null, outboundId },
        },
      },
    ]);
  },
});
