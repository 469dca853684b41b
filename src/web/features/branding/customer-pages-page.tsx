import {
  Alert,
  Anchor,
  Button,
  Code,
  ColorInput,
  FileInput,
  Group,
  Image,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TBranding } from "../../../shared/contracts/branding";
import { EXECUTIVE_MESSAGE_MAX, type TExecutiveLetterSettings } from "../../../shared/contracts/executive";
import type { TWebformSettings } from "../../../shared/contracts/webform";
import { API_BASE, api, currentCsrfToken, errorMessage, fieldError } from "../../app/api-client";
import { useCustomFields, useTeams, useUsers } from "../../app/directory";
import { ErrorAlert, Loading } from "../../ui/states";
import { AdminOnly } from "../admin/admin-only";

type Branding = Omit<TBranding, "updatedAt"> & { updatedAt: string };
type WebformSettings = Omit<TWebformSettings, "updatedAt"> & { updatedAt: string };
type ExecutiveLetterSettings = Omit<TExecutiveLetterSettings, "updatedAt"> & { updatedAt: string };

const uploadLogo = async (file: File): Promise<Branding> => {
  const form = new FormData();
  form.append("file", file);
  const res = await fetch(`${API_BASE}/branding/logo`, {
    method: "PUT",
    body: form,
    credentials: "same-origin",
    headers: { "x-csrf-token": currentCsrfToken() ?? "", accept: "application/json" },
  });
  const payload = (await res.json()) as Branding & { error?: { message: string } };
  if (!res.ok) throw new Error(payload.error?.message ?? "Upload failed");
  return payload;
};

const BrandingForm = ({ branding }: { branding: Branding }) => {
  const qc = useQueryClient();
  const [companyName, setCompanyName] = useState(branding.companyName);
  const [primaryColor, setPrimaryColor] = useState(branding.primaryColor);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<Branding>, done: string) => {
    setBusy(true);
    try {
      qc.setQueryData(["branding"], await fn());
      notifications.show({ color: "green", message: done });
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          Branding
        </Title>
        <Text size="sm" c="dimmed">
          The web form, the customer portal and the help center show your company's name, logo and colour.
        </Text>
        <TextInput label="Company name" value={companyName} onChange={(e) => setCompanyName(e.currentTarget.value)} />
        <ColorInput label="Primary colour" format="hex" value={primaryColor} onChange={setPrimaryColor} />
        <Group>
          <Button
            loading={busy}
            onClick={() =>
              void run(
                () => api<Branding>("/branding", { method: "PATCH", body: { companyName, primaryColor } }),
                "Branding saved",
              )
            }
          >
            Save branding
          </Button>
        </Group>
        {branding.logoUrl && <Image src={branding.logoUrl} alt="Current logo" h={48} w="auto" fit="contain" />}
        <Group align="flex-end">
          <FileInput
            label="Logo (PNG, JPEG, WebP or GIF, up to 512 KB)"
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(file) => file && void run(() => uploadLogo(file), "Logo uploaded")}
          />
          {branding.logoUrl && (
            <Button
              variant="default"
              loading={busy}
              onClick={() => void run(() => api<Branding>("/branding/logo", { method: "DELETE" }), "Logo removed")}
            >
              Remove logo
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
};

const WebformForm = ({ settings }: { settings: WebformSettings }) => {
  const qc = useQueryClient();
  const teams = useTeams();
  const fields = useCustomFields();
  const [teamId, setTeamId] = useState<string | null>(settings.teamId);
  const [keys, setKeys] = useState<string[]>(settings.customFieldKeys);
  useEffect(() => setKeys(settings.customFieldKeys), [settings.customFieldKeys]);
  const save = async () => {
    try {
      const saved = await api<WebformSettings>("/webform/settings", {
        method: "PATCH",
        body: { teamId, customFieldKeys: keys },
      });
      qc.setQueryData(["webform-settings"], saved);
      notifications.show({ color: "green", message: "Web form settings saved" });
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(err) });
    }
  };
  const origin = window.location.origin;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Title order={2} size="h4">
          Web form
        </Title>
        <Text size="sm">
          Hosted at <Anchor href="/form">{`${origin}/form`}</Anchor>; customers follow their cases at{" "}
          <Anchor href="/portal">{`${origin}/portal`}</Anchor>. To put the form on your website, paste:
        </Text>
        <Code block>{`<script src="${origin}/form/embed.js" async></script>`}</Code>
        <Select
          label="Team receiving web form cases"
          description="Its lead owns new cases; without a team, the first administrator does."
          clearable
          value={teamId}
          onChange={setTeamId}
          data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        />
        <MultiSelect
          label="Custom fields the form asks for"
          value={keys}
          onChange={setKeys}
          data={(fields.data ?? []).filter((f) => f.active).map((f) => ({ value: f.key, label: f.label }))}
        />
        <Group>
          <Button onClick={() => void save()}>Save web form settings</Button>
        </Group>
      </Stack>
    </Paper>
  );
};

const ExecutiveLetterForm = ({ settings }: { settings: ExecutiveLetterSettings }) => {
  const qc = useQueryClient();
  const users = useUsers();
  const [enabled, setEnabled] = useState(settings.enabled);
  const [executiveId, setExecutiveId] = useState<string | null>(settings.executive?.id ?? null);
  const [message, setMessage] = useState(settings.message);
  const save = useMutation({
    mutationFn: async () =>
      await api<ExecutiveLetterSettings>("/executive/letter-settings", {
        method: "PATCH",
        body: { enabled, executiveId, message },
      }),
    onSuccess: (saved) => {
      qc.setQueryData(["executive-letter-settings"], saved);
      notifications.show({ color: "green", message: "Executive letter settings saved" });
    },
  });
  const executives = (users.data ?? [])
    .filter((u) => u.active && u.role === "executive")
    .map((u) => ({ value: u.id, label: u.name }));
  const err = save.error;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="executive-letter-title">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <Title order={2} size="h4" id="executive-letter-title">
            Write to the chief executive
          </Title>
          <Text size="sm">
            Offers customers, in the portal and the web form, a letter that goes straight to the executive: it opens an
            executive case they own, and they are alerted at once.
          </Text>
          {err && !["executiveId", "message"].some((f) => fieldError(err, f)) ? (
            <Alert color="red" role="alert">
              {errorMessage(err)}
            </Alert>
          ) : null}
          <Switch
            label="Offer it on the portal and the web form"
            checked={enabled}
            onChange={(e) => setEnabled(e.currentTarget.checked)}
          />
          <Select
            label="Executive"
            placeholder={executives.length ? "Choose the executive" : "No active executive"}
            data={executives}
            value={executiveId}
            onChange={setExecutiveId}
            error={fieldError(err, "executiveId")}
          />
          <Textarea
            label="The executive's message to customers"
            description="Shown above the letter, in the executive's own words."
            autosize
            minRows={3}
            maxLength={EXECUTIVE_MESSAGE_MAX}
            value={message}
            onChange={(e) => setMessage(e.currentTarget.value)}
            error={fieldError(err, "message")}
          />
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save executive letter settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
};

/** Admin: how customer-facing pages look (branding) and where web form cases go. */
export const CustomerPagesPage = () => {
  const branding = useQuery({ queryKey: ["branding"], queryFn: () => api<Branding>("/branding") });
  const settings = useQuery({
    queryKey: ["webform-settings"],
    queryFn: () => api<WebformSettings>("/webform/settings"),
  });
  const letters = useQuery({
    queryKey: ["executive-letter-settings"],
    queryFn: () => api<ExecutiveLetterSettings>("/executive/letter-settings"),
  });
  return (
    <AdminOnly>
      <Stack maw={720}>
        <Title order={1} size="h3">
          Customer pages
        </Title>
        {branding.isError && <ErrorAlert error={branding.error} />}
        {settings.isError && <ErrorAlert error={settings.error} />}
        {letters.isError && <ErrorAlert error={letters.error} />}
        {branding.isPending || settings.isPending || letters.isPending ? (
          <Loading />
        ) : (
          <>
            {branding.data && <BrandingForm key={`branding-${branding.data.version}`} branding={branding.data} />}
            {settings.data && <WebformForm settings={settings.data} />}
            {letters.data && <ExecutiveLetterForm key={`letters-${letters.data.version}`} settings={letters.data} />}
          </>
        )}
      </Stack>
    </AdminOnly>
  );
};
