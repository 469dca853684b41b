import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { ApiError, api, errorMessage, setCsrfToken } from "../../app/api-client";
import type { Session } from "../../app/wire";
import { AuthCard } from "./auth-card";

export const LoginPage = () => {
  const { redirect, reset } = useSearch({ from: "/login" });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>("/auth/login", { method: "POST", body: { email: email.trim(), password } });
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(["session"], session);
      await navigate({ to: redirect ?? "/inbox" });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const message =
    error instanceof ApiError && (error.status === 401 || error.code === "UNAUTHENTICATED")
      ? "That email and password do not match an active account."
      : error
        ? errorMessage(error)
        : null;

  return (
    <AuthCard subtitle="Service is everyone's job. Sign in to your workspace.">
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <Stack>
          {message ? (
            <Alert color="red" variant="light" role="alert">
              {message}
            </Alert>
          ) : reset === "done" ? (
            <Alert color="green" variant="light" role="status">
              Your new password is set. Sign in with it.
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
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={busy} fullWidth>
            Sign in
          </Button>
          <Text size="sm" ta="center">
            <Anchor component={Link} to="/forgot-password">
              Forgot your password?
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
};
