import {
  ESCALATION_RECIPIENTS,
  SLA_METRICS,
  type SlaMetric,
  type TEscalationAction,
  type TSlaTargets,
} from "../../../shared/contracts/sla";
import type { CasePriority } from "../../../shared/domain";
import { CASE_PRIORITIES } from "../../../shared/domain";
import { formatMinutes, parseDuration } from "./opening-hours";

export type Recipient = (typeof ESCALATION_RECIPIENTS)[number];

export const METRIC_LABEL: Record<SlaMetric, string> = {
  first_response: "First response",
  next_response: "Next response",
  resolution: "Resolution",
};

export const RECIPIENT_LABEL: Record<Recipient, string> = {
  owner: "the owner",
  team_lead: "the team lead",
  director: "the department director",
};

/** Targets as typed: one text per metric and priority ("4h", "" for none). */
export type TargetTexts = Record<SlaMetric, Record<CasePriority, string>>;

export const targetTexts = (targets: TSlaTargets): TargetTexts =>
  Object.fromEntries(
    SLA_METRICS.map((metric) => [
      metric,
      Object.fromEntries(
        CASE_PRIORITIES.map((p) => {
          const minutes = targets[metric]?.[p];
          return [p, minutes ? formatMinutes(minutes) : ""];
        }),
      ),
    ]),
  ) as TargetTexts;

/** The targets to send, or the first problem ("metric.priority" → message) when a text is not a duration. */
export const targetsFrom = (texts: TargetTexts): { targets: TSlaTargets; errors: Record<string, string> } => {
  const targets: TSlaTargets = {};
  const errors: Record<string, string> = {};
  for (const metric of SLA_METRICS) {
    const perPriority: Partial<Record<CasePriority, number>> = {};
    for (const p of CASE_PRIORITIES) {
      const text = texts[metric][p].trim();
      if (text === "") continue;
      const minutes = parseDuration(text);
      if (minutes === null || minutes > 525_600) errors[`${metric}.${p}`] = "Use a duration like 45m, 4h or 2d";
      else perPriority[p] = minutes;
    }
    if (Object.keys(perPriority).length > 0) targets[metric] = perPriority;
  }
  if (Object.keys(targets).length === 0 && Object.keys(errors).length === 0) {
    errors["first_response.normal"] = "Set at least one target";
  }
  return { targets, errors };
};

/** What happens at warning or at breach, as the form holds it. */
export interface ActionForm {
  notify: Recipient[];
  reassignTeamId: string | null;
  raisePriority: boolean;
  /** The priority to raise to; one step up when null. */
  raiseTo: CasePriority | null;
}

export const actionForm = (actions: readonly TEscalationAction[]): ActionForm => {
  const form: ActionForm = { notify: [], reassignTeamId: null, raisePriority: false, raiseTo: null };
  for (const a of actions) {
    if (a.type === "notify") form.notify = [...new Set([...form.notify, ...a.recipients])];
    else if (a.type === "reassign_team") form.reassignTeamId = a.teamId;
    else {
      form.raisePriority = true;
      form.raiseTo = a.to ?? null;
    }
  }
  return form;
};

export const actionsFrom = (form: ActionForm): TEscalationAction[] => [
  ...(form.notify.length > 0
    ? [{ type: "notify" as const, recipients: ESCALATION_RECIPIENTS.filter((r) => form.notify.includes(r)) }]
    : []),
  ...(form.reassignTeamId ? [{ type: "reassign_team" as const, teamId: form.reassignTeamId }] : []),
  ...(form.raisePriority ? [{ type: "raise_priority" as const, ...(form.raiseTo ? { to: form.raiseTo } : {}) }] : []),
];

/** "notify the owner and the team lead; raise priority to urgent". */
export const describeActions = (actions: readonly TEscalationAction[], teamName: (id: string) => string): string =>
  actions
    .map((a) => {
      if (a.type === "notify") {
        const names = a.recipients.map((r) => RECIPIENT_LABEL[r]);
        return `notify ${names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0]}`;
      }
      if (a.type === "reassign_team") return `reassign to ${teamName(a.teamId)}`;
      return a.to ? `raise priority to ${a.to}` : "raise priority one step";
    })
    .join("; ") || "nothing";
