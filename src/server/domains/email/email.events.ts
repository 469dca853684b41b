import { changePayload, type DomainEvent } from "../../platform/events";
import type { MailboxRow, SupportAddressRow } from "./email.repository";

const addressSnapshot = (a: SupportAddressRow) => ({
  address: a.address,
  name: a.name,
  teamId: a.teamId,
  executiveUserId: a.executiveUserId,
  autoAcknowledge: a.autoAcknowledge,
  active: a.active,
});

export const supportAddressEvent = (
  type: "support_address.created" | "support_address.updated" | "support_address.deleted",
  before: SupportAddressRow | null,
  after: SupportAddressRow | null,
): DomainEvent => ({
  type,
  aggregateType: "support_address",
  aggregateId: (after ?? before)?.id ?? "",
  payload: changePayload(addressSnapshot, before, after),
});

/** The password never enters an event, only whether it changed. */
const mailboxSnapshot = (m: MailboxRow) => ({
  name: m.name,
  supportAddressId: m.supportAddressId,
  host: m.host,
  port: m.port,
  tls: m.tls,
  username: m.username,
  folder: m.folder,
  afterImport: m.afterImport,
  moveToFolder: m.moveToFolder,
  pollIntervalSeconds: m.pollIntervalSeconds,
  active: m.active,
});

export const mailboxEvent = (
  type: "mailbox.created" | "mailbox.updated" | "mailbox.deleted",
  before: MailboxRow | null,
  after: MailboxRow | null,
  passwordChanged = false,
): DomainEvent => ({
  type,
  aggregateType: "mailbox",
  aggregateId: (after ?? before)?.id ?? "",
  payload: {
    before: before ? mailboxSnapshot(before) : null,
    after: after ? { ...mailboxSnapshot(after), ...(passwordChanged ? { password: "(changed)" } : {}) } : null,
  },
});
