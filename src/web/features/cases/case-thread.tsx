import { IconLock, IconPaperclip, IconPhoneIncoming, IconPhoneOutgoing } from "@tabler/icons-react";
import { memo } from "react";
import { API_BASE } from "../../app/api-client";
import type { Message } from "../../app/wire";
import { describeAgo, formatAbsolute } from "../../ui/due-time";
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

/** Plain elements and CSS only: a long thread renders fast. */
const MessageItem = memo(function MessageItem({ m, now }: { m: Message; now: Date }) {
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
  const label =
    m.kind === "phone"
      ? `Call${m.phone ? ` (${m.phone.direction})` : ""}${m.phone?.number ? ` ${m.phone.number}` : ""}${m.phone?.durationSeconds ? `, ${duration(m.phone.durationSeconds)}` : ""}`
      : fromCustomer
        ? "Customer"
        : BADGE[m.kind];
  return (
    <li className="message" data-kind={m.kind} data-author={m.author.type}>
      <div className="message-head">
        <span className="message-author">{m.author.name}</span>
        <span className="message-badge" data-kind={fromCustomer && m.kind === "reply" ? "customer" : m.kind}>
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

export const CaseThread = ({ messages }: { messages: Message[] }) => {
  const now = useNow();
  if (messages.length === 0) {
    return <Empty title="No messages yet">Write the first reply or leave a note for your colleagues below.</Empty>;
  }
  return (
    <ol aria-label="Conversation" className="thread">
      {messages.map((m) => (
        <MessageItem key={m.id} m={m} now={now} />
      ))}
    </ol>
  );
};
