/*
 * The one entry of the built app. The workspace and the customer portal share nothing at start-up, so each loads
 * only its own code: a customer opening the portal never downloads the workspace, nor an employee the portal.
 */
import { z } from "zod";

// zod probes for eval (new Function) to compile parsers; the Content-Security-Policy forbids it, so never try
z.config({ jitless: true });

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from index.html");

if (window.location.pathname === "/portal" || window.location.pathname.startsWith("/portal/")) {
  void import("./portal/portal-app").then((m) => m.mountPortal(root));
} else {
  void import("./app/workspace-app").then((m) => m.mountWorkspace(root));
}
