import type { UserRole } from "../../../shared/domain";

interface Person {
  id: string;
  role: UserRole;
}

/**
 * Which everyone's-job pages the navigation offers. The server still decides what each page shows; this only
 * avoids links to pages that would answer "not for you".
 */
export const navAccess = (user: Person, departments: readonly { directorId: string | null }[]) => {
  const directs = departments.some((d) => d.directorId === user.id);
  const oversees = user.role === "admin" || user.role === "supervisor";
  return {
    executive: user.role === "executive" || user.role === "admin",
    reviews: oversees || directs,
    ledger: oversees || user.role === "executive" || directs,
  };
};
