import type { Tx } from "../db/connection";

/** A mail the system sends on its own account (see the email domain's system mail). */
export interface SystemMailMessage {
  purpose: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * System mail as domains below the email domain reach it (contacts: the email domain imports them). The email
 * domain provides it, registered in app.ts.
 */
export interface SystemMailer {
  /** Whether a system mail would be queued and sent now. */
  available: () => Promise<boolean>;
  /** Queues the mail in the caller's transaction; null when there is no sender address. */
  enqueue: (tx: Tx, mail: SystemMailMessage) => Promise<string | null>;
}
