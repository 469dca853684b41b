import type { z } from "zod";
import type { zSession } from "../../shared/contracts/auth";
import type {
  zAttachment,
  zCase,
  zCaseDetail,
  zCaseHistoryEntry,
  zCaseLink,
  zCreateCaseInput,
  zCreateMessageInput,
  zCustomField,
  zMessage,
  zSearchHit,
  zUpdateCaseInput,
} from "../../shared/contracts/cases";
import type { zContact, zOrganization } from "../../shared/contracts/customers";
import type { zCaseEmail } from "../../shared/contracts/email";
import type { zNotification } from "../../shared/contracts/notifications";
import type { zApiToken, zCreatedApiToken, zDepartment, zTeam, zUser } from "../../shared/contracts/people";
import type { zCaseStreamEvent, zPresence } from "../../shared/contracts/realtime";
import type { zCaseAccountability, zRootCauseCategory } from "../../shared/contracts/root-causes";
import type { zView, zViewFilters } from "../../shared/contracts/views";

/** JSON as it travels: timestamps are ISO strings (the zod codecs' input side). */
export type Session = z.input<typeof zSession>;
export type User = z.input<typeof zUser>;
export type Case = z.input<typeof zCase>;
export type CaseDetail = z.input<typeof zCaseDetail>;
export type CaseLink = z.input<typeof zCaseLink>;
export type CaseHistoryEntry = z.input<typeof zCaseHistoryEntry>;
export type CaseAbilities = Case["abilities"];
export type Message = z.input<typeof zMessage>;
export type CaseEmail = z.input<typeof zCaseEmail>;
export type MessageMail = CaseEmail["messages"][number];
export type Attachment = z.input<typeof zAttachment>;
export type SearchHit = z.input<typeof zSearchHit>;
export type CustomField = z.input<typeof zCustomField>;
export type Contact = z.input<typeof zContact>;
export type Organization = z.input<typeof zOrganization>;
export type Department = z.input<typeof zDepartment>;
export type Team = z.input<typeof zTeam>;
export type ApiToken = z.input<typeof zApiToken>;
export type CreatedApiToken = z.input<typeof zCreatedApiToken>;
export type View = z.input<typeof zView>;
export type ViewFilters = z.input<typeof zViewFilters>;
export type CaseStreamEvent = z.input<typeof zCaseStreamEvent>;
export type Presence = z.input<typeof zPresence>;
export type Notice = z.input<typeof zNotification>;
export type CaseAccountability = z.input<typeof zCaseAccountability>;
export type RootCauseCategory = z.input<typeof zRootCauseCategory>;
export type CreateCaseInput = z.input<typeof zCreateCaseInput>;
export type UpdateCaseInput = z.input<typeof zUpdateCaseInput>;
export type CreateMessageInput = z.input<typeof zCreateMessageInput>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
