import { Alert, Button, Group, Paper, PasswordInput, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useSession } from "../../app/session";
import type { User } from "../../app/wire";

const timeZones = (): string[] => {
  const zones = Intl.supportedValuesOf("timeZone");
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
};

const ProfileForm = () => {
  const session = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState(session.user.name);
  const [timeZone, setTimeZone] = useState<string | null>(session.user.timeZone);
  const zones = useMemo(() => timeZones().map((z) => ({ value: z, label: z.replaceAll("_", " ") })), []);
  const save = useMutation({
    mutationFn: async () =>
      await api<User>("/me", { method: "PATCH", body: { name: name.trim(), ...(timeZone ? { timeZone } : {}) } }),
    onSuccess: (user) => {
      queryClient.setQueryData(["session"], { ...session, user });
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      notifications.show({ color: "green", message: "Your account is saved." });
    },
  });
  const err = save.error;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="profile-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="profile-title">
            Profile
          </Title>
          {err && !["name", "timeZone"].some((f) => fieldError(err, f)) ? (
            <Alert color="red">{errorMessage(err)}</Alert>
          ) : null}
          <TextInput
            label="Email"
            value={session.user.email}
            readOnly
            description="An admin changes sign-in addresses"
          />
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(err, "name")}
            autoComplete="name"
          />
          <Select
            label="Time zone"
            description="Due times and your working hours are shown in this zone"
            searchable
            data={zones}
            value={timeZone}
            onChange={setTimeZone}
            error={fieldError(err, "timeZone")}
            limit={100}
            nothingFoundMessage="No such time zone"
          />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
};

const PasswordForm = () => {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const mismatch = repeat.length > 0 && repeat !== next;
  const change = useMutation({
    mutationFn: async () =>
      await api("/me/password", { method: "POST", body: { currentPassword: current, newPassword: next } }),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setRepeat("");
      notifications.show({ color: "green", message: "Password changed. Your other sessions are signed out." });
    },
  });
  const err = change.error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch) change.mutate();
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="password-title">
      <form onSubmit={submit} aria-label="Change password">
        <Stack gap="sm">
          <Title order={2} size="h4" id="password-title">
            Password
          </Title>
          <Text size="sm" c="dimmed">
            Changing it signs you out on every other device and browser; this one stays signed in.
          </Text>
          {err && !["currentPassword", "newPassword"].some((f) => fieldError(err, f)) ? (
            <Alert color="red">{errorMessage(err)}</Alert>
          ) : null}
          <PasswordInput
            label="Current password"
            required
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={fieldError(err, "currentPassword")}
            autoComplete="current-password"
          />
          <PasswordInput
            label="New password"
            description="At least 10 characters"
            required
            minLength={10}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={fieldError(err, "newPassword")}
            autoComplete="new-password"
          />
          <PasswordInput
            label="Repeat the new password"
            required
            value={repeat}
            onChange={(e) => setRepeat(e.currentTarget.value)}
            error={mismatch ? "The two passwords differ" : undefined}
            autoComplete="new-password"
          />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending} disabled={mismatch}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
};

export const MyAccountPage = () => (
  <Stack maw={640}>
    <Title order={1} size="h2">
      My account
    </Title>
    <ProfileForm />
    <PasswordForm />
  </Stack>
);
