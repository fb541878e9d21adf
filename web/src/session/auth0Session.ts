import { computed, ref, watch } from "vue";
import type { Auth0VueClient } from "@auth0/auth0-vue";
import { describeError } from "@/api/errors";
import type { Session, StaffGrants, StaffProfile } from "./session";

/** Asks the desk what the signed-in staff member may do (`GET /api/me`). */
export type GrantsLookup = () => Promise<StaffGrants>;

/**
 * Adapts the official auth0-vue client to the app's Session. Once someone is signed
 * in, their permissions and role names come from `lookupGrants`: the desk's answer is
 * the one it enforces, so the access token is never decoded here.
 */
export function auth0Session(auth0: Auth0VueClient, lookupGrants: GrantsLookup): Session {
  const permissions = ref<string[]>([]);
  const roles = ref<string[]>([]);
  const sub = ref<string | null>(null);
  const permissionsKnown = ref(false);
  const permissionsError = ref<string | null>(null);
  let generation = 0;

  async function readGrants(): Promise<void> {
    const mine = ++generation;
    permissionsKnown.value = false;
    try {
      const grants = await lookupGrants();
      if (mine !== generation) return;
      permissions.value = [...grants.permissions].sort();
      roles.value = [...grants.roles].sort();
      sub.value = grants.sub ?? null;
      permissionsError.value = null;
    } catch (error) {
      if (mine !== generation) return;
      permissions.value = [];
      roles.value = [];
      sub.value = null;
      permissionsError.value = describeError(error);
    } finally {
      if (mine === generation) permissionsKnown.value = true;
    }
  }

  function forget(): void {
    generation++;
    permissions.value = [];
    roles.value = [];
    sub.value = null;
    permissionsError.value = null;
    permissionsKnown.value = true;
  }

  watch(
    [auth0.isLoading, auth0.isAuthenticated],
    ([loading, authenticated]) => {
      if (loading) return;
      if (authenticated) void readGrants();
      else forget();
    },
    { immediate: true },
  );

  const profile = computed<StaffProfile | null>(() => {
    const user = auth0.user.value;
    if (!auth0.isAuthenticated.value || !user) return null;
    return { name: user.name, email: user.email, picture: user.picture };
  });

  const error = computed(() => {
    const failure = auth0.error.value as (Error & { error_description?: string }) | null;
    return failure ? failure.error_description || failure.message : null;
  });

  return {
    isLoading: auth0.isLoading,
    error,
    isAuthenticated: auth0.isAuthenticated,
    profile,
    permissionsKnown,
    permissions,
    roles,
    sub,
    permissionsError,
    async login(target?: string) {
      await auth0.loginWithRedirect({ appState: { target: target ?? window.location.pathname } });
    },
    async logout() {
      await auth0.logout({ logoutParams: { returnTo: window.location.origin } });
    },
    async accessToken() {
      if (!auth0.isAuthenticated.value) return null;
      return (await auth0.getAccessTokenSilently()) ?? null;
    },
  };
}
