import type { DeskClient } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { paths } from "@/api/schema";

type List = paths["/api/audit"]["get"];
export type AuditPage = List["responses"][200]["content"]["application/json"];
export type AuditEntry = AuditPage["entries"][number];
export type Outcome = AuditEntry["outcome"];
export const OUTCOMES: Outcome[] = ["attempted", "succeeded", "failed", "denied"];
export type AuditQuery = NonNullable<List["parameters"]["query"]>;

export async function listAudit(api: DeskClient, query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  const { data } = await api.GET("/api/audit", { params: { query }, signal });
  if (!data) throw new Error("The desk returned no audit entries.");
  return data;
}

/** Whether a user still exists: a 404 says it was deleted; other failures say nothing. */
export async function userExists(api: DeskClient, userId: string): Promise<boolean | null> {
  try {
    await api.GET("/api/users/{user_id}", { params: { path: { user_id: userId } } });
    return true;
  } catch (error) {
    return error instanceof ApiError && error.status === 404 ? false : null;
  }
}
