import { computed, ref, shallowRef } from "vue";
import { describeError } from "@/api/errors";
import type { Session } from "./session";

/**
 * Whether this browser may hold a sign-in to restore: the sign-in SDK's own marks (its
 * "is authenticated" cookie, its localStorage cache) or Auth0 sending the visitor back with
 * `code` and `state` (or an `error`). Without any, restoring could only find nobody signed in.
 */
export function mayHaveSession(clientId: string | null, where: Location = window.location, storage: Storage = window.localStorage, cookies: string = document.cookie): boolean {
  const params = new URLSearchParams(where.search);
  if (params.has("state") && (params.has("code") || params.has("error"))) return true;
  const names = cookies.split(";").map((cookie) => cookie.trim().split("=")[0] ?? "");
  // Before the desk has said which client this is, any client's mark will do.
  const marked = (name: string) =>
    clientId === null
      ? /^(_legacy_)?auth0\..+\.is\.authenticated$/.test(name)
      : name === `auth0.${clientId}.is.authenticated` || name === `_legacy_auth0.${clientId}.is.authenticated`;
  if (names.some(marked)) return true;
  for (let i = 0; i < storage.length; i++) {
    if (storage.key(i)?.startsWith("@@auth0spajs@@")) return true;
  }
  return false;
}

/**
 * A Session whose sign-in SDK loads only when needed: at once when this browser may have a
 * session to restore, otherwise when someone presses Log in or opens a staff page. Visitors
 * of the public pages never download auth0-vue. `start` creates the real session once.
 */
export function lazySession(start: () => Promise<Session>, restore: boolean): Session {
  const inner = shallowRef<Session | null>(null);
  const loading = ref(restore);
  const loadError = ref<string | null>(null);
  let started: Promise<Session> | null = null;

  function ready(): Promise<Session> {
    started ??= start().then(
      (session) => {
        inner.value = session;
        loading.value = false;
        return session;
      },
      (error: unknown) => {
        loadError.value = describeError(error);
        loading.value = false;
        started = null;
        throw error;
      },
    );
    return started;
  }
  if (restore) void ready().catch(() => undefined);

  const none: string[] = [];
  return {
    isLoading: computed(() => inner.value?.isLoading.value ?? loading.value),
    isAuthenticated: computed(() => inner.value?.isAuthenticated.value ?? false),
    profile: computed(() => inner.value?.profile.value ?? null),
    permissionsKnown: computed(() => inner.value?.permissionsKnown.value ?? !loading.value),
    permissions: computed(() => inner.value?.permissions.value ?? none),
    roles: computed(() => inner.value?.roles.value ?? none),
    sub: computed(() => inner.value?.sub.value ?? null),
    permissionsError: computed(() => inner.value?.permissionsError.value ?? null),
    error: computed(() => inner.value?.error.value ?? loadError.value),
    async login(target?: string) {
      await (await ready()).login(target);
    },
    async logout() {
      await inner.value?.logout();
    },
    async accessToken() {
      // Anonymous calls (the public events) do not wait for, or load, the SDK.
      if (!inner.value && !loading.value) return null;
      return (await ready()).accessToken();
    },
  };
}
