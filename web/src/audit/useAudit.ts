import { ref, shallowRef } from "vue";
import type { DeskClient } from "@/api/client";
import { listAudit, type AuditEntry, type AuditQuery } from "./api";

/** One page of audit entries; a newer request supersedes the one in flight. */
export function useAudit(api: DeskClient) {
  const entries = shallowRef<AuditEntry[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref<unknown>(null);
  let inFlight: AbortController | null = null;

  async function load(query: AuditQuery): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    loading.value = true;
    error.value = null;
    try {
      const page = await listAudit(api, query, controller.signal);
      entries.value = page.entries;
      total.value = page.total;
    } catch (err) {
      if (controller.signal.aborted) return;
      entries.value = [];
      total.value = 0;
      error.value = err;
    } finally {
      if (inFlight === controller) loading.value = false;
    }
  }

  return { entries, total, loading, error, load };
}
