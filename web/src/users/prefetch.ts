import { watch } from "vue";
import type { DeskClient } from "@/api/client";
import type { Session } from "@/session/session";
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

/** A hint only (which requests to start early), never what the page shows or allows. */
const HINT = "userdesk.readUsers";

/** Whether the staff member signed in last in this browser could read users. */
export function readUsersLastTime(storage: Storage = window.localStorage): boolean {
  return storage.getItem(HINT) === "1";
}

/** Keeps the hint up to date with what the desk says the staff member may do. */
export function rememberReadUsers(session: Session, storage: Storage = window.localStorage): void {
  watch([session.permissionsKnown, session.isAuthenticated, session.isLoading], ([known, signedIn, loading]) => {
    if (loading) return;
    if (!signedIn) storage.removeItem(HINT);
    else if (known && session.permissions.value.includes("read:users")) storage.setItem(HINT, "1");
    else if (known) storage.removeItem(HINT);
  });
}
