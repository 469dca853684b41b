import "@mantine/core/styles.css";
import "../ui/contrast.css";
import { Anchor, Box, Button, Container, colorsTuple, Group, Image, MantineProvider, Text } from "@mantine/core";
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { readableOnWhite, textOn } from "../../shared/branding";
import { portalApi, setPortalCsrf } from "./portal-api";
import { CasePage } from "./portal-case-page";
import { CasesPage } from "./portal-cases-page";
import { ConfirmEmailPage } from "./portal-confirm-email-page";
import { ExecutivePage } from "./portal-executive-page";
import { DEFAULT_BRANDING, useBranding, usePortalSession } from "./portal-hooks";
import { PortalRouter, useLinkProps, usePortalNav } from "./portal-router";
import { SignInPage } from "./portal-sign-in-page";

const Header = () => {
  const branding = useBranding().data ?? DEFAULT_BRANDING;
  const session = usePortalSession().data;
  const qc = useQueryClient();
  const { navigate } = usePortalNav();
  const home = useLinkProps("/portal");
  const fg = textOn(branding.primaryColor);
  const signOut = async () => {
    await portalApi("/portal/session", { method: "DELETE" });
    setPortalCsrf(null);
    qc.setQueryData(["portal-session"], null);
    navigate("/portal/sign-in");
  };
  return (
    <Box component="header" style={{ background: branding.primaryColor, color: fg }} px="md" py="sm">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="sm" wrap="nowrap">
          {branding.logoUrl && <Image src={branding.logoUrl} alt="" h={32} w="auto" fit="contain" />}
          <Anchor {...home} c={fg} fw={700} underline="never">
            {branding.companyName}
          </Anchor>
        </Group>
        {session && (
          <Group gap="xs" wrap="nowrap">
            <Text size="sm" visibleFrom="sm">
              {session.contact.name}
            </Text>
            <Button variant="white" c="dark" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        )}
      </Group>
    </Box>
  );
};

const Layout = () => {
  const branding = useBranding().data ?? DEFAULT_BRANDING;
  const theme = {
    colors: { brand: colorsTuple(readableOnWhite(branding.primaryColor)) },
    primaryColor: "brand",
    autoContrast: true,
  };
  return (
    <MantineProvider theme={theme} forceColorScheme="light">
      <Header />
      <Container component="main" size="md" py="md" px="sm">
        <Page />
      </Container>
    </MantineProvider>
  );
};

const Page = () => {
  const { route } = usePortalNav();
  switch (route.page) {
    case "cases":
      return <CasesPage />;
    case "sign-in":
      return <SignInPage caseId={route.caseId} />;
    case "confirm-email":
      return <ConfirmEmailPage />;
    case "case":
      return <CasePage caseId={route.caseId} />;
    case "executive":
      return <ExecutivePage />;
    default:
      return <Text>This page does not exist.</Text>;
  }
};

/** The customer portal: its own React root, router, query cache and theme, loaded only under /portal. */
export const mountPortal = (root: HTMLElement): void => {
  document.documentElement.lang = "en";
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <PortalRouter>
          <Layout />
        </PortalRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
};
