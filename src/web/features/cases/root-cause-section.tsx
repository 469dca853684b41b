import { Button, Divider, Group, SegmentedControl, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, errorMessage, fieldError } from "../../app/api-client";
import { useDepartments } from "../../app/directory";
import type { CaseAccountability, CaseDetail, RootCauseCategory } from "../../app/wire";

/** Complaints and incidents are solved only with a root cause: where it originated, a category, a description. */
export const RootCauseSection = ({ c, error }: { c: CaseDetail; error: string | undefined }) => {
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const accountability = useQuery({
    queryKey: ["root-cause", c.id, c.type],
    queryFn: async () => await api<CaseAccountability>(`/cases/${c.id}/root-cause`),
  });
  const categories = useQuery({
    queryKey: ["root-cause-categories"],
    queryFn: async () => (await api<{ items: RootCauseCategory[] }>("/root-cause-categories")).items,
    staleTime: 5 * 60_000,
  });
  const current = accountability.data?.rootCause ?? null;
  const [editing, setEditing] = useState(false);
  const [origin, setOrigin] = useState<"department" | "customer">(current?.origin ?? "department");
  const [departmentId, setDepartmentId] = useState<string | null>(current?.department?.id ?? null);
  const [categoryId, setCategoryId] = useState<string | null>(current?.category.id ?? null);
  const [description, setDescription] = useState(current?.description ?? "");
  const record = useMutation({
    mutationFn: async () =>
      await api<CaseAccountability>(`/cases/${c.id}/root-cause`, {
        method: "PUT",
        body: {
          origin,
          ...(origin === "department" && departmentId ? { departmentId } : {}),
          categoryId: categoryId ?? "",
          description: description.trim(),
        },
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(["root-cause", c.id, c.type], saved);
      setEditing(false);
      notifications.show({ color: "green", message: "Root cause recorded." });
    },
  });
  const a = accountability.data;
  if (!a || (!a.required && !a.rootCause)) return null;
  const err = record.error;
  return (
    <Stack gap={6}>
      <Divider />
      <Title order={2} fz="xs" tt="uppercase" c="dimmed" fw={700}>
        Root cause
      </Title>
      {current && !editing ? (
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {current.category.name} ·{" "}
            {current.origin === "customer" ? "customer / no fault" : (current.department?.name ?? "a department")}
          </Text>
          <Text size="sm">{current.description}</Text>
          {a.abilities.record ? (
            <Button size="compact-xs" variant="subtle" w="fit-content" onClick={() => setEditing(true)}>
              Change
            </Button>
          ) : null}
        </Stack>
      ) : a.abilities.record ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            record.mutate();
          }}
        >
          <Stack gap={6}>
            <Text size="xs" c={error ? "red" : "dimmed"} role={error ? "alert" : undefined}>
              {error ?? "Needed to solve this case."}
            </Text>
            <SegmentedControl
              size="xs"
              aria-label="Where it originated"
              value={origin}
              onChange={(v) => setOrigin(v as "department" | "customer")}
              data={[
                { value: "department", label: "A department" },
                { value: "customer", label: "Customer / no fault" },
              ]}
            />
            {origin === "department" ? (
              <Select
                label="Originating department"
                data={(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
                value={departmentId}
                onChange={setDepartmentId}
                error={fieldError(err, "departmentId")}
                searchable
              />
            ) : null}
            <Select
              label="Category"
              data={(categories.data ?? []).filter((x) => x.active).map((x) => ({ value: x.id, label: x.name }))}
              value={categoryId}
              onChange={setCategoryId}
              error={fieldError(err, "categoryId")}
              nothingFoundMessage="An admin has not defined root-cause categories yet"
            />
            <Textarea
              label="What happened"
              autosize
              minRows={2}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={fieldError(err, "description")}
            />
            {err && !["departmentId", "categoryId", "description"].some((f) => fieldError(err, f)) ? (
              <Text size="xs" c="red" role="alert">
                {errorMessage(err)}
              </Text>
            ) : null}
            <Group gap="xs">
              <Button type="submit" size="xs" loading={record.isPending} disabled={!categoryId || !description.trim()}>
                Record root cause
              </Button>
              {current ? (
                <Button size="xs" variant="subtle" onClick={() => setEditing(false)}>
                  Cancel
                </Button>
              ) : null}
            </Group>
          </Stack>
        </form>
      ) : (
        <Text size="sm" c="dimmed">
          Not recorded yet.
        </Text>
      )}
    </Stack>
  );
};
