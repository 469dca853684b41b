import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { api, errorMessage } from "../../app/api-client";
import { AuthCard } from "./auth-card";

const BackToSignIn = () => (
  <Text size="sm" ta="center">
    <Anchor component={Link} to="/login">
      Back to sign in
    </Anchor>
  </Text>
);

export const ForgotPasswordPage = () => {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ message: string }>("/auth/password-reset", {
        method: "POST",
        body: { email: email.trim() },
      });
      setSent(res.message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard subtitle="Forgot your password? We email you a link to choose a new one.">
      {sent ? (
        <Stack>
          <Alert color="green" variant="light" role="status">
            {sent}
          </Alert>
          <BackToSignIn />
        </Stack>
      ) : (
        <form onSubmit={(e) => void submit(e)} aria-label="Reset password">
          <Stack>
            {error ? (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(error)}
              </Alert>
            ) : null}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} fullWidth>
              Email me a link
            </Button>
            <BackToSignIn />
          </Stack>
        </form>
      )}
    </AuthCard>
  );
};

export const ResetPasswordPage = () => {
  const { token } = useSearch({ from: "/reset-password" });
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = repeat.length > 0 && repeat !== password;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await api("/auth/password-reset/confirm", { method: "POST", body: { token: token ?? "", password } });
      await navigate({ to: "/login", search: { reset: "done" } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard subtitle="Choose a new password. You will be signed out everywhere, and your API tokens will be revoked: make new ones after signing in.">
      {token ? (
        <form onSubmit={(e) => void submit(e)} aria-label="Choose a new password">
          <Stack>
            {error ? (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(error)}{" "}
                <Anchor component={Link} to="/forgot-password" size="sm">
                  Ask for a new link
                </Anchor>
              </Alert>
            ) : null}
            <PasswordInput
              label="New password"
              description="At least 10 characters"
              autoComplete="new-password"
              required
              minLength={10}
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <PasswordInput
              label="Repeat the new password"
              autoComplete="new-password"
              required
              value={repeat}
              error={mismatch ? "The two passwords differ" : undefined}
              onChange={(e) => setRepeat(e.currentTarget.value)}
            />
            <Button type="submit" loading={busy} disabled={mismatch} fullWidth>
              Set new password
            </Button>
          </Stack>
        </form>
      ) : (
        <Stack>
          <Alert color="red" variant="light" role="alert">
            This page needs the link from the email we sent you.
          </Alert>
          <Text size="sm" ta="center">
            <Anchor component={Link} to="/forgot-password">
              Ask for a new link
            </Anchor>
          </Text>
        </Stack>
      )}
    </AuthCard>
  );
};
