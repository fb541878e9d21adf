import { computed, ref, watch } from "vue";
import type { Auth0VueClient } from "@auth0/auth0-vue";
import { decodePayload, permissionsOf, rolesOf } from "./claims";
import type { Session, StaffProfile } from "./session";

/** Role names of the signed-in staff member, as the desk finds them in the directory. */
export type RoleLookup = () => Promise<string[]>;

/**
 * Adapts the official auth0-vue client to the app's Session. Access tokens carry
 * permissions but no role names unless a tenant adds a namespaced claim, so role
 * names also come from `lookupRoles` (the desk's `GET /api/me`).
 */
export function auth0Session(auth0: Auth0VueClient, lookupRoles?: RoleLookup): Session {
  const permissions = ref<string[]>([]);
  const tokenRoles = ref<string[]>([]);
  const directoryRoles = ref<string[]>([]);
  const permissionsKnown = ref(false);

  async function readToken(): Promise<void> {
    try {
      const claims = decodePayload((await auth0.getAccessTokenSilently()) ?? "");
      permissions.value = permissionsOf(claims);
      tokenRoles.value = rolesOf(claims);
    } catch {
      permissions.value = [];
      tokenRoles.value = [];
    } finally {
      permissionsKnown.value = true;
    }
    if (lookupRoles) {
      // Cosmetic: the header shows permissions either way, so a failure hides only names.
      directoryRoles.value = await lookupRoles().catch(() => []);
    }
  }

  watch(
    [auth0.isLoading, auth0.isAuthenticated],
    ([loading, authenticated]) => {
      if (loading) return;
      if (authenticated) {
        permissionsKnown.value = false;
        void readToken();
      }
      else {
        permissions.value = [];
        tokenRoles.value = [];
        directoryRoles.value = [];
        permissionsKnown.value = true;
      }
    },
    { immediate: true },
  );

  const profile = computed<StaffProfile | null>(() => {
    const user = auth0.user.value;
    if (!auth0.isAuthenticated.value || !user) return null;
    return { name: user.name, email: user.email, picture: user.picture };
  });

  const roles = computed(() => {
    const idClaims = auth0.idTokenClaims.value as Record<string, unknown> | undefined;
    return [...new Set([...tokenRoles.value, ...rolesOf(idClaims), ...directoryRoles.value])].sort();
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
