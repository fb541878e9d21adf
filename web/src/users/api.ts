import type { DeskClient } from "@/api/client";
import type { paths } from "@/api/schema";

type ListOperation = paths["/api/users"]["get"];
export type UserPage = ListOperation["responses"][200]["content"]["application/json"];
export type DeskUser = UserPage["users"][number];
export type UserDetail = paths["/api/users/{user_id}"]["get"]["responses"][200]["content"]["application/json"];

export interface UserSearch {
  q?: string;
  page: number;
  perPage: number;
  sort?: string;
}

export async function searchUsers(api: DeskClient, search: UserSearch, signal?: AbortSignal): Promise<UserPage> {
  const { data } = await api.GET("/api/users", {
    params: { query: { q: search.q, page: search.page, per_page: search.perPage, sort: search.sort } },
    signal,
  });
  if (!data) throw new Error("The desk returned no users.");
  return data;
}

/** One user, as the user page shows them (here, not in `./detail/api`: asked for early). */
export async function getUser(api: DeskClient, userId: string, signal?: AbortSignal): Promise<UserDetail> {
  const { data } = await api.GET("/api/users/{user_id}", { params: { path: { user_id: userId } }, signal });
  if (!data) throw new Error("The desk returned nothing.");
  return data;
}

export async function deleteUser(api: DeskClient, userId: string): Promise<void> {
  await api.DELETE("/api/users/{user_id}", { params: { path: { user_id: userId } } });
}

export function displayName(user: DeskUser): string {
  return user.name || user.nickname || user.email || user.user_id;
}
