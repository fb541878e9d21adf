import { inject, type InjectionKey, type Ref } from "vue";

export interface StaffProfile {
  name?: string;
  email?: string;
  picture?: string;
}

/**
 * What the UI knows about the signed-in staff member. Components read it through
 * `useSession()`, so the sign-in SDK stays in one module and tests can provide
 * any state they need.
 */
export interface Session {
  isLoading: Readonly<Ref<boolean>>;
  isAuthenticated: Readonly<Ref<boolean>>;
  profile: Readonly<Ref<StaffProfile | null>>;
  /** False until the access token has been read after sign-in. */
  permissionsKnown: Readonly<Ref<boolean>>;
  permissions: Readonly<Ref<string[]>>;
  roles: Readonly<Ref<string[]>>;
  /** Why the last sign-in step failed (a refused login, an unreachable tenant), if it did. */
  error: Readonly<Ref<string | null>>;
  login(target?: string): Promise<void>;
  logout(): Promise<void>;
  /** A Bearer token for the desk API, or null when nobody is signed in. */
  accessToken(): Promise<string | null>;
}

export const SessionKey: InjectionKey<Session> = Symbol("session");

export function useSession(): Session {
  const session = inject(SessionKey);
  if (!session) throw new Error("useSession() needs a Session provided by the app");
  return session;
}

/** `manage:users` is the original design's catch-all and grants every user permission. */
export const MANAGE_USERS = "manage:users";

export function can(permissions: readonly string[], permission: string): boolean {
  return (
    permissions.includes(permission) ||
    (permission.endsWith(":users") && permissions.includes(MANAGE_USERS))
  );
}
