import type { Tx } from "../db/connection";

/**
 * What the users domain asks of sign-in when an admin sets someone's password: the auth domain provides it
 * (registered in app.ts), so users never imports auth.
 */
export interface SignOut {
  /** Ends every browser session of the employee, inside the caller's transaction. */
  everywhere: (tx: Tx, userId: string) => Promise<void>;
}
