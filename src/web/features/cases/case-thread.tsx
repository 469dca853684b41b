import { IconLock, IconPaperclip, IconPhoneIncoming, IconPhoneOutgoing } from "@tabler/icons-react";
import { memo } from "react";
import { API_BASE } from "../../app/api-client";
import type { Message, MessageMail } from "../../app/wire";
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

export const CaseThread = ({ messages, mail }: { messages: Message[]; mail?: MessageMail[] | undefined }) => {
  const now = useNow();
  const mailOf = new Map((mail ?? []).map((x) => [x.messageId, x]));
  if (messages.length === 0) {
    return <Empty title="No messages yet">Write the first reply or leave a note for your colleagues below.</Empty>;
  }
  return (
    <ol aria-label="Conversation" className="thread">
      {messages.map((m) => (
        <MessageItem key={m.id} m={m} now={now} mail={mailOf.get(m.id)} />
      ))}
    </ol>
  );
};
