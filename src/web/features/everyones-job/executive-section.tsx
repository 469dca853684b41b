import { Badge, Button, Group, Paper, SegmentedControl, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCrown } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import type { VerificationOutcome } from "../../../shared/contracts/executive";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useEmployeeOptions } from "../../app/directory";
import { useSession } from "../../app/session";
import type { CaseDetail } from "../../app/wire";
import { formatAbsolute } from "../../ui/due-time";
import { ErrorAlert } from "../../ui/states";
import { executiveCaseKey, markLettersRead, useExecutiveCase, useLetterAlerts } from "./everyones-job.queries";
import { OUTCOME_LABEL, STAGE_COLOR, STAGE_LABEL } from "./labels";
import type { ExecutiveCase } from "./wire";

const FormError = ({ err, fields }: { err: unknown; fields: string[] }) =>
  err && !fields.some((f) => fieldError(err, f)) ? (
    <Text size="xs" c="red" role="alert">
      {errorMessage(err)}
    </Text>
  ) : null;

/** Any change on the executive side also changes the case (owner, status, next step) and its thread. */
const useExecutiveAction = <B,>(caseId: string, path: string, method: "POST" | "PUT", success: string) => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: B) => await api<ExecutiveCase>(`/executive/cases/${caseId}${path}`, { method, body }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: executiveCaseKey(caseId) });
      void queryClient.invalidateQueries({ queryKey: ["case", caseId] });
      void queryClient.invalidateQueries({ queryKey: ["messages", caseId] });
      void queryClient.invalidateQueries({ queryKey: ["executive-dashboard"] });
      notifications.show({ color: "green", message: success });
    },
  });
};

const DelegateForm = ({ e, onDone }: { e: ExecutiveCase; onDone?: () => void }) => {
  const employees = useEmployeeOptions();
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const delegate = useExecutiveAction<{ ownerId: string; note: string }>(
    e.caseId,
    "/delegate",
    "POST",
    "Delegated. The owner writes the report before the case can be solved.",
  );
  return (
    <form
      aria-label="Delegate this case"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (ownerId) delegate.mutate({ ownerId, note: note.trim() }, { onSuccess: onDone });
      }}
    >
      <Stack gap={6}>
        <Group gap="xs" align="flex-start" grow>
          <Select
            label="Delegate to"
            placeholder="Any employee"
            data={employees.options}
            value={ownerId}
            onChange={setOwnerId}
            searchable
            nothingFoundMessage={employees.loading ? "Loading employees…" : "Nobody by that name"}
            error={fieldError(delegate.error, "ownerId")}
          />
          <Textarea
            label="Note to the owner"
            autosize
            minRows={1}
            value={note}
            onChange={(ev) => setNote(ev.currentTarget.value)}
            error={fieldError(delegate.error, "note")}
          />
        </Group>
        <FormError err={delegate.error} fields={["ownerId", "note"]} />
        <Group gap="xs">
          <Button type="submit" size="xs" loading={delegate.isPending} disabled={!ownerId || !note.trim()}>
            Delegate
          </Button>
          {onDone ? (
            <Button size="xs" variant="subtle" onClick={onDone}>
              Cancel
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
};

interface ReportBody {
  customerSaid: string;
  actionsTaken: string;
  remedyGiven: string;
  customerSatisfied: boolean;
}

const ReportForm = ({ e, onDone }: { e: ExecutiveCase; onDone?: () => void }) => {
  const previous = e.report;
  const [customerSaid, setCustomerSaid] = useState(previous?.customerSaid ?? "");
  const [actionsTaken, setActionsTaken] = useState(previous?.actionsTaken ?? "");
  const [remedyGiven, setRemedyGiven] = useState(previous?.remedyGiven ?? "");
  const [satisfied, setSatisfied] = useState<"yes" | "no" | null>(null);
  const file = useExecutiveAction<ReportBody>(e.caseId, "/report", "PUT", "Report filed for the executive.");
  const fields = ["customerSaid", "actionsTaken", "remedyGiven", "customerSatisfied"];
  return (
    <form
      aria-label="Written feedback report"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (satisfied)
          file.mutate(
            {
              customerSaid: customerSaid.trim(),
              actionsTaken: actionsTaken.trim(),
              remedyGiven: remedyGiven.trim(),
              customerSatisfied: satisfied === "yes",
            },
            { onSuccess: onDone },
          );
      }}
    >
      <Stack gap={6}>
        <Textarea
          label="What the customer said"
          autosize
          minRows={2}
          value={customerSaid}
          onChange={(ev) => setCustomerSaid(ev.currentTarget.value)}
          error={fieldError(file.error, "customerSaid")}
        />
        <Textarea
          label="What was done"
          autosize
          minRows={2}
          value={actionsTaken}
          onChange={(ev) => setActionsTaken(ev.currentTarget.value)}
          error={fieldError(file.error, "actionsTaken")}
        />
        <Textarea
          label="Remedy given"
          autosize
          minRows={1}
          value={remedyGiven}
          onChange={(ev) => setRemedyGiven(ev.currentTarget.value)}
          error={fieldError(file.error, "remedyGiven")}
        />
        <Stack gap={2}>
          <Text size="sm" fw={500} id={`satisfied-${e.caseId}`}>
            Does the customer say they are satisfied?
          </Text>
          <SegmentedControl
            size="xs"
            w="fit-content"
            aria-labelledby={`satisfied-${e.caseId}`}
            value={satisfied ?? ""}
            onChange={(v) => setSatisfied(v as "yes" | "no")}
            data={[
              { value: "yes", label: "Yes, satisfied" },
              { value: "no", label: "No, not satisfied" },
            ]}
          />
        </Stack>
        <FormError err={file.error} fields={fields} />
        <Group gap="xs">
          <Button
            type="submit"
            size="xs"
            loading={file.isPending}
            disabled={!customerSaid.trim() || !actionsTaken.trim() || !remedyGiven.trim() || !satisfied}
          >
            File the report
          </Button>
          {onDone ? (
            <Button size="xs" variant="subtle" onClick={onDone}>
              Cancel
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
};

const VerificationForm = ({ e }: { e: ExecutiveCase }) => {
  const [outcome, setOutcome] = useState<VerificationOutcome | "">("");
  const [notes, setNotes] = useState("");
  const attempt = e.verification.attemptsThisRound + 1;
  const unreachableAllowed = attempt >= e.verification.attemptsBeforeUnreachable;
  const record = useExecutiveAction<{ outcome: VerificationOutcome; notes: string }>(
    e.caseId,
    "/verification-calls",
    "POST",
    "Call recorded.",
  );
  return (
    <form
      aria-label="Verification call"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (outcome)
          record.mutate(
            { outcome, notes: notes.trim() },
            {
              onSuccess: () => {
                setOutcome("");
                setNotes("");
              },
            },
          );
      }}
    >
      <Stack gap={6}>
        <Stack gap={2}>
          <Text size="sm" fw={500} id={`outcome-${e.caseId}`}>
            How did the call go? (attempt {attempt})
          </Text>
          <SegmentedControl
            size="xs"
            w="fit-content"
            aria-labelledby={`outcome-${e.caseId}`}
            value={outcome}
            onChange={(v) => setOutcome(v as VerificationOutcome)}
            data={[
              { value: "satisfied", label: OUTCOME_LABEL.satisfied },
              { value: "not_satisfied", label: OUTCOME_LABEL.not_satisfied },
              { value: "no_answer", label: OUTCOME_LABEL.no_answer },
              { value: "unreachable", label: OUTCOME_LABEL.unreachable, disabled: !unreachableAllowed },
            ]}
          />
          <Text size="xs" c="dimmed">
            {outcome === "not_satisfied"
              ? "The case reopens to its owner, who files a new report."
              : outcome === "satisfied"
                ? "The case closes."
                : unreachableAllowed
                  ? "Unreachable closes the case."
                  : `Unreachable can be recorded from attempt ${e.verification.attemptsBeforeUnreachable}.`}
          </Text>
        </Stack>
        <Textarea
          label="Notes (only you and admins see them)"
          autosize
          minRows={2}
          value={notes}
          onChange={(ev) => setNotes(ev.currentTarget.value)}
          error={fieldError(record.error, "notes")}
        />
        <FormError err={record.error} fields={["notes"]} />
        <Button type="submit" size="xs" w="fit-content" loading={record.isPending} disabled={!outcome}>
          Record the call
        </Button>
      </Stack>
    </form>
  );
};

const Receipt = ({ e }: { e: ExecutiveCase }) => (
  <Text size="sm" data-testid="executive-receipt">
    {e.firstOpenedAt ? (
      <>
        {e.executive.name} first opened it <time dateTime={e.firstOpenedAt}>{formatAbsolute(e.firstOpenedAt)}</time>.
      </>
    ) : (
      <>{e.executive.name} has not opened it yet.</>
    )}
  </Text>
);

const ReportView = ({ report, superseded }: { report: NonNullable<ExecutiveCase["report"]>; superseded: boolean }) => (
  <Stack gap={4}>
    <Text size="sm" fw={600}>
      Report by {report.filedBy?.name ?? "a former employee"},{" "}
      <time dateTime={report.filedAt}>{formatAbsolute(report.filedAt)}</time>
      {superseded ? " (before the case reopened)" : ""}
    </Text>
    <dl>
      <Text component="dt" size="xs" c="dimmed">
        What the customer said
      </Text>
      <Text component="dd" size="sm" m={0} mb={4}>
        {report.customerSaid}
      </Text>
      <Text component="dt" size="xs" c="dimmed">
        What was done
      </Text>
      <Text component="dd" size="sm" m={0} mb={4}>
        {report.actionsTaken}
      </Text>
      <Text component="dt" size="xs" c="dimmed">
        Remedy given
      </Text>
      <Text component="dd" size="sm" m={0} mb={4}>
        {report.remedyGiven}
      </Text>
      <Text component="dt" size="xs" c="dimmed">
        Customer satisfied
      </Text>
      <Text component="dd" size="sm" m={0}>
        {report.customerSatisfied ? "Yes, they say so" : "No"}
      </Text>
    </dl>
  </Stack>
);

/**
 * The executive line on the case page: the receipt, delegation (executive), the owner's written report, and the
 * executive's verification call. Renders nothing for an ordinary case.
 */
/** The executive reading their letter: its in-app alerts are read. */
const useReadAlertsOf = (caseId: string, executiveId: string | undefined) => {
  const session = useSession();
  const queryClient = useQueryClient();
  const mine = executiveId === session.user.id;
  const alerts = useLetterAlerts(mine);
  const unread = useMemo(() => (alerts.data ?? []).filter((n) => n.caseId === caseId), [alerts.data, caseId]);
  useEffect(() => {
    if (mine && unread.length > 0) void markLettersRead(queryClient, unread);
  }, [mine, unread, queryClient]);
};

export const ExecutiveSection = ({ c, reportError }: { c: CaseDetail; reportError: string | undefined }) => {
  const query = useExecutiveCase(c.id, c.version, c.executiveLine);
  useReadAlertsOf(c.id, query.data?.executive.id);
  const [redelegating, setRedelegating] = useState(false);
  const [editingReport, setEditingReport] = useState(false);
  if (query.error) {
    return (
      <ErrorAlert
        error={query.error}
        title="The executive line could not be loaded"
        onRetry={() => void query.refetch()}
      />
    );
  }
  const e = query.data;
  if (!e) return null;
  const open = c.status !== "solved" && c.status !== "closed";
  const canReport = e.abilities.fileReport && open;
  // A report stops being current when the case is solved on it; only a reopened case needs a new one.
  const currentReport = e.report && (e.report.current || !open) ? e.report : null;
  return (
    <Paper withBorder p="sm" radius="md" component="section" aria-labelledby={`exec-${e.caseId}`}>
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap={6}>
            <IconCrown size={18} aria-hidden />
            <Title order={2} fz="md" id={`exec-${e.caseId}`}>
              Executive line: written to {e.executive.name}
            </Title>
          </Group>
          <Badge color={STAGE_COLOR[e.stage]} variant="light" data-testid="executive-stage">
            {STAGE_LABEL[e.stage]}
          </Badge>
        </Group>
        <Receipt e={e} />

        {e.delegation ? (
          <Text size="sm">
            Delegated to <strong>{e.delegation.to.name}</strong>{" "}
            <time dateTime={e.delegation.at}>{formatAbsolute(e.delegation.at)}</time>: “{e.delegation.note}”
          </Text>
        ) : null}
        {e.abilities.delegate && open ? (
          e.delegation && !redelegating ? (
            <Button size="compact-xs" variant="subtle" w="fit-content" onClick={() => setRedelegating(true)}>
              Delegate to someone else
            </Button>
          ) : (
            <DelegateForm e={e} {...(e.delegation ? { onDone: () => setRedelegating(false) } : {})} />
          )
        ) : null}

        {currentReport && !editingReport ? (
          <>
            <ReportView report={currentReport} superseded={false} />
            {canReport ? (
              <Button size="compact-xs" variant="subtle" w="fit-content" onClick={() => setEditingReport(true)}>
                Change the report
              </Button>
            ) : null}
          </>
        ) : canReport ? (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Your written feedback report
            </Text>
            <Text size="xs" c={reportError ? "red" : "dimmed"} role={reportError ? "alert" : undefined}>
              {reportError ??
                "Needed before this case can be solved; the executive reads it before calling the customer."}
            </Text>
            <ReportForm e={e} {...(currentReport ? { onDone: () => setEditingReport(false) } : {})} />
          </Stack>
        ) : e.stage === "awaiting_report" ? (
          <Text size="sm" c="dimmed">
            Waiting for {c.owner?.name ?? "the owner"} to file the written report.
          </Text>
        ) : null}
        {!currentReport && e.report ? <ReportView report={e.report} superseded /> : null}

        {e.verification.status === "pending" ? (
          <Text size="sm">
            Verification call due{" "}
            {e.verification.dueAt ? (
              <time dateTime={e.verification.dueAt}>{formatAbsolute(e.verification.dueAt)}</time>
            ) : (
              "soon"
            )}
            {e.verification.attemptsThisRound > 0 ? ` · ${e.verification.attemptsThisRound} unanswered so far` : ""}.
          </Text>
        ) : null}
        {e.abilities.verify && e.verification.status === "pending" && c.status === "solved" ? (
          <VerificationForm e={e} />
        ) : null}
        {e.verification.calls.length > 0 ? (
          <Stack gap={4} component="ol" p={0} m={0} aria-label="Verification calls">
            {e.verification.calls.map((call) => (
              <Stack key={call.id} gap={0} component="li" style={{ listStyle: "none" }}>
                <Text size="sm">
                  <strong>{OUTCOME_LABEL[call.outcome]}</strong> · {call.calledBy?.name ?? "the executive"},{" "}
                  <time dateTime={call.calledAt}>{formatAbsolute(call.calledAt)}</time>
                </Text>
                {call.notes ? (
                  <Text size="xs" c="dimmed">
                    {call.notes}
                  </Text>
                ) : null}
              </Stack>
            ))}
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
};
