import type { DeskClient } from "@/api/client";
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
