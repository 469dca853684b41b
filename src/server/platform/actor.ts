import type { ApiTokenScope, UserRole } from "../../shared/domain";

/** The authenticated employee behind a request, a job or an import. */
export interface Actor {
  type: "user";
  id: string;
  name: string;
  role: UserRole;
  departmentId: string | null;
  teamIds: readonly string[];
  /** null for a browser session (all scopes); the token's scopes otherwise. */
  scopes: readonly ApiTokenScope[] | null;
}

/** The system itself (jobs, migrations, the seed): never reaches a route. */
export interface SystemActor {
  type: "system";
  id: null;
  name: string;
}

export const SYSTEM: SystemActor = { type: "system", id: null, name: "Extramile" };

export type AnyActor = Actor | SystemActor;

/** A customer signed in to the portal: a contact, never an employee; portal routes only. */
export interface CustomerActor {
  type: "customer";
  contactId: string;
  name: string;
  email: string;
  organizationId: string | null;
  /** Sees every case of the organization, not only their own. */
  organizationManager: boolean;
}

export const actorId = (actor: AnyActor): string | null => (actor.type === "user" ? actor.id : null);
