import { Anchor, Badge, Button, Group, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { api, fieldError } from "../../app/api-client";
import type { CaseDetail } from "../../app/wire";
import { formatAbsolute } from "../../ui/due-time";
import { ErrorAlert } from "../../ui/states";
import { useKbCategories } from "../knowledge/knowledge-page";
import type { CaseCsat, CaseServiceFailure, KbArticle, ServiceFailure } from "../knowledge/wire";

const CsatResult = ({ caseId, version }: { caseId: string; version: number }) => {
  const csat = useQuery({
    queryKey: ["case-csat", caseId, version],
    queryFn: async () => await api<CaseCsat>(`/cases/${caseId}/csat`),
  });
  const s = csat.data?.survey;
  if (!s) return null;
  return (
    <Stack gap={4} aria-label="Satisfaction survey" role="group">
      <Group gap="xs">
        <Text size="sm" fw={500}>
          Satisfaction survey
        </Text>
        {s.rating ? (
          <Badge color={s.rating === "good" ? "green" : "red"}>{s.rating === "good" ? "Good" : "Bad"}</Badge>
        ) : (
          <Badge variant="light" color="gray">
            {s.status === "scheduled" ? `Goes out ${formatAbsolute(s.sendAt)}` : s.status}
          </Badge>
        )}
      </Group>
      {s.comment && <Text size="sm">“{s.comment}”</Text>}
      {s.recoveryCase && (
        <Anchor
          size="sm"
          renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: s.recoveryCase?.id ?? "" }} />}
        >
          Recovery case #{s.recoveryCase.number}
        </Anchor>
      )}
    </Stack>
  );
};

const STEPS = [
  { key: "apology", label: "Apology given" },
  { key: "fix", label: "Fix" },
  { key: "followUp", label: "Follow-up" },
] as const;

const FailureForm = ({ caseId, failure }: { caseId: string; failure: ServiceFailure | null }) => {
  const qc = useQueryClient();
  const [form, setForm] = useState({
    whatWentWrong: failure?.whatWentWrong ?? "",
    apology: failure?.apology ?? "",
    fix: failure?.fix ?? "",
    followUp: failure?.followUp ?? "",
    remedyId: failure?.remedy?.id ?? null,
  });
  const remedies = useQuery({
    queryKey: ["case-remedies-for-failure", caseId],
    queryFn: async () =>
      await api<{ items: { id: string; kind: string; description: string }[] }>(
        `/cases/${caseId}/remedies?currency=EUR`,
      ),
  });
  const save = useMutation({
    mutationFn: async () =>
      await api<ServiceFailure>(`/cases/${caseId}/service-failure`, {
        method: "PUT",
        body: {
          whatWentWrong: form.whatWentWrong,
          occurredAt: failure?.occurredAt ?? new Date().toISOString(),
          apology: form.apology.trim() || null,
          fix: form.fix.trim() || null,
          followUp: form.followUp.trim() || null,
          remedyId: form.remedyId,
        },
      }),
    onSuccess: async () => {
      notifications.show({ message: failure ? "Recovery recorded" : "Marked as a service failure", color: "green" });
      await qc.invalidateQueries({ queryKey: ["case-service-failure", caseId] });
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="xs">
        <Textarea
          label="What went wrong"
          value={form.whatWentWrong}
          onChange={(e) => setForm({ ...form, whatWentWrong: e.currentTarget.value })}
          error={fieldError(save.error, "whatWentWrong")}
          autosize
          minRows={2}
        />
        {failure &&
          STEPS.map((s) => (
            <Textarea
              key={s.key}
              label={s.label}
              value={form[s.key]}
              onChange={(e) => setForm({ ...form, [s.key]: e.currentTarget.value })}
              autosize
              minRows={1}
            />
          ))}
        {failure && (
          <Select
            label="Remedy (from the ledger)"
            placeholder="None"
            clearable
            data={(remedies.data?.items ?? []).map((r) => ({ value: r.id, label: `${r.kind}: ${r.description}` }))}
            value={form.remedyId}
            onChange={(v) => setForm({ ...form, remedyId: v })}
            error={fieldError(save.error, "remedyId")}
          />
        )}
        {save.error && !fieldError(save.error, "whatWentWrong") && <ErrorAlert error={save.error} />}
        <Button type="submit" size="xs" variant="light" loading={save.isPending} disabled={!form.whatWentWrong.trim()}>
          {failure ? "Save recovery" : "Mark as service failure"}
        </Button>
      </Stack>
    </form>
  );
};

const ArticleFromCase = ({ caseId }: { caseId: string }) => {
  const categories = useKbCategories();
  const navigate = useNavigate();
  const [categoryId, setCategoryId] = useState<string | null>(null);
  useEffect(() => {
    if (!categoryId && categories.data?.[0]) setCategoryId(categories.data[0].id);
  }, [categories.data, categoryId]);
  const create = useMutation({
    mutationFn: async () =>
      await api<KbArticle>(`/cases/${caseId}/kb-article`, { method: "POST", body: { categoryId } }),
    onSuccess: async () => {
      notifications.show({ message: "Draft article created from this case", color: "green" });
      await navigate({ to: "/knowledge" });
    },
  });
  if (!categories.data?.length) return null;
  return (
    <Group align="flex-end" gap="xs">
      <Select
        label="Help article from this case"
        data={categories.data.map((c) => ({ value: c.id, label: c.name }))}
        value={categoryId}
        onChange={setCategoryId}
        allowDeselect={false}
        size="xs"
      />
      <Button size="xs" variant="default" onClick={() => create.mutate()} loading={create.isPending}>
        Create draft
      </Button>
    </Group>
  );
};

/** The customer's verdict on the case, and the service failure and its recovery when there was one. */
export const CaseSatisfactionSection = ({ c }: { c: CaseDetail }) => {
  const failure = useQuery({
    queryKey: ["case-service-failure", c.id],
    queryFn: async () => await api<CaseServiceFailure>(`/cases/${c.id}/service-failure`),
  });
  const [open, setOpen] = useState(false);
  return (
    <Stack gap="xs">
      <Title order={2} size="h5">
        Satisfaction and recovery
      </Title>
      <CsatResult caseId={c.id} version={c.version} />
      {failure.data?.failure ? (
        <Text size="sm">
          <Badge color="orange" variant="light" mr={6}>
            Service failure
          </Badge>
          {failure.data.failure.whatWentWrong}
        </Text>
      ) : null}
      {failure.data?.abilities.record &&
        (open || failure.data.failure ? (
          <FailureForm key={failure.data.failure?.id ?? "new"} caseId={c.id} failure={failure.data.failure} />
        ) : (
          <Button size="xs" variant="subtle" onClick={() => setOpen(true)}>
            Mark as service failure…
          </Button>
        ))}
      {(c.status === "solved" || c.status === "closed") && <ArticleFromCase caseId={c.id} />}
    </Stack>
  );
};
