import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Textarea, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useMemo, useState } from "react";
import { CASE_PRIORITIES, CASE_TYPES, type CasePriority, type CaseType } from "../../../shared/domain";
import { api, errorMessage, fieldError, queryString } from "../../app/api-client";
import { useEmployeeOptions, useTeams } from "../../app/directory";
import { useSession } from "../../app/session";
import type { Case, Contact, CreateCaseInput, Page } from "../../app/wire";
import { options, PRIORITY_LABEL, TYPE_LABEL } from "../../ui/labels";
import type { ExecutiveCaseSummary } from "../everyones-job/wire";
import { invalidateCaseLists } from "./cases.queries";

type Channel = "phone" | "email" | "agent" | "letter";
type AddressedTo = "team" | "executive";

/** How a customer reached the executive: the case's channel and what the description is. */
const EXECUTIVE_CHANNELS = [
  { value: "letter", label: "Letter (the description is the customer's letter)" },
  { value: "phone", label: "Phone call (the description is logged as the call)" },
  { value: "email", label: "Email (the description is the customer's words)" },
];

const ContactSelect = ({
  value,
  onChange,
  error,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  error?: string | undefined;
}) => {
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 200);
  const contacts = useQuery({
    queryKey: ["contacts", "picker", q],
    queryFn: async () => (await api<Page<Contact>>(`/contacts${queryString({ q, limit: 20 })}`)).items,
  });
  return (
    <Select
      label="Contact"
      placeholder="Search by name or email"
      searchable
      required
      data={(contacts.data ?? []).map((c) => ({
        value: c.id,
        label: c.emails[0] ? `${c.name} <${c.emails[0]}>` : c.name,
      }))}
      value={value}
      onChange={onChange}
      onSearchChange={setSearch}
      filter={({ options: o }) => o}
      nothingFoundMessage={contacts.isLoading ? "Searching…" : "No contact found"}
      error={error}
    />
  );
};

export const NewCaseModal = ({ onClose }: { onClose: () => void }) => {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const employees = useEmployeeOptions();
  const teams = useTeams();
  const [who, setWho] = useState<"new" | "existing">("new");
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [contactId, setContactId] = useState<string | null>(null);
  const [subject, setSubject] = useState("");
  const [description, setDescription] = useState("");
  const [channel, setChannel] = useState<Channel>("phone");
  const [priority, setPriority] = useState<CasePriority>("normal");
  const [type, setType] = useState<CaseType>("question");
  const [ownerId, setOwnerId] = useState<string | null>(session.user.id);
  /** undefined until the person picks: the case then goes to their first team (by name), as the server would. */
  const [pickedTeamId, setTeamId] = useState<string | null | undefined>(undefined);
  const myTeamId =
    (teams.data ?? [])
      .filter((t) => t.memberIds.includes(session.user.id) || t.leadId === session.user.id)
      .sort((a, b) => a.name.localeCompare(b.name))[0]?.id ?? null;
  const teamId = pickedTeamId === undefined ? myTeamId : pickedTeamId;
  const [addressedTo, setAddressedTo] = useState<AddressedTo>("team");
  const [executiveId, setExecutiveId] = useState<string | null>(null);
  const executives = useMemo(
    () =>
      [...employees.byId.values()]
        .filter((u) => u.active && u.role === "executive")
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((u) => ({ value: u.id, label: u.name })),
    [employees.byId],
  );
  const toExecutive = addressedTo === "executive";
  const address = (to: AddressedTo) => {
    setAddressedTo(to);
    if (to === "executive") {
      setChannel("letter");
      setPriority("high");
      setType("complaint");
      if (!executiveId && executives.length === 1) setExecutiveId(executives[0]?.value ?? null);
    } else {
      setChannel("phone");
      setPriority("normal");
      setType("question");
    }
  };

  const create = useMutation({
    mutationFn: async (): Promise<{ id: string; number: number }> => {
      const requester =
        who === "new"
          ? { email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) }
          : { contactId: contactId ?? "" };
      const text = description.trim() ? { description: { body: description.trim(), format: "text" as const } } : {};
      if (toExecutive) {
        const opened = await api<ExecutiveCaseSummary>("/executive/cases", {
          method: "POST",
          body: {
            executiveId: executiveId ?? "",
            subject: subject.trim(),
            requester,
            channel,
            priority,
            type,
            ...text,
          },
        });
        return { id: opened.caseId, number: opened.number };
      }
      const body: CreateCaseInput = {
        subject: subject.trim(),
        requester,
        channel,
        priority,
        type,
        ...(ownerId ? { ownerId } : {}),
        teamId,
        ...text,
      };
      return await api<Case>("/cases", { method: "POST", body });
    },
    onSuccess: async (created) => {
      invalidateCaseLists(queryClient);
      notifications.show({
        color: "green",
        message: toExecutive
          ? `Case #${created.number} is with the executive, who has been alerted.`
          : `Case #${created.number} opened.`,
      });
      onClose();
      await navigate({ to: "/cases/$caseId", params: { caseId: created.id } });
    },
  });
  const err = create.error;
  const known = [
    "subject",
    "requester.email",
    "requester.name",
    "requester.contactId",
    "ownerId",
    "teamId",
    "executiveId",
  ];
  return (
    <Modal opened onClose={onClose} title="New case" size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          {err && !known.some((f) => fieldError(err, f)) ? (
            <Alert color="red" role="alert">
              {errorMessage(err)}
            </Alert>
          ) : null}
          <SegmentedControl
            value={addressedTo}
            onChange={(v) => address(v as AddressedTo)}
            data={[
              { value: "team", label: "To our team" },
              { value: "executive", label: "Addressed to the chief executive" },
            ]}
            aria-label="Addressed to"
            fullWidth
          />
          {toExecutive ? (
            <Select
              label="Executive"
              description="The letter goes straight to them: they own it, are alerted now, and delegate it themselves."
              placeholder={executives.length ? "Choose the executive" : "No active executive"}
              required
              data={executives}
              value={executiveId}
              onChange={setExecutiveId}
              error={fieldError(err, "executiveId")}
              allowDeselect={false}
            />
          ) : null}
          <SegmentedControl
            value={who}
            onChange={(v) => setWho(v as "new" | "existing")}
            data={[
              { value: "new", label: "New contact" },
              { value: "existing", label: "Existing contact" },
            ]}
            aria-label="Requester"
          />
          {who === "new" ? (
            <Group grow align="flex-start">
              <TextInput
                label="Customer email"
                type="email"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldError(err, "requester.email") ?? fieldError(err, "requester")}
                data-autofocus
              />
              <TextInput
                label="Customer name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                error={fieldError(err, "requester.name")}
              />
            </Group>
          ) : (
            <ContactSelect value={contactId} onChange={setContactId} error={fieldError(err, "requester.contactId")} />
          )}
          <TextInput
            label="Subject"
            required
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={fieldError(err, "subject")}
            maxLength={500}
          />
          <Select
            label="How did the customer reach us?"
            data={
              toExecutive
                ? EXECUTIVE_CHANNELS
                : [
                    { value: "phone", label: "Phone call (the description is logged as the call)" },
                    { value: "email", label: "Email (the description is the customer's words)" },
                    { value: "agent", label: "Other (the description is your note of it)" },
                  ]
            }
            value={channel}
            onChange={(v) => v && setChannel(v as Channel)}
            allowDeselect={false}
          />
          <Textarea
            label="Description"
            autosize
            minRows={3}
            maxRows={8}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Group grow>
            <Select
              label="Priority"
              data={options(PRIORITY_LABEL, CASE_PRIORITIES)}
              value={priority}
              onChange={(v) => v && setPriority(v as CasePriority)}
              allowDeselect={false}
            />
            <Select
              label="Type"
              data={options(TYPE_LABEL, CASE_TYPES)}
              value={type}
              onChange={(v) => v && setType(v as CaseType)}
              allowDeselect={false}
            />
          </Group>
          {toExecutive ? null : (
            <Group grow align="flex-start">
              <Select
                label="Owner"
                searchable
                data={employees.options}
                value={ownerId}
                onChange={setOwnerId}
                error={fieldError(err, "ownerId")}
                limit={50}
              />
              <Select
                label="Team"
                clearable
                placeholder="No team"
                data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                value={teamId}
                onChange={setTeamId}
                error={fieldError(err, "teamId")}
              />
            </Group>
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              {toExecutive ? "Send to the executive" : "Open case"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
};
