import { Badge, Button, Divider, Group, Select, Stack, Text, Textarea, TextInput, Title, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import {
  COMMITMENT_KINDS,
  type CommitmentKind,
  type CommitmentState,
  type zCommitment,
} from "../../../shared/contracts/commitments";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { describeDue, formatAbsolute, fromLocalInput, toLocalInput } from "../../ui/due-time";
import { useNow } from "../../ui/use-now";

type Commitment = z.input<typeof zCommitment>;

const KIND_LABEL: Record<CommitmentKind, string> = {
  callback: "Call back",
  email: "Email",
  visit: "Visit",
  shipment: "Shipment",
  other: "Other",
};

const STATE_COLOR: Record<CommitmentState, string> = {
  open: "blue",
  kept: "green",
  broken: "red",
  cancelled: "gray",
};

const STATE_LABEL: Record<CommitmentState, string> = {
  open: "Open",
  kept: "Kept",
  broken: "Broken",
  cancelled: "Cancelled",
};

const key = (caseId: string) => ["commitments", "case", caseId] as const;

const inTwoHours = () => toLocalInput(new Date(Date.now() + 2 * 3_600_000).toISOString());

const AddPromise = ({ caseId, onDone }: { caseId: string; onDone: () => void }) => {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<CommitmentKind>("callback");
  const [description, setDescription] = useState("");
  const [due, setDue] = useState(inTwoHours());
  const create = useMutation({
    mutationFn: async () =>
      await api<Commitment>(`/cases/${caseId}/commitments`, {
        method: "POST",
        body: { kind, description: description.trim(), dueAt: fromLocalInput(due) ?? "" },
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: key(caseId) });
      notifications.show({ color: "green", message: "Promise added; you will be reminded before it is due." });
      onDone();
    },
  });
  const err = create.error;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap={6}>
        <Select
          size="xs"
          label="Promise"
          data={COMMITMENT_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
          value={kind}
          onChange={(v) => v && setKind(v as CommitmentKind)}
          allowDeselect={false}
        />
        <Textarea
          size="xs"
          label="What was promised"
          placeholder="I'll call you back with the repair date"
          autosize
          minRows={2}
          required
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(err, "description")}
          data-autofocus
        />
        <TextInput
          size="xs"
          type="datetime-local"
          label="Due"
          required
          value={due}
          onChange={(e) => setDue(e.currentTarget.value)}
          error={fieldError(err, "dueAt")}
        />
        {err && !fieldError(err, "description") && !fieldError(err, "dueAt") ? (
          <Text size="xs" c="red" role="alert">
            {errorMessage(err)}
          </Text>
        ) : null}
        <Group gap="xs" justify="flex-end">
          <Button size="compact-sm" variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button size="compact-sm" type="submit" loading={create.isPending} disabled={!description.trim() || !due}>
            Add promise
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

/** Logs the call that answers this callback promise (an outbound phone log on the case), which keeps it. */
const LogCall = ({ c, caseId, onDone }: { c: Commitment; caseId: string; onDone: () => void }) => {
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  const log = useMutation({
    mutationFn: async () =>
      await api<unknown>(`/cases/${caseId}/messages`, {
        method: "POST",
        body: {
          kind: "phone",
          body: said.trim(),
          format: "text",
          phone: { direction: "outbound", callbackId: c.id },
        },
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["messages", caseId] });
      void queryClient.invalidateQueries({ queryKey: key(caseId) });
      notifications.show({ color: "green", message: "Call logged; it keeps this promise." });
      onDone();
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        log.mutate();
      }}
    >
      <Stack gap={6}>
        <Textarea
          size="xs"
          label="What was said on the call"
          autosize
          minRows={2}
          required
          value={said}
          onChange={(e) => setSaid(e.currentTarget.value)}
          error={log.error ? errorMessage(log.error) : undefined}
          data-autofocus
        />
        <Group gap="xs" justify="flex-end">
          <Button size="compact-sm" variant="default" onClick={onDone}>
            Back
          </Button>
          <Button size="compact-sm" type="submit" loading={log.isPending} disabled={!said.trim()}>
            Log call
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

const PromiseRow = ({ c, caseId, canLogCall }: { c: Commitment; caseId: string; canLogCall: boolean }) => {
  const queryClient = useQueryClient();
  const now = useNow();
  const [cancelling, setCancelling] = useState(false);
  const [calling, setCalling] = useState(false);
  const [note, setNote] = useState("");
  const settle = useMutation({
    mutationFn: async (action: "keep" | "cancel") =>
      await api<Commitment>(`/commitments/${c.id}/${action}`, {
        method: "POST",
        body: action === "cancel" ? { note: note.trim() } : {},
      }),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: key(caseId) });
      notifications.show({
        color: saved.state === "kept" ? "green" : "gray",
        message: saved.state === "kept" ? "Promise kept." : "Promise cancelled.",
      });
      setCancelling(false);
    },
    onError: (e) => notifications.show({ color: "red", title: "Not saved", message: errorMessage(e) }),
  });
  const due = describeDue(c.dueAt, now, 60 * 60_000);
  const label = `${KIND_LABEL[c.kind]}: ${c.description}`;
  return (
    <Stack gap={4} role="group" aria-label={`Promise: ${label}`}>
      <Group gap="xs" justify="space-between" wrap="nowrap" align="flex-start">
        <Text size="sm" style={{ minWidth: 0 }}>
          <Text span fw={600} size="sm">
            {KIND_LABEL[c.kind]}
          </Text>{" "}
          · {c.description}
        </Text>
        <Badge color={STATE_COLOR[c.state]} variant="light" size="sm" tt="none" style={{ flex: "none" }}>
          {STATE_LABEL[c.state]}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {c.owner.name} ·{" "}
        {c.state === "open" ? (
          <Tooltip label={due.title}>
            <Text span size="xs" c={due.tone === "overdue" ? "red" : undefined}>
              due {due.text}
            </Text>
          </Tooltip>
        ) : (
          `due ${formatAbsolute(c.dueAt)}${c.settledAt ? ` · settled ${formatAbsolute(c.settledAt)}` : ""}`
        )}
        {c.note ? ` · ${c.note}` : ""}
      </Text>
      {calling ? (
        <LogCall c={c} caseId={caseId} onDone={() => setCalling(false)} />
      ) : c.state === "open" && (c.abilities.keep || c.abilities.cancel || canLogCall) ? (
        cancelling ? (
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              size="xs"
              style={{ flex: 1 }}
              label="Why is it cancelled?"
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Button
              size="compact-sm"
              color="gray"
              disabled={!note.trim()}
              loading={settle.isPending}
              onClick={() => settle.mutate("cancel")}
            >
              Cancel promise
            </Button>
            <Button size="compact-sm" variant="subtle" onClick={() => setCancelling(false)}>
              Back
            </Button>
          </Group>
        ) : (
          <Group gap="xs">
            {canLogCall && c.kind === "callback" ? (
              <Button
                size="compact-xs"
                variant="light"
                onClick={() => setCalling(true)}
                aria-label={`Log the call: ${label}`}
              >
                Log the call…
              </Button>
            ) : null}
            {c.abilities.keep ? (
              <Button
                size="compact-xs"
                color="green"
                variant="light"
                loading={settle.isPending}
                onClick={() => settle.mutate("keep")}
                aria-label={`Mark kept: ${label}`}
              >
                Mark kept
              </Button>
            ) : null}
            {c.abilities.cancel ? (
              <Button
                size="compact-xs"
                variant="subtle"
                color="gray"
                onClick={() => setCancelling(true)}
                aria-label={`Cancel: ${label}`}
              >
                Cancel…
              </Button>
            ) : null}
          </Group>
        )
      ) : null}
    </Stack>
  );
};

/**
 * Promises made on this case: add one (kind and due time), mark it kept or cancel it, log the call that answers a
 * callback (which keeps it); missed ones show broken.
 */
export const CommitmentsSection = ({
  caseId,
  canAdd,
  canLogCall,
}: {
  caseId: string;
  canAdd: boolean;
  /** The caller may log a call on the case (write to it, and it is not closed). */
  canLogCall: boolean;
}) => {
  const [adding, setAdding] = useState(false);
  const list = useQuery({
    queryKey: key(caseId),
    queryFn: async () => (await api<{ items: Commitment[] }>(`/cases/${caseId}/commitments`)).items,
  });
  const items = list.data ?? [];
  return (
    <Stack gap={6} data-testid="case-commitments">
      <Divider />
      <Group justify="space-between">
        <Title order={2} fz="xs" tt="uppercase" c="dimmed" fw={700}>
          Promises
        </Title>
        {canAdd && !adding ? (
          <Button size="compact-xs" variant="subtle" onClick={() => setAdding(true)}>
            Add promise
          </Button>
        ) : null}
      </Group>
      {adding ? <AddPromise caseId={caseId} onDone={() => setAdding(false)} /> : null}
      {list.isLoading ? (
        <Text size="sm" c="dimmed" role="status">
          Loading promises…
        </Text>
      ) : list.error ? (
        <Text size="sm" c="red" role="alert">
          The promises could not be loaded: {errorMessage(list.error)}
        </Text>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No promises on this case.
        </Text>
      ) : (
        items.map((c) => <PromiseRow key={c.id} c={c} caseId={caseId} canLogCall={canLogCall} />)
      )}
    </Stack>
  );
};
