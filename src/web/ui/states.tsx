import { Alert, Button, Center, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconInbox } from "@tabler/icons-react";
import { type ErrorComponentProps, Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { errorMessage } from "../app/api-client";

export const Loading = ({ label = "Loading…" }: { label?: string }) => (
  <Group gap="xs" p="md" role="status" aria-live="polite">
    <Loader size="sm" />
    <Text size="sm" c="dimmed">
      {label}
    </Text>
  </Group>
);

export const PageLoader = () => (
  <Center h={240}>
    <Loading />
  </Center>
);

export const ErrorAlert = ({
  error,
  title = "That did not work",
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) => (
  <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle size={18} />} role="alert">
    <Stack gap="xs" align="flex-start">
      <Text size="sm">{errorMessage(error)}</Text>
      {onRetry ? (
        <Button size="xs" variant="default" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </Stack>
  </Alert>
);

export const PageError = ({ error, reset }: ErrorComponentProps) => (
  <Stack p="lg" maw={640}>
    <ErrorAlert error={error} title="This page could not be shown" onRetry={reset} />
  </Stack>
);

export const Empty = ({ title, children, icon }: { title: string; children?: ReactNode; icon?: ReactNode }) => (
  <Stack align="center" gap={6} py="xl" px="md" ta="center">
    <Text c="dimmed" aria-hidden>
      {icon ?? <IconInbox size={32} stroke={1.4} />}
    </Text>
    <Text fw={600}>{title}</Text>
    {children ? (
      <Text size="sm" c="dimmed" maw={420}>
        {children}
      </Text>
    ) : null}
  </Stack>
);

export const NotFound = () => (
  <Stack p="xl" align="flex-start">
    <Title order={2}>Not found</Title>
    <Text c="dimmed">This page does not exist, or you cannot see it.</Text>
    <Button component={Link} to="/inbox" variant="default">
      Back to the inbox
    </Button>
  </Stack>
);
