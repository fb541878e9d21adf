import { computed, inject, type ComputedRef, type InjectionKey, type Ref } from "vue";

export interface StaffProfile {
  name?: string;
  email?: string;
  picture?: string;
}

/**
 * What the UI knows about the signed-in staff member. Components read it through
 * `useSession()`, so the sign-in SDK stays in one module and tests can provide
 * any state they need.
 *
 * Permissions and roles come from the desk's `GET /api/me`, never from the access
 * token: the desk already expands `manage:users` into every permission it grants,
 * so the UI and the API answer "may this person do that?" the same way.
 */
export interface Session {
  isLoading: Readonly<Ref<boolean>>;
  isAuthenticated: Readonly<Ref<boolean>>;
  profile: Readonly<Ref<StaffProfile | null>>;
  /** False until the desk has said what the signed-in staff member may do. */
  permissionsKnown: Readonly<Ref<boolean>>;
  /** The desk's effective permissions for the staff member, sorted. */
  permissions: Readonly<Ref<string[]>>;
  /** Names of the staff member's roles in the directory, sorted. */
  roles: Readonly<Ref<string[]>>;
  /** The staff member's own user id (`sub`), as the desk read it from the token; null until known. */
  sub: Readonly<Ref<string | null>>;
  /** Why the desk could not say what the staff member may do, if it could not. */
  permissionsError: Readonly<Ref<string | null>>;
  /** Why the last sign-in step failed (a refused login, an unreachable tenant), if it did. */
  error: Readonly<Ref<string | null>>;
  login(target?: string): Promise<void>;
  logout(): Promise<void>;
  /** A Bearer token for the desk API, or null when nobody is signed in. */
  accessToken(): Promise<string | null>;
}

/** The staff member as the desk's `GET /api/me` describes them. */
export interface StaffGrants {
  permissions: string[];
  roles: string[];
  /** The staff member's user id, so pages can refuse actions on one's own account. */
  sub?: string | null;
}

export const SessionKey: InjectionKey<Session> = Symbol("session");

export function useSession(): Session {
  const session = inject(SessionKey);
  if (!session) throw new Error("useSession() needs a Session provided by the app");
  return session;
}

/** Whether the signed-in staff member holds `permission`, as the desk said. */
export function usePermission(permission: string): ComputedRef<boolean> {
  const { permissions } = useSession();
  return computed(() => permissions.value.includes(permission));
}
