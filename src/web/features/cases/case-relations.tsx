import { Anchor, Badge, Button, CloseButton, Divider, Group, Pill, Select, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueries, useQuery } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { api, errorMessage } from "../../app/api-client";
import { useEmployeeOptions } from "../../app/directory";
import type { Case, CaseDetail } from "../../app/wire";
import { StatusBadge } from "../../ui/badges";
import { OrganizationPicker } from "../customers/organization-picker";
import { CasePicker, linkKindLabel } from "./case-picker";
import type { SaveCase } from "./case-side-panel";
import { caseKey, useCaseAction, useRelatedCases } from "./cases.queries";

const Heading = ({ children }: { children: React.ReactNode }) => (
  <Title order={2} fz="xs" tt="uppercase" c="dimmed" fw={700}>
    {children}
  </Title>
);

const CaseLinkRow = ({ c }: { c: Pick<Case, "id" | "number" | "subject" | "status"> }) => (
  <Group gap={6} wrap="nowrap">
    <Anchor
      size="sm"
      renderRoot={(props) => <Link {...props} to="/cases/$caseId" params={{ caseId: c.id }} />}
      truncate
      style={{ flex: 1, minWidth: 0 }}
    >
      #{c.number} {c.subject}
    </Anchor>
    <StatusBadge status={c.status} />
  </Group>
);

const OtherCases = ({
  label,
  cases,
  currentId,
  loading,
}: {
  label: string;
  cases: Case[] | undefined;
  currentId: string;
  loading: boolean;
}) => {
  const others = (cases ?? []).filter((x) => x.id !== currentId);
  return (
    <Stack gap={4} aria-label={label}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {loading ? (
        <Text size="xs" c="dimmed">
          Loading…
        </Text>
      ) : others.length === 0 ? (
        <Text size="xs" c="dimmed">
          None
        </Text>
      ) : (
        others.slice(0, 5).map((o) => <CaseLinkRow key={o.id} c={o} />)
      )}
    </Stack>
  );
};

/** `ready`: the thread has loaded, so these secondary lists do not delay it. */
export const CustomerSection = ({
  c,
  save,
  orgError,
  ready,
}: {
  c: CaseDetail;
  save: SaveCase;
  orgError: string | undefined;
  ready: boolean;
}) => {
  const byRequester = useRelatedCases({ requesterId: c.requester.id }, ready);
  const byOrg = useRelatedCases({ organizationId: c.organization?.id }, ready && !!c.organization);
  const [editingOrg, setEditingOrg] = useState(false);
  return (
    <Stack gap={6}>
      <Divider />
      <Heading>Customer</Heading>
      <Stack gap={0}>
        <Anchor
          fw={600}
          size="sm"
          renderRoot={(props) => <Link {...props} to="/contacts/$contactId" params={{ contactId: c.requester.id }} />}
        >
          {c.requester.name}
        </Anchor>
        {c.requester.email ? (
          <Text size="xs" c="dimmed">
            {c.requester.email}
          </Text>
        ) : null}
      </Stack>
      {editingOrg ? (
        <OrganizationPicker
          value={c.organization?.id ?? null}
          valueLabel={c.organization?.name ?? null}
          error={orgError}
          onChange={(id) => {
            void save({ organizationId: id }).then((ok) => ok && setEditingOrg(false));
          }}
        />
      ) : (
        <Group gap="xs">
          {c.organization ? (
            <Anchor
              size="sm"
              renderRoot={(props) => (
                <Link
                  {...props}
                  to="/organizations/$organizationId"
                  params={{ organizationId: c.organization?.id ?? "" }}
                />
              )}
            >
              {c.organization.name}
            </Anchor>
          ) : (
            <Text size="sm" c="dimmed">
              No organization
            </Text>
          )}
          {c.abilities.update && c.status !== "closed" ? (
            <Button size="compact-xs" variant="subtle" onClick={() => setEditingOrg(true)}>
              Change
            </Button>
          ) : null}
        </Group>
      )}
      <OtherCases
        label={`Other cases of ${c.requester.name}`}
        cases={byRequester.data}
        currentId={c.id}
        loading={byRequester.isLoading}
      />
      {c.organization ? (
        <OtherCases
          label={`Other cases of ${c.organization.name}`}
          cases={byOrg.data}
          currentId={c.id}
          loading={byOrg.isLoading}
        />
      ) : null}
    </Stack>
  );
};

export const FollowersSection = ({ c, selfId }: { c: CaseDetail; selfId: string }) => {
  const employees = useEmployeeOptions();
  const action = useCaseAction(c.id);
  const following = c.followerIds.includes(selfId);
  const run = (req: Parameters<typeof action.mutate>[0]) =>
    action.mutate(req, { onError: (err) => notifications.show({ color: "red", message: errorMessage(err) }) });
  return (
    <Stack gap={6}>
      <Divider />
      <Group justify="space-between">
        <Heading>Followers</Heading>
        {c.abilities.follow ? (
          <Button
            size="compact-xs"
            variant="subtle"
            loading={action.isPending}
            onClick={() =>
              run(
                following
                  ? { path: `/followers/${selfId}`, method: "DELETE" }
                  : { path: "/followers", method: "POST", body: { userId: selfId } },
              )
            }
          >
            {following ? "Unfollow" : "Follow"}
          </Button>
        ) : null}
      </Group>
      {c.followerIds.length === 0 ? (
        <Text size="xs" c="dimmed">
          Nobody follows this case.
        </Text>
      ) : (
        <Group gap={4}>
          {c.followerIds.map((id) => (
            <Pill
              key={id}
              withRemoveButton={c.abilities.follow}
              onRemove={() => run({ path: `/followers/${id}`, method: "DELETE" })}
              removeButtonProps={{ "aria-label": `Remove follower ${employees.byId.get(id)?.name ?? ""}` }}
            >
              {employees.byId.get(id)?.name ?? "Employee"}
            </Pill>
          ))}
        </Group>
      )}
      {c.abilities.follow ? (
        <Select
          aria-label="Add a follower"
          placeholder="Add a follower"
          searchable
          data={employees.options.filter((o) => !c.followerIds.includes(o.value))}
          value={null}
          onChange={(id) => id && run({ path: "/followers", method: "POST", body: { userId: id } })}
          size="xs"
          limit={30}
        />
      ) : null}
    </Stack>
  );
};

export const LinksSection = ({ c }: { c: CaseDetail }) => {
  const navigate = useNavigate();
  const action = useCaseAction(c.id);
  const [picking, setPicking] = useState<"link" | "merge" | null>(null);
  const merged = useQueries({
    queries: c.mergedCaseIds.map((id) => ({
      queryKey: caseKey(id),
      queryFn: async () => await api<CaseDetail>(`/cases/${id}`),
      staleTime: 60_000,
    })),
  });
  const mergedInto = useQuery({
    queryKey: caseKey(c.mergedIntoId ?? "none"),
    queryFn: async () => await api<CaseDetail>(`/cases/${c.mergedIntoId}`),
    enabled: c.mergedIntoId !== null,
  });
  return (
    <Stack gap={6}>
      <Divider />
      <Heading>Linked and merged cases</Heading>
      {c.mergedIntoId && mergedInto.data ? (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            Merged into
          </Text>
          <CaseLinkRow c={mergedInto.data} />
        </Stack>
      ) : null}
      {c.links.length === 0 && c.mergedCaseIds.length === 0 && !c.mergedIntoId ? (
        <Text size="xs" c="dimmed">
          No linked cases.
        </Text>
      ) : null}
      {c.links.map((l) => (
        <Group key={l.id} gap={4} wrap="nowrap">
          <Badge size="xs" variant="light" color="gray" style={{ flex: "none" }}>
            {l.direction === "outgoing"
              ? linkKindLabel(l.kind)
              : l.kind === "related"
                ? "Related to"
                : `${l.kind === "duplicate" ? "Has duplicate" : "Causes"}`}
          </Badge>
          <div style={{ flex: 1, minWidth: 0 }}>
            {l.otherCase.readable ? (
              <CaseLinkRow c={l.otherCase} />
            ) : (
              <Text size="sm" c="dimmed">
                #{l.otherCase.number} (no access)
              </Text>
            )}
          </div>
          {c.abilities.link ? (
            <CloseButton
              size="sm"
              aria-label={`Unlink case #${l.otherCase.number}`}
              onClick={() => action.mutate({ path: `/links/${l.id}`, method: "DELETE" })}
            />
          ) : null}
        </Group>
      ))}
      {merged.map((m, i) =>
        m.data ? (
          <Group key={m.data.id} gap={4} wrap="nowrap">
            <Badge size="xs" variant="light" color="grape" style={{ flex: "none" }}>
              Merged here
            </Badge>
            <div style={{ flex: 1, minWidth: 0 }}>
              <CaseLinkRow c={m.data} />
            </div>
          </Group>
        ) : (
          <Text key={c.mergedCaseIds[i]} size="xs" c="dimmed">
            A merged case
          </Text>
        ),
      )}
      <Group gap="xs">
        {c.abilities.link ? (
          <Button size="compact-xs" variant="default" onClick={() => setPicking("link")}>
            Link a case
          </Button>
        ) : null}
        {c.abilities.merge && c.status !== "closed" ? (
          <Button size="compact-xs" variant="default" color="red" onClick={() => setPicking("merge")}>
            Merge into…
          </Button>
        ) : null}
      </Group>
      {picking ? (
        <CasePicker
          title={picking === "link" ? `Link case #${c.number} to…` : `Merge case #${c.number} into…`}
          excludeId={c.id}
          mode={picking}
          busy={action.isPending}
          error={action.error}
          onClose={() => {
            action.reset();
            setPicking(null);
          }}
          onPick={(hit, kind) =>
            action.mutate(
              picking === "link"
                ? { path: "/links", method: "POST", body: { otherCaseId: hit.caseId, kind } }
                : { path: "/merge", method: "POST", body: { targetCaseId: hit.caseId } },
              {
                onSuccess: () => {
                  setPicking(null);
                  if (picking === "merge") {
                    notifications.show({ color: "green", message: `Merged into #${hit.number}.` });
                    void navigate({ to: "/cases/$caseId", params: { caseId: hit.caseId } });
                  }
                },
              },
            )
          }
        />
      ) : null}
    </Stack>
  );
};
