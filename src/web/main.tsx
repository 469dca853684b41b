import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./app/app.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { z } from "zod";
import { setUnauthenticatedHandler } from "./app/api-client";
import { createQueryClient } from "./app/query-client";
import { createAppRouter } from "./app/router";
import { theme } from "./app/theme";

// zod probes for eval (new Function) to compile parsers; the Content-Security-Policy forbids it, so never try
z.config({ jitless: true });

const queryClient = createQueryClient();
const router = createAppRouter(queryClient);

setUnauthenticatedHandler(() => {
  queryClient.setQueryData(["session"], null);
  if (router.state.location.pathname !== "/login") {
    void router.navigate({ to: "/login", search: { redirect: router.state.location.href } });
  }
});

const root = document.getElementById("root");
if (!root) throw new Error("#root missing from index.html");

if (window.location.pathname === "/portal" || window.location.pathname.startsWith("/portal/")) {
  void import("./portal/portal-app").then((m) => m.mountPortal(root));
} else {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider theme={theme} defaultColorScheme="auto">
        <Notifications position="bottom-right" />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </StrictMode>,
  );
}
