import type { DeskClient } from "@/api/client";
import { ApiError } from "@/api/errors";
import { loose } from "@/api/loose";

export type Outcome = "attempted" | "succeeded" | "failed" | "denied";
export const OUTCOMES: Outcome[] = ["attempted", "succeeded", "failed", "denied"];

export interface AuditEntry {
  id: number;
  request_id: string;
  actor_sub: string;
  actor_email: string | null;
  action: string;
  target: string;
  outcome: Outcome;
  upstream_status: number | null;
  message: string | null;
  /** A deleted user's profile, or `{"redacted": true, ...}` once pruned. */
  snapshot: Record<string, unknown> | null;
  /** The changed fields as they were, and as they became; null when not applicable. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  attempted_at: string;
  completed_at: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
  page: number;
  per_page: number;
}

export interface AuditQuery {
  actor?: string;
  target?: string;
  action?: string;
  outcome?: Outcome;
  since?: string;
  until?: string;
  q?: string;
  page: number;
  per_page: number;
}

export async function listAudit(api: DeskClient, query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  const params = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== ""));
  const { data } = await loose(api).GET("/api/audit", { params: { query: params }, signal });
  if (!data) throw new Error("The desk returned no audit entries.");
  return data as AuditPage;
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
