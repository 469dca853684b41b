import { Alert, Anchor, Badge, Button, Grid, Group, Stack, Text, Title, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCheck, IconEye, IconHandGrab } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useParams, useSearch } from "@tanstack/react-router";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../../app/api-client";
import { useUsers } from "../../app/directory";
import { lastActorOf } from "../../app/realtime";
import { useSession } from "../../app/session";
import type { CaseDetail, Message, UpdateCaseInput } from "../../app/wire";
import { PriorityText, StatusBadge } from "../../ui/badges";
import { describeAgo, formatAbsolute } from "../../ui/due-time";
import { PRIORITY_LABEL, STATUS_LABEL, TYPE_LABEL } from "../../ui/labels";
import { ErrorAlert, Loading, NotFound } from "../../ui/states";
import { useNow } from "../../ui/use-now";
import { isVersionConflict } from "../../ui/versioned-save";
import { CommitmentsSection } from "../commitments/commitments-section";
import { ExecutiveSection } from "../everyones-job/executive-section";
import { RemedyPanel } from "../everyones-job/remedy-panel";
import { CaseSlaSection } from "../sla/case-sla-section";
import { CaseSatisfactionSection } from "../surveys/case-satisfaction";
import { CustomerSection, FollowersSection, LinksSection } from "./case-relations";
import { CaseSidePanel, type FieldErrors } from "./case-side-panel";
import { CaseThread } from "./case-thread";
import {
  caseKey,
  invalidateCaseLists,
  mergeIntoDetail,
  messagesKey,
  patchCase,
  useCase,
  useCaseEmail,
  useCaseHistory,
  useMessages,
} from "./cases.queries";
import { Composer, type ComposerHandle } from "./composer";
import { type EditField, type EditValue, rebaseEdit } from "./conflict";
import { ConflictBanner, type PendingConflict } from "./conflict-banner";
import { commandForKey, isTypingTarget } from "./keyboard-nav";
import { describePresence, usePresence } from "./presence";
import { RootCauseSection } from "./root-cause-section";

/** Fields the side panel shows an error under; any other field's error also pops up as a notification. */
const FIELDS_WITH_INPUTS = [
  "status",
  "priority",
  "type",
  "ownerId",
  "teamId",
  "nextStep",
  "nextStepDueAt",
  "tags",
  "customFields",
  "organizationId",
];

export const CasePage = () => {
  const { caseId } = useParams({ from: "/app/cases/$caseId" });
  const { compose } = useSearch({ from: "/app/cases/$caseId" });
  const query = useCase(caseId);
  const messages = useMessages(caseId);
  if (query.isLoading) return <Loading label="Loading the case…" />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) return <NotFound />;
    return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (!query.data) return null;
  return (
    <CaseView
      key={caseId}
      c={query.data}
      messages={messages.data}
      messagesError={messages.error}
      messagesLoading={messages.isLoading}
      compose={compose}
    />
  );
};

const CaseView = ({
  c,
  messages,
  messagesError,
  messagesLoading,
  compose,
}: {
  c: CaseDetail;
  messages: Message[] | undefined;
  messagesError: unknown;
  messagesLoading: boolean;
  compose: "reply" | "note" | undefined;
}) => {
  const session = useSession();
  const queryClient = useQueryClient();
  const users = useUsers();
  const now = useNow();
  const composer = useRef<ComposerHandle>(null);
  const [typing, setTyping] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [conflict, setConflict] = useState<PendingConflict | null>(null);
  const [applying, setApplying] = useState(false);
  // The conversation paints first; the composer (a rich-text editor) mounts right after.
  const [painted, setPainted] = useState(false);
  useEffect(() => setPainted(true), []);
  const present = usePresence(c.id, session.user.id, typing);
  const caseEmail = useCaseEmail(c.id);
  const history = useCaseHistory(c.id);
  const presence = describePresence(present);

  const nameOf = useCallback(
    (id: string | null) => (id ? (users.data?.find((u) => u.id === id)?.name ?? null) : null),
    [users.data],
  );

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: caseKey(c.id) });
    void queryClient.invalidateQueries({ queryKey: messagesKey(c.id) });
  }, [queryClient, c.id]);

  const attempt = useCallback(
    async (patch: UpdateCaseInput, version: number, base: CaseDetail): Promise<boolean> => {
      try {
        await queryClient.cancelQueries({ queryKey: caseKey(c.id) });
        const updated = await patchCase(c.id, version, patch);
        mergeIntoDetail(queryClient, updated);
        invalidateCaseLists(queryClient);
        setErrors((e) => {
          const next = { ...e };
          for (const k of Object.keys(patch)) delete next[k];
          return next;
        });
        return true;
      } catch (err) {
        if (isVersionConflict(err)) {
          setConflict((prev) => ({
            edit: { ...(prev?.edit ?? {}), ...patch },
            base: prev?.base ?? base,
            changedBy: nameOf(lastActorOf(c.id)),
          }));
          refresh();
        } else if (err instanceof ApiError && err.field) {
          setErrors((e) => ({ ...e, [err.field as string]: err.message }));
          if (!FIELDS_WITH_INPUTS.some((f) => err.field === f || err.field?.startsWith(`${f}.`))) {
            notifications.show({ color: "red", title: "Not saved", message: err.message });
          }
        } else {
          notifications.show({ color: "red", title: "Not saved", message: errorMessage(err) });
        }
        return false;
      }
    },
    [c.id, queryClient, nameOf, refresh],
  );

  const save = useCallback(async (patch: UpdateCaseInput) => await attempt(patch, c.version, c), [attempt, c]);

  const applyMine = async () => {
    if (!conflict) return;
    const rebased = rebaseEdit(conflict.edit, c);
    if (!rebased) {
      setConflict(null);
      notifications.show({ message: "The latest version already has your changes." });
      return;
    }
    setApplying(true);
    const ok = await attempt(rebased, c.version, c);
    setApplying(false);
    if (ok) {
      setConflict(null);
      notifications.show({ color: "green", message: "Your changes were applied to the latest version." });
    }
  };

  const solvable = c.abilities.update && c.status !== "solved" && c.status !== "closed";
  const takeable = c.abilities.assign && c.status !== "closed" && c.owner?.id !== session.user.id;
  const take = () => {
    void save({ ownerId: session.user.id }).then(
      (ok) => ok && notifications.show({ color: "green", message: `Case #${c.number} is yours now.` }),
    );
  };
  const solve = useCallback(() => {
    void save({ status: "solved" }).then(
      (ok) => ok && notifications.show({ color: "green", message: `Case #${c.number} solved.` }),
    );
  }, [save, c.number]);

  useEffect(() => {
    if (compose && painted) composer.current?.focus(compose);
  }, [compose, painted]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector("[role=dialog]")) return;
      const cmd = commandForKey({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        inField: isTypingTarget(e.target),
      });
      if (cmd === "reply" || cmd === "note") {
        e.preventDefault();
        composer.current?.focus(cmd);
      } else if (cmd === "solve" && solvable) {
        e.preventDefault();
        solve();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [solvable, solve]);

  const format = (field: EditField, value: EditValue): string => {
    if (value === null || value === undefined || value === "") return "—";
    switch (field) {
      case "ownerId":
      case "requesterId":
        return nameOf(String(value)) ?? (c.owner?.id === value ? c.owner.name : "an employee");
      case "teamId":
        return c.team?.id === value ? c.team.name : "a team";
      case "organizationId":
        return c.organization?.id === value ? c.organization.name : "an organization";
      case "status":
        return STATUS_LABEL[value as CaseDetail["status"]];
      case "priority":
        return PRIORITY_LABEL[value as CaseDetail["priority"]];
      case "type":
        return TYPE_LABEL[value as CaseDetail["type"]];
      case "nextStepDueAt":
        return formatAbsolute(String(value));
      case "tags":
        return (value as string[]).join(", ") || "—";
      case "customFields":
        return Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(", ");
      default:
        return String(value);
    }
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs" wrap="nowrap">
            <Text c="dimmed" fw={600} size="lg" style={{ flex: "none" }}>
              #{c.number}
            </Text>
            <Title order={1} fz="xl" lineClamp={2}>
              {c.subject}
            </Title>
          </Group>
          <Group gap="xs">
            <StatusBadge status={c.status} />
            <PriorityText priority={c.priority} />
            <Text size="sm" c="dimmed">
              · {TYPE_LABEL[c.type]} · via {c.channel.replace("_", " ")} · opened{" "}
              <Tooltip label={formatAbsolute(c.createdAt)}>
                <time dateTime={c.createdAt}>{describeAgo(c.createdAt, now)}</time>
              </Tooltip>
              {c.owner ? ` · owned by ${c.owner.name}` : ""}
            </Text>
          </Group>
        </Stack>
        <Group gap="xs" wrap="nowrap" style={{ flex: "none" }}>
          {presence ? (
            <Badge
              color="grape"
              variant="light"
              size="lg"
              leftSection={<IconEye size={14} />}
              role="status"
              aria-live="polite"
              data-testid="presence"
              tt="none"
            >
              {presence}
            </Badge>
          ) : null}
          {takeable ? (
            <Button variant="default" leftSection={<IconHandGrab size={16} />} onClick={take}>
              Take
            </Button>
          ) : null}
          {solvable ? (
            <Tooltip label="Solve (e)">
              <Button color="green" autoContrast leftSection={<IconCheck size={16} />} onClick={solve}>
                Solve
              </Button>
            </Tooltip>
          ) : null}
        </Group>
      </Group>

      {c.mergedIntoId ? (
        <Alert color="grape" variant="light">
          This case was merged into{" "}
          <Anchor
            renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: c.mergedIntoId ?? "" }} />}
          >
            another case
          </Anchor>
          ; continue there.
        </Alert>
      ) : null}

      {conflict ? (
        <ConflictBanner
          conflict={conflict}
          latest={c}
          format={format}
          applying={applying}
          onReload={() => {
            setConflict(null);
            setErrors({});
            refresh();
          }}
          onApplyMine={() => void applyMine()}
        />
      ) : null}

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <ExecutiveSection c={c} reportError={errors.report} />
            {messagesLoading ? (
              <Loading label="Loading the conversation…" />
            ) : messagesError ? (
              <ErrorAlert error={messagesError} />
            ) : (
              <CaseThread messages={messages ?? []} mail={caseEmail.data?.messages} history={history.data} />
            )}
            {painted ? (
              <Composer
                ref={composer}
                caseId={c.id}
                abilities={c.abilities}
                initialKind={compose}
                closed={c.status === "closed"}
                onTypingChange={setTyping}
              />
            ) : (
              <div className="composer" style={{ minHeight: 210 }} />
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <CaseSidePanel
            c={c}
            save={save}
            errors={errors}
            clearErrors={(fields) =>
              setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !fields.includes(k))))
            }
          >
            <CaseSlaSection caseId={c.id} version={c.version} />
            <CommitmentsSection
              caseId={c.id}
              canAdd={c.abilities.update}
              canLogCall={c.abilities.reply && c.status !== "closed"}
            />
            <RootCauseSection c={c} error={errors.rootCause} />
            <RemedyPanel c={c} />
            <CaseSatisfactionSection c={c} />
            <CustomerSection c={c} save={save} orgError={errors.organizationId} ready={!messagesLoading} />
            <FollowersSection c={c} selfId={session.user.id} />
            <LinksSection c={c} />
          </CaseSidePanel>
        </Grid.Col>
      </Grid>
    </Stack>
  );
};
