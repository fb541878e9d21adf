import { createRouter, createWebHistory, type RouteLocationNormalized, type Router } from "vue-router";
import { watch } from "vue";
import type { Session } from "@/session/session";

declare module "vue-router" {
  interface RouteMeta {
    requiresAuth?: boolean;
    title?: string;
    /** The page's lazy chunk, fetched while the session is still being restored. */
    load?: () => Promise<unknown>;
  }
}

const loadEvent = () => import("@/events/EventPage.vue");
const loadUsers = () => import("@/users/UsersPage.vue");
const loadUser = () => import("@/users/detail/UserPage.vue");
const loadAudit = () => import("@/audit/AuditPage.vue");

/**
 * Starts downloading the staff page an address opens, before the app (and its router) exist:
 * for a pasted link or a reload, while the desk's configuration and the session are on their way.
 */
export function preloadPage(pathname: string): void {
  const pages: [RegExp, () => Promise<unknown>][] = [
    [/^\/users\/?$/, loadUsers],
    [/^\/users\/[^/]+\/?$/, loadUser],
    [/^\/audit\/?$/, loadAudit],
    [/^\/events\/[^/]+\/?$/, loadEvent],
  ];
  const load = pages.find(([pattern]) => pattern.test(pathname))?.[1];
  void load?.().catch(() => undefined);
}

function settled(session: Session): Promise<void> {
  if (!session.isLoading.value) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = watch(session.isLoading, (loading) => {
      if (!loading) {
        stop();
        resolve();
      }
    });
  });
}

export interface DeskRouterOptions {
  /**
   * Called when a staff page is entered from another page (or on arrival), once the session is
   * restored and signed in, before the page's code has loaded. Not for a page's own address
   * changes (a search typed on Users).
   */
  signedIn?: (to: RouteLocationNormalized) => void;
}

export function createDeskRouter(session: Session, options: DeskRouterOptions = {}): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      {
        path: "/",
        name: "home",
        component: () => import("@/pages/WelcomePage.vue"),
        meta: { title: "Welcome" },
        // Staff come here to work on users: once signed in, the desk opens on Users.
        // Visitors who are not signed in get the welcome page and its Log in button.
        beforeEnter: async () => {
          await settled(session);
          return session.isAuthenticated.value ? { name: "users" } : true;
        },
      },
      {
        path: "/events",
        name: "events",
        component: () => import("@/events/EventsPage.vue"),
        meta: { title: "Events" },
      },
      {
        path: "/events/:id",
        name: "event",
        component: loadEvent,
        meta: { requiresAuth: true, title: "Event", load: loadEvent },
        props: true,
      },
      {
        path: "/users",
        name: "users",
        component: loadUsers,
        meta: { requiresAuth: true, title: "Users", load: loadUsers },
      },
      {
        path: "/users/:id",
        name: "user",
        component: loadUser,
        meta: { requiresAuth: true, title: "User", load: loadUser },
        props: true,
      },
      {
        path: "/audit",
        name: "audit",
        component: loadAudit,
        meta: { requiresAuth: true, title: "Audit log", load: loadAudit },
      },
      {
        path: "/about",
        name: "about",
        component: () => import("@/pages/AboutPage.vue"),
        meta: { title: "About" },
      },
      {
        path: "/:pathMatch(.*)*",
        name: "not-found",
        component: () => import("@/pages/NotFoundPage.vue"),
        meta: { title: "Not found" },
      },
    ],
  });

  // Signed-in pages send the visitor to the login page and back to where they were going.
  router.beforeEach(async (to, from) => {
    if (!to.meta.requiresAuth) return true;
    // vue-router fetches lazy pages only after the guards: start now, in parallel.
    void to.meta.load?.().catch(() => undefined);
    await settled(session);
    if (session.isAuthenticated.value) {
      if (to.name !== from.name) options.signedIn?.(to);
      return true;
    }
    await session.login(to.fullPath);
    return false;
  });

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · Userdesk` : "Userdesk";
  });
  return router;
}
