import type { ReactNode } from "react";
import { isAdmin, useSession } from "../../app/session";
import { Empty } from "../../ui/states";

export const AdminOnly = ({ children }: { children: ReactNode }) => {
  const session = useSession();
  if (!isAdmin(session)) {
    return <Empty title="Administrators only">Ask an administrator if you need something changed here.</Empty>;
  }
  return <>{children}</>;
};
