import { watch } from "vue";
import type { DeskClient } from "@/api/client";
import type { Session } from "@/session/session";
import { getUser, searchUsers, type UserDetail, type UserPage, type UserSearch } from "./api";
import { buildSort, interpretSearch } from "./query";
import type { DirectoryState } from "./urlState";

/** An answer asked for early is used only this soon after, and only once. */
const FRESH_MS = 10_000;

/** Early requests by what they ask for: at most one per page kind (users list, one user). */
const early = new Map<string, { key: string; at: number; answer: Promise<unknown> }>();

function remember(kind: string, key: string, start: () => Promise<unknown>): void {
  const found = early.get(kind);
  // A sign-in lands through two navigations to the same page: ask once.
  if (found && found.key === key && Date.now() - found.at < FRESH_MS) return;
  const answer = start();
  answer.catch(() => undefined);
  early.set(kind, { key, at: Date.now(), answer });
}

function take<T>(kind: string, key: string): Promise<T> | null {
  const found = early.get(kind);
  early.delete(kind);
  if (!found || found.key !== key || Date.now() - found.at > FRESH_MS) return null;
  return found.answer as Promise<T>;
}

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
  remember("users", keyOf(search), () => searchUsers(api, search));
}

/** The early request for exactly this search, if one is fresh; it is handed out once. */
export function takePrefetched(search: UserSearch): Promise<UserPage> | null {
  return take<UserPage>("users", keyOf(search));
}

/**
 * The same for a user's page opened from a link: the user is asked for beside the desk's
 * `GET /api/me`, not after it (the page waits for the permissions before it mounts).
 */
export function prefetchUser(api: DeskClient, userId: string): void {
  remember("user", userId, () => getUser(api, userId));
}

/** The early answer for this user, if one is fresh; it is handed out once. */
export function takePrefetchedUser(userId: string): Promise<UserDetail> | null {
  return take<UserDetail>("user", userId);
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
