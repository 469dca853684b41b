import { Alert, Button, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { PortalError, type PortalSession, portalApi, setPortalCsrf } from "./portal-api";
import { usePortalNav } from "./portal-router";

const tokenInHash = (): string | null => new URLSearchParams(window.location.hash.slice(1)).get("token");

/**
 * Asks for a sign-in link, or (opened from the link) signs in with one click. The link's token is in
 * the URL fragment, never sent to the server by a plain visit; a button press spends it, so a mail
 * scanner that opens links does not.
 */
export const SignInPage = ({ caseId }: { caseId: string | null }) => {
  const [token] = useState(tokenInHash);
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; field?: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const { navigate } = usePortalNav();

  const ask = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await portalApi<{ message: string }>("/portal/magic-links", {
        method: "POST",
        json: caseId ? { email, caseId } : { email },
      });
      setSent(res.message);
    } catch (err) {
      setError(err instanceof PortalError ? { message: err.message, field: err.field } : { message: String(err) });
    } finally {
      setBusy(false);
    }
  };

  const signIn = async () => {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const s = await portalApi<PortalSession>("/portal/sessions", { method: "POST", json: { token } });
      setPortalCsrf(s.csrfToken);
      qc.setQueryData(["portal-session"], s);
      navigate(s.caseId ? `/portal/cases/${s.caseId}` : "/portal");
    } catch (err) {
      setError({ message: err instanceof PortalError ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper withBorder p="lg" radius="md" maw={480} mx="auto">
      <Stack>
        <Title order={1} size="h2">
          Sign in
        </Title>
        {error && (
          <Alert color="red" role="alert" title="That did not work">
            {error.message}
          </Alert>
        )}
        {token ? (
          <>
            <Text>Your sign-in link is ready. Continue to see your requests.</Text>
            <Button onClick={() => void signIn()} loading={busy}>
              Continue to my requests
            </Button>
          </>
        ) : sent ? (
          <Alert color="blue" role="status" title="Check your email">
            {sent}
          </Alert>
        ) : (
          <form onSubmit={(e) => void ask(e)}>
            <Stack>
              <Text>We email you a link that signs you in; no password needed.</Text>
              <TextInput
                label="Your email address"
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={error?.field === "email" ? error.message : undefined}
              />
              <Button type="submit" loading={busy}>
                Email me a sign-in link
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
};
