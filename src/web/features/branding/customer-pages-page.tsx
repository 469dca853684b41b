import {
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
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TBranding } from "../../../shared/contracts/branding";
import type { TWebformSettings } from "../../../shared/contracts/webform";
import { API_BASE, api, currentCsrfToken, errorMessage } from "../../app/api-client";
import { useCustomFields, useTeams } from "../../app/directory";
import { ErrorAlert, Loading } from "../../ui/states";
import { AdminOnly } from "../admin/admin-only";

type Branding = Omit<TBranding, "updatedAt"> & { updatedAt: string };
type WebformSettings = Omit<TWebformSettings, "updatedAt"> & { updatedAt: string };

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

/** Admin: how customer-facing pages look (branding) and where web form cases go. */
export const CustomerPagesPage = () => {
  const branding = useQuery({ queryKey: ["branding"], queryFn: () => api<Branding>("/branding") });
  const settings = useQuery({
    queryKey: ["webform-settings"],
    queryFn: () => api<WebformSettings>("/webform/settings"),
  });
  return (
    <AdminOnly>
      <Stack maw={720}>
        <Title order={1} size="h3">
          Customer pages
        </Title>
        {branding.isError && <ErrorAlert error={branding.error} />}
        {settings.isError && <ErrorAlert error={settings.error} />}
        {branding.isPending || settings.isPending ? (
          <Loading />
        ) : (
          <>
            {branding.data && <BrandingForm key={branding.data.version} branding={branding.data} />}
            {settings.data && <WebformForm settings={settings.data} />}
          </>
        )}
      </Stack>
    </AdminOnly>
  );
};
