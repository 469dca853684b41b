import { Alert, Anchor, Button, Paper, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { PortalError, portalApi } from "./portal-api";
import { useLinkProps } from "./portal-router";

const tokenInHash = (): string | null => new URLSearchParams(window.location.hash.slice(1)).get("token");

/**
 * Opened from the mail sent to a new address: one press confirms it. The token is in the URL fragment, never sent
 * by a plain visit, so a mail scanner that opens links confirms nothing.
 */
export const ConfirmEmailPage = () => {
  const [token] = useState(tokenInHash);
  const [confirmed, setConfirmed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signIn = useLinkProps("/portal/sign-in");

  const confirm = async () => {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const res = await portalApi<{ email: string }>("/contact-email-confirmations", {
        method: "POST",
        json: { token },
      });
      setConfirmed(res.email);
    } catch (err) {
      setError(err instanceof PortalError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="lg" radius="md" maw={480} mx="auto">
      <Stack>
        <Title order={1} size="h2">
          Confirm your email address
        </Title>
        {error && (
          <Alert color="red" role="alert" title="That did not work">
            {error}
          </Alert>
        )}
        {confirmed ? (
          <Alert color="green" role="status" title="Address confirmed">
            We will write to {confirmed} from now on, and you can sign in with it. <Anchor {...signIn}>Sign in</Anchor>
          </Alert>
        ) : token ? (
          <>
            <Text>We were asked to reach you at this address about your requests. Is that right?</Text>
            <Button onClick={() => void confirm()} loading={busy}>
              Yes, use this address
            </Button>
          </>
        ) : (
          <Alert color="red" role="alert">
            This page needs the link from the email we sent you.
          </Alert>
        )}
      </Stack>
    </Paper>
  );
};
