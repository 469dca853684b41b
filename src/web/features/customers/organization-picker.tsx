import { Select } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, queryString } from "../../app/api-client";
import type { Organization, Page } from "../../app/wire";

/** A searchable organization select that asks the server as you type. */
export const OrganizationPicker = ({
  value,
  valueLabel,
  onChange,
  label = "Organization",
  error,
  disabled,
  placeholder = "Search organizations",
}: {
  value: string | null;
  /** Name of the current value, shown before the search has loaded it. */
  valueLabel?: string | null;
  onChange: (id: string | null, name: string | null) => void;
  label?: string;
  error?: string | undefined;
  disabled?: boolean;
  placeholder?: string;
}) => {
  const [search, setSearch] = useState("");
  const [q] = useDebouncedValue(search, 200);
  const orgs = useQuery({
    queryKey: ["organizations", "picker", q],
    queryFn: async () => (await api<Page<Organization>>(`/organizations${queryString({ q, limit: 20 })}`)).items,
    staleTime: 30_000,
  });
  const data = (orgs.data ?? []).map((o) => ({ value: o.id, label: o.name }));
  if (value && !data.some((d) => d.value === value))
    data.unshift({ value, label: valueLabel ?? "Current organization" });
  return (
    <Select
      label={label}
      placeholder={placeholder}
      searchable
      clearable
      data={data}
      value={value}
      onChange={(id, option) => onChange(id, option?.label ?? null)}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      nothingFoundMessage={orgs.isLoading ? "Searching…" : "No organization found"}
      error={error}
      disabled={disabled}
    />
  );
};
