import {
  Alert,
  Badge,
  Button,
  Divider,
  Group,
  Progress,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { REMEDY_KINDS, type RemedyKind } from "../../../shared/contracts/remedies";
import { api, errorMessage, fieldError } from "../../app/api-client";
import type { CaseDetail } from "../../app/wire";
import { formatAbsolute } from "../../ui/due-time";
import { options } from "../../ui/labels";
import { ErrorAlert, Loading } from "../../ui/states";
import { ABOVE_LIMIT_LABEL, assessRemedy, grantableWithoutReview, usedPercent } from "./authority";
import { afterRemedyChange, useCaseRemedies } from "./everyones-job.queries";
import { REMEDY_KIND_LABEL, REVIEW_STATUS_COLOR, REVIEW_STATUS_LABEL } from "./labels";
import { CURRENCIES, formatMoney, formatTotals, parseMoney } from "./money";
import type { Authority, GrantedRemedy, Remedy } from "./wire";

const SOURCE_LABEL: Record<Authority["source"], string> = {
  user: "your personal limit",
  role: "your role's limit",
  default: "the standard limit",
};

const AuthoritySummary = ({ a }: { a: Authority }) => (
  <Stack gap={4} aria-label="Your remaining authority" role="group">
    <Text size="sm">
      Up to <strong>{formatMoney(a.perRemedyMinor, a.currency)}</strong> per remedy;{" "}
      <strong>{formatMoney(a.remainingLast30DaysMinor, a.currency)}</strong> of{" "}
      {formatMoney(a.per30DaysMinor, a.currency)} left in the last 30 days.
    </Text>
    <Progress
      value={usedPercent(a)}
      size="sm"
      color={usedPercent(a) >= 90 ? "orange" : "indigo"}
      aria-label={`${usedPercent(a)}% of your 30-day authority used`}
    />
    <Text size="xs" c="dimmed">
      No approval needed up to {formatMoney(grantableWithoutReview(a), a.currency)} · {SOURCE_LABEL[a.source]}
    </Text>
  </Stack>
);

const RemedyLine = ({ r }: { r: Remedy }) => (
  <Stack gap={2} component="li" style={{ listStyle: "none" }}>
    <Group gap={6} justify="space-between" wrap="nowrap">
      <Text size="sm" fw={600}>
        {REMEDY_KIND_LABEL[r.kind]} · {formatMoney(r.amountMinor, r.currency)}
      </Text>
      {r.reviewStatus !== "not_required" ? (
        <Badge size="sm" variant="light" color={REVIEW_STATUS_COLOR[r.reviewStatus]}>
          {REVIEW_STATUS_LABEL[r.reviewStatus]}
        </Badge>
      ) : null}
    </Group>
    <Text size="sm">{r.description}</Text>
    <Text size="xs" c="dimmed">
      {r.grantedBy.name} · <time dateTime={r.grantedAt}>{formatAbsolute(r.grantedAt)}</time>
    </Text>
    {r.justification ? (
      <Text size="xs" c="dimmed">
        Why above authority: {r.justification}
      </Text>
    ) : null}
    {r.review?.note ? (
      <Text size="xs" c="dimmed">
        Review note{r.review.by ? ` by ${r.review.by.name}` : ""}: {r.review.note}
      </Text>
    ) : null}
  </Stack>
);

const GrantForm = ({
  caseId,
  authority,
  currency,
  setCurrency,
  onDone,
}: {
  caseId: string;
  authority: Authority;
  currency: string;
  setCurrency: (c: string) => void;
  onDone: () => void;
}) => {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<RemedyKind>("refund");
  const [amount, setAmount] = useState("");
  const [description, setDescription] = useState("");
  const [justification, setJustification] = useState("");
  const amountMinor = parseMoney(amount, currency);
  const assessment = amountMinor === null ? null : assessRemedy(authority, amountMinor);
  const above = assessment !== null && assessment.aboveLimit !== "no";
  const grant = useMutation({
    mutationFn: async () =>
      await api<GrantedRemedy>(`/cases/${caseId}/remedies`, {
        method: "POST",
        body: {
          kind,
          amountMinor: amountMinor ?? -1,
          currency,
          description: description.trim(),
          ...(above && justification.trim() ? { justification: justification.trim() } : {}),
        },
      }),
    onSuccess: (granted) => {
      afterRemedyChange(queryClient, caseId);
      notifications.show({
        color: "green",
        message:
          granted.remedy.aboveLimit === "no"
            ? `${formatMoney(granted.remedy.amountMinor, granted.remedy.currency)} granted.`
            : `${formatMoney(granted.remedy.amountMinor, granted.remedy.currency)} granted; flagged for review afterwards.`,
      });
      onDone();
    },
  });
  const err = grant.error;
  const amountError =
    amount.trim() && amountMinor === null ? `Not an amount in ${currency}` : fieldError(err, "amountMinor");
  return (
    <form
      aria-label="Grant a remedy"
      onSubmit={(e) => {
        e.preventDefault();
        grant.mutate();
      }}
    >
      <Stack gap={6}>
        <Group gap={6} grow align="flex-start">
          <Select
            label="Kind"
            data={options(REMEDY_KIND_LABEL, REMEDY_KINDS)}
            value={kind}
            onChange={(v) => v && setKind(v as RemedyKind)}
            allowDeselect={false}
            error={fieldError(err, "kind")}
          />
          <Select
            label="Currency"
            data={CURRENCIES}
            value={currency}
            onChange={(v) => v && setCurrency(v)}
            allowDeselect={false}
            error={fieldError(err, "currency")}
          />
        </Group>
        <TextInput
          label={`Amount (${currency})`}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.currentTarget.value)}
          error={amountError}
          description={amountMinor !== null ? formatMoney(amountMinor, currency) : "e.g. 40 or 12.50"}
        />
        <Textarea
          label="What the customer gets"
          autosize
          minRows={2}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={fieldError(err, "description")}
        />
        {assessment ? (
          <Alert color={above ? "orange" : "green"} variant="light" p="xs" aria-live="polite">
            <Text size="xs">
              {above
                ? `${ABOVE_LIMIT_LABEL[assessment.aboveLimit]}. You can still grant it: write why, and it is reviewed afterwards.`
                : `Within your authority: granted at once, no approval step. ${formatMoney(assessment.remainingAfterMinor, currency)} left afterwards.`}
            </Text>
          </Alert>
        ) : null}
        {above ? (
          <Textarea
            label="Justification"
            autosize
            minRows={2}
            required
            value={justification}
            onChange={(e) => setJustification(e.currentTarget.value)}
            error={fieldError(err, "justification")}
          />
        ) : null}
        {err && !["kind", "currency", "amountMinor", "description", "justification"].some((f) => fieldError(err, f)) ? (
          <Text size="xs" c="red" role="alert">
            {errorMessage(err)}
          </Text>
        ) : null}
        <Group gap="xs">
          <Button
            type="submit"
            size="xs"
            loading={grant.isPending}
            disabled={amountMinor === null || !description.trim() || (above && !justification.trim())}
          >
            Grant remedy
          </Button>
          <Button size="xs" variant="subtle" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

/** The case's remedies, what they add up to, and what the employee may still give without asking anyone. */
export const RemedyPanel = ({ c }: { c: CaseDetail }) => {
  const [currency, setCurrency] = useState("EUR");
  const [granting, setGranting] = useState(false);
  const remedies = useCaseRemedies(c.id, currency);
  const data = remedies.data;
  return (
    <Stack gap={6} component="section" aria-labelledby={`remedies-${c.id}`}>
      <Divider />
      <Group justify="space-between">
        <Title order={2} fz="xs" tt="uppercase" c="dimmed" fw={700} id={`remedies-${c.id}`}>
          Remedies
        </Title>
        {data && data.totals.length > 0 ? (
          <Text size="xs" c="dimmed">
            Total {formatTotals(data.totals)}
          </Text>
        ) : null}
      </Group>
      {remedies.isLoading ? (
        <Loading label="Loading remedies…" />
      ) : remedies.error ? (
        <ErrorAlert
          error={remedies.error}
          title="Remedies could not be loaded"
          onRetry={() => void remedies.refetch()}
        />
      ) : data ? (
        <>
          {data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No remedy given yet.
            </Text>
          ) : (
            <Stack gap="xs" component="ul" p={0} m={0} aria-label="Remedies on this case">
              {data.items.map((r) => (
                <RemedyLine key={r.id} r={r} />
              ))}
            </Stack>
          )}
          {c.abilities.note && c.status !== "closed" ? (
            <>
              <AuthoritySummary a={data.authority} />
              {granting ? (
                <GrantForm
                  caseId={c.id}
                  authority={data.authority}
                  currency={currency}
                  setCurrency={setCurrency}
                  onDone={() => setGranting(false)}
                />
              ) : (
                <Button size="xs" variant="light" w="fit-content" onClick={() => setGranting(true)}>
                  Grant a remedy
                </Button>
              )}
            </>
          ) : null}
        </>
      ) : null}
    </Stack>
  );
};
