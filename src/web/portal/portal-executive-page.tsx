import {
  Alert,
  Anchor,
  Blockquote,
  Button,
  Group,
  Loader,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { PORTAL_REPLY_MAX_CHARS } from "../../shared/contracts/portal";
import { type ExecutiveLetter, type PortalCase, PortalError, portalApi } from "./portal-api";
import { usePortalSession } from "./portal-hooks";
import { useLinkProps, usePortalNav } from "./portal-router";

/** Whether the company offers "write to the chief executive", to whom, and the executive's own words. */
export const useExecutiveLetter = (enabled: boolean) =>
  useQuery({
    queryKey: ["portal-executive-letter"],
    queryFn: () => portalApi<ExecutiveLetter>("/portal/executive-letter"),
    enabled,
    staleTime: 60_000,
  });

/** "Write to the chief executive": the executive's message, then the customer's letter. */
export const ExecutivePage = () => {
  const session = usePortalSession();
  const { navigate } = usePortalNav();
  const back = useLinkProps("/portal");
  const qc = useQueryClient();
  const offer = useExecutiveLetter(!!session.data);
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [error, setError] = useState<PortalError | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (session.data === null) navigate("/portal/sign-in");
  }, [session.data, navigate]);
  if (!session.data || offer.isPending) return <Loader aria-label="Loading" />;
  const letter = offer.data;
  if (!letter?.available) return <Text>Writing to the chief executive is not offered here.</Text>;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await portalApi<PortalCase>("/portal/executive-letters", { method: "POST", json: { subject, body } });
      await qc.invalidateQueries({ queryKey: ["portal-cases"] });
      navigate(`/portal/cases/${c.id}`);
    } catch (err) {
      setError(err instanceof PortalError ? err : new PortalError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (field: string) => (error?.field === field ? error.message : undefined);
  return (
    <Stack>
      <Anchor {...back} size="sm">
        ← Your requests
      </Anchor>
      <Title order={1} size="h2">
        Write to {letter.executiveName}
      </Title>
      <Blockquote cite={`— ${letter.executiveName}`} p="md">
        {(letter.message ?? "").split(/\n\s*\n/).map((p) => (
          <Text key={p} mb="xs" style={{ whiteSpace: "pre-wrap" }}>
            {p}
          </Text>
        ))}
      </Blockquote>
      <form onSubmit={(e) => void send(e)} aria-label={`Letter to ${letter.executiveName}`}>
        <Stack gap="sm">
          {error && !error.field && (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          )}
          <TextInput
            label="Subject"
            required
            maxLength={200}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={fieldError("subject")}
          />
          <Textarea
            label="Your letter"
            required
            autosize
            minRows={6}
            maxLength={PORTAL_REPLY_MAX_CHARS}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            error={fieldError("body")}
          />
          <Text size="sm" c="gray.7">
            {letter.executiveName} receives it personally and is told at once. You follow it here, like your other
            requests.
          </Text>
          <Group>
            <Button type="submit" loading={busy}>
              Send my letter
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
};
