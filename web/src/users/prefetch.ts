import type { DeskClient } from "@/api/client";
import { searchUsers, type UserPage, type UserSearch } from "./api";
import { buildSort, interpretSearch } from "./query";
import type { DirectoryState } from "./urlState";

/** A first page asked for early is used only this soon after, and only once. */
const FRESH_MS = 10_000;

let early: { key: string; at: number; page: Promise<UserPage> } | null = null;

/** The desk search a state of the Users page asks for. */
export function searchFor(state: DirectoryState): UserSearch {
  return {
    q: interpretSearch(state.search).query,
    // The desk numbers pages from 1; the table counts rows from 0.
    page: Math.floor(state.first / state.rows) + 1,
    perPage: state.rows,
    sort: buildSort(state.sortField, state.sortOrder),
  };
}

const keyOf = (search: UserSearch) => JSON.stringify([search.q, search.page, search.perPage, search.sort]);

/**
 * Starts the Users page's first request as soon as a token is at hand, while the page's code
 * is still loading and the desk is still saying what the staff member may do.
 */
export function prefetchUsers(api: DeskClient, search: UserSearch): void {
  // A sign-in lands through two navigations to the same page: ask once.
  if (early && early.key === keyOf(search) && Date.now() - early.at < FRESH_MS) return;
  const page = searchUsers(api, search);
  page.catch(() => undefined);
  early = { key: keyOf(search), at: Date.now(), page };
}

/** The early request for exactly this search, if one is fresh; it is handed out once. */
export function takePrefetched(search: UserSearch): Promise<UserPage> | null {
  const found = early;
  early = null;
  if (!found || found.key !== keyOf(search) || Date.now() - found.at > FRESH_MS) return null;
  return found.page;
}
