import { ref } from "vue";
import { mount, RouterLinkStub, type ComponentMountingOptions } from "@vue/test-utils";
import PrimeVue from "primevue/config";
import ToastService from "primevue/toastservice";
import { SessionKey, type Session } from "@/session/session";

/**
 * A signed-in (or not) staff member, as the real Session would describe them.
 * `permissions` are the desk's effective list (null: not known yet).
 */
export function sessionWith(
  permissions: string[] | null,
  signedIn = true,
  roles: string[] = [],
  sub: string | null = signedIn ? "auth0|ada-staff" : null,
): Session {
  return {
    isLoading: ref(false),
    isAuthenticated: ref(signedIn),
    profile: ref(signedIn ? { name: "Ada Staff", email: "ada@example.com" } : null),
    permissionsKnown: ref(permissions !== null),
    permissions: ref(permissions ?? []),
    roles: ref(roles),
    sub: ref(sub),
    permissionsError: ref(null),
    error: ref(null),
    login: async () => undefined,
    logout: async () => undefined,
    accessToken: async () => null,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function mountWithUi<C>(component: C, options: ComponentMountingOptions<C> & { session?: Session } = {}) {
  const { session, global, ...rest } = options as ComponentMountingOptions<C> & { session?: Session };
  return mount(component as never, {
    attachTo: document.body,
    ...rest,
    global: {
      ...global,
      plugins: [[PrimeVue, { theme: "none" }], ToastService, ...(global?.plugins ?? [])],
      // Links render as plain anchors unless a test brings its own router.
      stubs: { RouterLink: RouterLinkStub, ...(global?.stubs ?? {}) },
      provide: { ...(global?.provide ?? {}), ...(session ? { [SessionKey as symbol]: session } : {}) },
    },
  } as never);
}
