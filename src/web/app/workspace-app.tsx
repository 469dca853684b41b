import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "../ui/contrast.css";
import "./app.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setUnauthenticatedHandler } from "./api-client";
import { createQueryClient } from "./query-client";
import { createAppRouter } from "./router";
import { theme } from "./theme";

/** The employees' workspace: its router, query cache and theme, mounted on `root`. */
export const mountWorkspace = (root: HTMLElement): void => {
  const queryClient = createQueryClient();
  const router = createAppRouter(queryClient);

  setUnauthenticatedHandler(() => {
    queryClient.setQueryData(["session"], null);
    if (router.state.location.pathname !== "/login") {
      void router.navigate({ to: "/login", search: { redirect: router.state.location.href } });
    }
  });

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
};
