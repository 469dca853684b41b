import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api } from "./api-client";
import type { CustomField, Department, Team, User } from "./wire";

const LONG = 5 * 60_000;

export const useUsers = () =>
  useQuery({
    queryKey: ["users"],
    queryFn: async () => (await api<{ items: User[] }>("/users")).items,
    staleTime: LONG,
  });

export const useDepartments = () =>
  useQuery({
    queryKey: ["departments"],
    queryFn: async () => (await api<{ items: Department[] }>("/departments")).items,
    staleTime: LONG,
  });

export const useTeams = () =>
  useQuery({
    queryKey: ["teams"],
    queryFn: async () => (await api<{ items: Team[] }>("/teams")).items,
    staleTime: LONG,
  });

export const useCustomFields = () =>
  useQuery({
    queryKey: ["custom-fields"],
    queryFn: async () => (await api<{ items: CustomField[] }>("/custom-fields")).items,
    staleTime: LONG,
  });

export interface PersonOption {
  value: string;
  label: string;
}

/**
 * Active employees as picker options labelled "Name · Department", so typing either a name
 * or a department finds them.
 */
export const useEmployeeOptions = (): { options: PersonOption[]; loading: boolean; byId: Map<string, User> } => {
  const users = useUsers();
  const departments = useDepartments();
  return useMemo(() => {
    const deptName = new Map((departments.data ?? []).map((d) => [d.id, d.name]));
    const active = (users.data ?? []).filter((u) => u.active).sort((a, b) => a.name.localeCompare(b.name));
    return {
      loading: users.isLoading,
      byId: new Map((users.data ?? []).map((u) => [u.id, u])),
      options: active.map((u) => {
        const dept = u.departmentId ? deptName.get(u.departmentId) : undefined;
        return { value: u.id, label: dept ? `${u.name} · ${dept}` : u.name };
      }),
    };
  }, [users.data, users.isLoading, departments.data]);
};
