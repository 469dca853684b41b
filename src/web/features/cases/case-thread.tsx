import { Switch } from "@mantine/core";
import { IconLock, IconPaperclip, IconPhoneIncoming, IconPhoneOutgoing } from "@tabler/icons-react";
import { Fragment, memo, useState } from "react";
import type { CaseHistoryField } from "../../../shared/contracts/cases";
import { API_BASE } from "../../app/api-client";
import type { CaseHistoryEntry, Message, MessageMail } from "../../app/wire";
import { describeAgo, formatAbsolute } from "../../ui/due-time";
import { PRIORITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "../../ui/labels";
import { Empty } from "../../ui/states";
import { useNow } from "../../ui/use-now";

const duration = (s: number | null): string =>
  s === null ? "" : s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60 ? `${s % 60} s` : ""}`.trim();

const Body = ({ m }: { m: Message }) =>
  m.bodyHtml ? (
    // The server sanitizes message HTML with a strict allow-list (src/server/platform/html.ts).
    // biome-ignore lint/security/noDangerouslySetInnerHtml: server-sanitized HTML
    <div className="message-body" dangerouslySetInnerHTML={{ __html: m.bodyHtml }} />
  ) : (
    <div className="message-body message-text">{m.bodyText}</div>
  );

const BADGE: Record<Message["kind"], string> = {
  reply: "Public reply",
  note: "Internal note",
  phone: "Call",
  event: "",
};

/** Where a message came from or went to: delivery of a reply, verification of a received mail. */
const MailFacts = ({ mail }: { mail: MessageMail }) => {
  const d = mail.delivery;
  return (
    <>
      {d ? (
        <p className="message-delivery" data-status={d.status} role={d.status === "failed" ? "alert" : undefined}>
          {d.status === "failed"
            ? d.lastResponse?.startsWith("Not sent:")
              ? d.lastResponse
              : `Not delivered: ${d.lastResponse ?? "the mail server refused it"}`
            : d.status === "sent"
              ? `Emailed to ${[...d.to, ...d.cc].join(", ")}`
              : `Sending to ${[...d.to, ...d.cc].join(", ")}…`}
        </p>
      ) : null}
      {mail.auth?.verdict === "fail" ? (
        <p className="message-auth" data-verdict={mail.auth.verdict}>
          Sender not verified: this mail may not be from who it says (DMARC {mail.auth.dmarc}, SPF {mail.auth.spf}, DKIM{" "}
          {mail.auth.dkim}
          {mail.auth.fromDomain ? ` for ${mail.auth.fromDomain}` : ""})
        </p>
      ) : null}
      {mail.quotedText ? (
        <details className="message-quoted">
          <summary>Show quoted text</summary>
          <div className="message-text">{mail.quotedText}</div>
        </details>
      ) : null}
    </>
  );
};

/** Plain elements and CSS only: a long thread renders fast. */
const MessageItem = memo(function MessageItem({ m, now, mail }: { m: Message; now: Date; mail?: MessageMail }) {
  const when = (
    <time dateTime={m.createdAt} title={formatAbsolute(m.createdAt)} className="message-time">
      {describeAgo(m.createdAt, now)}
    </time>
  );
  if (m.kind === "event") {
    return (
      <li className="event-line">
        {m.bodyText} · {when}
      </li>
    );
  }
  const fromCustomer = m.author.type === "contact";
  const automatic = mail?.automatic ?? null;
  const label = automatic
    ? "Automatic reply"
    : m.kind === "phone"
      ? `Call${m.phone ? ` (${m.phone.direction})` : ""}${m.phone?.number ? ` ${m.phone.number}` : ""}${m.phone?.durationSeconds ? `, ${duration(m.phone.durationSeconds)}` : ""}`
      : fromCustomer
        ? "Customer"
        : BADGE[m.kind];
  return (
    <li
      className="message"
      data-kind={m.kind}
      data-author={m.author.type}
      data-automatic={automatic ? "true" : undefined}
    >
      <div className="message-head">
        <span className="message-author">{automatic && mail?.fromAddress ? mail.fromAddress : m.author.name}</span>
        <span
          className="message-badge"
          data-kind={automatic ? "automatic" : fromCustomer && m.kind === "reply" ? "customer" : m.kind}
        >
          {m.kind === "note" ? <IconLock size={10} aria-hidden /> : null}
          {m.kind === "phone" ? (
            m.phone?.direction === "outbound" ? (
              <IconPhoneOutgoing size={10} aria-hidden />
            ) : (
              <IconPhoneIncoming size={10} aria-hidden />
            )
          ) : null}
          {label}
        </span>
        {when}
      </div>
      <Body m={m} />
      {m.heldForReview ? (
        <p className="message-auth" data-verdict="held">
          Held for review: the customer does not see this in the portal until you approve the sender.
        </p>
      ) : null}
      {mail ? <MailFacts mail={mail} /> : null}
      {m.attachments.length > 0 ? (
        <div className="message-files">
          {m.attachments.map((a) => (
            <a key={a.id} href={`${API_BASE}/attachments/${a.id}`} download={a.filename}>
              <IconPaperclip size={12} aria-hidden />
              {a.filename}
            </a>
          ))}
        </div>
      ) : null}
    </li>
  );
});

const FIELD_LABEL: Record<CaseHistoryField, string> = {
  status: "status",
  ownerId: "owner",
  teamId: "team",
  priority: "priority",
  type: "type",
  subject: "subject",
  nextStep: "next step",
  nextStepDueAt: "next step due",
  tags: "tags",
  requesterId: "requester",
  organizationId: "organization",
};

const shown = (field: CaseHistoryField, v: string | null): string => {
  if (v === null) return "none";
  const label =
    field === "status"
      ? STATUS_LABEL[v as keyof typeof STATUS_LABEL]
      : field === "priority"
        ? PRIORITY_LABEL[v as keyof typeof PRIORITY_LABEL]
        : field === "type"
          ? TYPE_LABEL[v as keyof typeof TYPE_LABEL]
          : field === "nextStepDueAt"
            ? formatAbsolute(v)
            : undefined;
  return label ?? v;
};

/** One change of the case as a line in the thread: who or what, why, and each field from → to. */
const ChangeItem = memo(function ChangeItem({ h, now }: { h: CaseHistoryEntry; now: Date }) {
  return (
    <li className="event-line" data-kind="change" data-by={h.by.type}>
      <strong>{h.by.name}</strong>
      {h.reason ? ` (${h.reason})` : ""}
      {" changed "}
      {h.changes.map((c, i) => (
        <span key={c.field}>
          {i > 0 ? "; " : ""}
          {FIELD_LABEL[c.field]} {shown(c.field, c.from)} → {shown(c.field, c.to)}
        </span>
      ))}
      {" · "}
      <time dateTime={h.at} title={formatAbsolute(h.at)} className="message-time">
        {describeAgo(h.at, now)}
      </time>
    </li>
  );
});

const SHOW_CHANGES = "extramile.thread.showChanges";

export const CaseThread = ({
  messages,
  mail,
  history,
}: {
  messages: Message[];
  mail?: MessageMail[] | undefined;
  history?: CaseHistoryEntry[] | undefined;
}) => {
  const now = useNow();
  const [showChanges, setShowChanges] = useState(() => window.localStorage.getItem(SHOW_CHANGES) !== "false");
  const mailOf = new Map((mail ?? []).map((x) => [x.messageId, x]));
  if (messages.length === 0) {
    return <Empty title="No messages yet">Write the first reply or leave a note for your colleagues below.</Empty>;
  }
  const changes = showChanges ? (history ?? []) : [];
  const items = [
    ...messages.map((m) => ({
      at: m.createdAt,
      key: `m${m.id}`,
      node: <MessageItem m={m} now={now} mail={mailOf.get(m.id)} />,
    })),
    ...changes.map((h) => ({ at: h.at, key: `h${h.id}`, node: <ChangeItem h={h} now={now} /> })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return (
    <>
      {history && history.length > 0 ? (
        <Switch
          size="xs"
          label={`Show changes (${history.length})`}
          checked={showChanges}
          onChange={(e) => {
            const on = e.currentTarget.checked;
            window.localStorage.setItem(SHOW_CHANGES, String(on));
            setShowChanges(on);
          }}
        />
      ) : null}
      <ol aria-label="Conversation" className="thread">
        {items.map((i) => (
          <Fragment key={i.key}>{i.node}</Fragment>
        ))}
      </ol>
    </>
  );
};
