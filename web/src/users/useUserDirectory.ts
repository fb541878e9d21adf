import { computed, ref, shallowRef, watch } from "vue";
import type { DeskClient } from "@/api/client";
import { deleteUser, searchUsers, type DeskUser } from "./api";
import { interpretSearch } from "./query";
import { searchFor, takePrefetched } from "./prefetch";
import { DEFAULT_STATE, type DirectoryState } from "./urlState";

export const SEARCH_DEBOUNCE_MS = 300;

/** The Users page's state: one search, paged and sorted by the desk, and deletes that drop one row. */
export function useUserDirectory(api: DeskClient, initial: DirectoryState = DEFAULT_STATE) {
  const search = ref(initial.search);
  const first = ref(initial.first);
  const rows = ref(initial.rows);
  const sortField = ref<string | null>(initial.sortField);
  const sortOrder = ref<1 | -1 | null>(initial.sortOrder);
  const users = shallowRef<DeskUser[]>([]);
  const total = ref(0);
  /** The provider stopped counting at its cap: `total` is a lower bound. */
  const totalIsCapped = ref(false);
  const loading = ref(false);
  const error = ref<unknown>(null);

  const understood = computed(() => interpretSearch(search.value));
  const query = computed(() => understood.value.query);
  let inFlight: AbortController | null = null;

  async function load(): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    loading.value = true;
    error.value = null;
    try {
      const wanted = searchFor(state.value);
      const page = await (takePrefetched(wanted) ?? searchUsers(api, wanted, controller.signal));
      if (controller.signal.aborted) return;
      users.value = page.users;
      total.value = page.total;
      totalIsCapped.value = page.total_is_capped;
    } catch (err) {
      if (controller.signal.aborted) return;
      users.value = [];
      total.value = 0;
      totalIsCapped.value = false;
      error.value = err;
    } finally {
      if (inFlight === controller) loading.value = false;
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(query, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      first.value = 0;
      void load();
    }, SEARCH_DEBOUNCE_MS);
  });

  function changePage(nextFirst: number, nextRows: number): void {
    first.value = nextRows !== rows.value ? 0 : nextFirst;
    rows.value = nextRows;
    void load();
  }

  function changeSort(field: string | null, order: 1 | -1 | null): void {
    sortField.value = order ? field : null;
    sortOrder.value = order;
    first.value = 0;
    void load();
  }

  async function remove(user: DeskUser): Promise<void> {
    await deleteUser(api, user.user_id);
    users.value = users.value.filter((row) => row.user_id !== user.user_id);
    // A capped count stays "more than": one delete does not make it exact.
    if (!totalIsCapped.value) total.value = Math.max(0, total.value - 1);
  }

  const state = computed<DirectoryState>(() => ({
    search: search.value,
    first: first.value,
    rows: rows.value,
    sortField: sortField.value,
    sortOrder: sortOrder.value,
  }));

  return {
    state,
    search,
    query,
    understood,
    first,
    rows,
    sortField,
    sortOrder,
    users,
    total,
    totalIsCapped,
    loading,
    error,
    load,
    changePage,
    changeSort,
    remove,
  };
}
