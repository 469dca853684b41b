import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { formatAbsolute } from "../../ui/due-time";
import { Empty, ErrorAlert, Loading } from "../../ui/states";
import { afterRemedyChange, type ReviewStatusFilter, useReviewQueue } from "./everyones-job.queries";
import { ABOVE_LIMIT_BADGE, REMEDY_KIND_LABEL, REVIEW_STATUS_COLOR, REVIEW_STATUS_LABEL } from "./labels";
import { formatMoney } from "./money";
import type { Remedy } from "./wire";

const FILTERS: { value: ReviewStatusFilter; label: string }[] = [
  { value: "pending", label: "Awaiting review" },
  { value: "discuss", label: "To discuss" },
  { value: "approved", label: "Approved" },
];

const EMPTY: Record<ReviewStatusFilter, string> = {
  pending: "Nothing awaits review",
  discuss: "Nothing to discuss",
  approved: "Nothing approved yet",
};

const ReviewActions = ({ r }: { r: Remedy }) => {
  const queryClient = useQueryClient();
  const [discussing, setDiscussing] = useState(false);
  const [note, setNote] = useState("");
  const review = useMutation({
    mutationFn: async (body: { outcome: "approve" | "discuss"; note?: string }) =>
      await api<Remedy>(`/remedies/${r.id}/review`, { method: "POST", body }),
    onSuccess: (saved) => {
      afterRemedyChange(queryClient, saved.caseId);
      notifications.show({
        color: "green",
        message:
          saved.reviewStatus === "approved"
            ? `Approved the ${formatMoney(saved.amountMinor, saved.currency)} ${REMEDY_KIND_LABEL[saved.kind].toLowerCase()} on case #${saved.caseNumber}.`
            : `Marked for discussion with ${saved.grantedBy.name}. The customer keeps the remedy.`,
      });
    },
  });
  if (discussing) {
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          review.mutate({ outcome: "discuss", note: note.trim() });
        }}
      >
        <Stack gap={6}>
          <Textarea
            label={`What to discuss with ${r.grantedBy.name}`}
            description="The customer keeps what they were given; this starts a conversation."
            autosize
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fieldError(review.error, "note")}
          />
          {review.error && !fieldError(review.error, "note") ? (
            <Text size="xs" c="red" role="alert">
              {errorMessage(review.error)}
            </Text>
          ) : null}
          <Group gap="xs">
            <Button
              type="submit"
              size="xs"
              color="grape"
              autoContrast
              loading={review.isPending}
              disabled={!note.trim()}
            >
              Ask to discuss
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setDiscussing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Button
          size="xs"
          color="green"
          autoContrast
          loading={review.isPending}
          onClick={() => review.mutate({ outcome: "approve" })}
        >
          Approve
        </Button>
        <Button size="xs" variant="default" onClick={() => setDiscussing(true)}>
          Discuss
        </Button>
      </Group>
      {review.error ? (
        <Text size="xs" c="red" role="alert">
          {errorMessage(review.error)}
        </Text>
      ) : null}
    </Stack>
  );
};

const ReviewCard = ({ r }: { r: Remedy }) => (
  <Paper
    withBorder
    p="sm"
    radius="md"
    component="li"
    style={{ listStyle: "none" }}
    aria-label={`Remedy on case #${r.caseNumber}`}
  >
    <Group justify="space-between" align="flex-start" gap="md">
      <Stack gap={4} style={{ flex: 1, minWidth: 240 }}>
        <Group gap="xs">
          <Text fw={700}>
            {formatMoney(r.amountMinor, r.currency)} {REMEDY_KIND_LABEL[r.kind].toLowerCase()}
          </Text>
          <Badge color={REVIEW_STATUS_COLOR[r.reviewStatus]} variant="light" tt="none">
            {REVIEW_STATUS_LABEL[r.reviewStatus]}
          </Badge>
          <Badge color="orange" variant="light" tt="none">
            {ABOVE_LIMIT_BADGE[r.aboveLimit]}
          </Badge>
        </Group>
        <Text size="sm">{r.description}</Text>
        <Text size="sm">
          <Text span c="dimmed" size="sm">
            Why:{" "}
          </Text>
          {r.justification ?? "—"}
        </Text>
        <Text size="xs" c="dimmed">
          Granted by {r.grantedBy.name} on{" "}
          <Anchor
            renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: r.caseId }} />}
            size="xs"
            underline="always"
          >
            case #{r.caseNumber}
          </Anchor>
          , <time dateTime={r.grantedAt}>{formatAbsolute(r.grantedAt)}</time>
        </Text>
        {r.review ? (
          <Text size="xs" c="dimmed">
            {REVIEW_STATUS_LABEL[r.reviewStatus]} by {r.review.by?.name ?? "a former employee"},{" "}
            <time dateTime={r.review.at}>{formatAbsolute(r.review.at)}</time>
            {r.review.note ? `: ${r.review.note}` : ""}
          </Text>
        ) : null}
      </Stack>
      {r.abilities.review && r.reviewStatus === "pending" ? <ReviewActions r={r} /> : null}
    </Group>
  </Paper>
);

/** Remedies granted beyond authority, reviewed after the fact; approving or discussing never takes anything back. */
export const ReviewsPage = () => {
  const [status, setStatus] = useState<ReviewStatusFilter>("pending");
  const query = useReviewQueue(status);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={1} fz="xl">
            Remedy review queue
          </Title>
          <Text size="sm" c="dimmed">
            Remedies granted above someone's authority, already given to the customer. Approve them, or ask to discuss.
          </Text>
        </Stack>
        <Group gap="sm">
          <SegmentedControl
            aria-label="Show"
            value={status}
            onChange={(v) => setStatus(v as ReviewStatusFilter)}
            data={FILTERS}
          />
          <Button component={Link} to="/remedies/ledger" variant="default" size="sm">
            Ledger
          </Button>
        </Group>
      </Group>
      {query.isLoading ? (
        <Loading label="Loading the review queue…" />
      ) : query.error ? (
        <ErrorAlert
          error={query.error}
          title="The review queue could not be loaded"
          onRetry={() => void query.refetch()}
        />
      ) : (query.data ?? []).length === 0 ? (
        <Empty title={EMPTY[status]}>Remedies within authority are granted at once and never come here.</Empty>
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} aria-label="Flagged remedies">
          {(query.data ?? []).map((r) => (
            <ReviewCard key={r.id} r={r} />
          ))}
        </Stack>
      )}
    </Stack>
  );
};
