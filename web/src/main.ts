import { createApp, h, markRaw, watch } from "vue";
import type { RouteLocationNormalized } from "vue-router";
import PrimeVue from "primevue/config";
import ToastService from "primevue/toastservice";
import "./icons.css";
import "./style.css";
import App from "./App.vue";
import { ApiKey } from "./api/inject";
import { createDeskClient, type DeskClient } from "./api/client";
import { loadConfig } from "./config";
import { createDeskRouter, preloadPage } from "./router";
import { lazySession, mayHaveSession } from "./session/lazySession";
import { SessionKey, type Session } from "./session/session";
import { UserdeskPreset } from "./theme";
import { RemoteAvatarsKey } from "./users/avatars";
import { prefetchUser, prefetchUsers, readUsersLastTime, rememberReadUsers, searchFor } from "./users/prefetch";
import { readState } from "./users/urlState";

async function start(): Promise<void> {
  // A session to restore needs the sign-in SDK: fetch its chunk while the desk's configuration
  // is on its way (the import below then finds it loaded).
  const loadSdk = () => import("./session/auth0Start");
  if (mayHaveSession(null)) {
    void loadSdk().catch(() => undefined);
    preloadPage(window.location.pathname);
  }
  const config = await loadConfig();
  const restoring = mayHaveSession(config.clientId);
  // The sign-in SDK is a chunk of its own: loaded at once when this browser may have a
  // session to restore, otherwise only for Log in or a staff page (`lazySession`).
  const app = createApp(App);
  // The session asks the desk what the staff member may do once signed in; the desk client
  // asks the session for tokens: the lookup runs only after both exist.
  let api: DeskClient | undefined;
  const session = lazySession(async () => {
    const { startAuth0 } = await loadSdk();
    return startAuth0(app, config, async () => {
      const { data } = (await api?.GET("/api/me")) ?? {};
      if (!data) throw new Error("The desk did not say what you may do.");
      return { permissions: data.permissions, roles: data.roles.map((role) => role.name), sub: data.sub };
    });
  }, restoring);
  api = createDeskClient(() => session.accessToken());
  const router = createDeskRouter(session, {
    // The users list (or the user a link opens) is asked for while the page's code loads, not
    // after it has mounted. Staff who could read users last time in this browser ask at once,
    // beside `GET /api/me`; otherwise the request waits for the desk's answer, so a first
    // sign-in does not spend the tenant's Management API rate limit on a search that may be
    // refused, ahead of it.
    signedIn: (to) => {
      const early = api && earlyRequest(api, to);
      if (!early) return;
      if (readUsersLastTime()) {
        early();
        return;
      }
      const stop = watch(
        session.permissionsKnown,
        (known) => {
          if (!known) return;
          queueMicrotask(() => stop());
          if (session.permissions.value.includes("read:users")) early();
        },
        { immediate: true },
      );
    },
  });
  rememberReadUsers(session);

  // The router goes first: auth0-vue sends the visitor back to `appState.target` through it.
  app
    .use(router)
    // The preset is read, never changed in place: kept out of Vue's reactivity, PrimeVue's
    // deep watch of its configuration does not walk (and proxy) every token at start.
    .use(PrimeVue, { theme: { preset: markRaw(UserdeskPreset), options: { darkModeSelector: ".dark-mode" } } })
    .use(ToastService)
    .provide(SessionKey, session)
    .provide(ApiKey, api)
    .provide(RemoteAvatarsKey, config.remoteAvatars);
  // Restoring a session from this browser's cache needs no network: the sign-in SDK goes
  // first, so its token starts the desk requests (`signedIn` above) and the app's first
  // render runs while the desk answers rather than ahead of the requests. Never for long,
  // and not when Auth0 has just sent the visitor back (the code exchange is a round trip:
  // the header says the session is being checked meanwhile).
  if (restoring && !returningFromAuth0()) await settledWithin(session, 1000);
  app.mount("#app");
}

/** The desk request a staff page starts with, to send before its code has loaded. */
function earlyRequest(api: DeskClient, to: RouteLocationNormalized): (() => void) | null {
  if (to.name === "users") {
    const search = searchFor(readState(to.query));
    return () => prefetchUsers(api, search);
  }
  const id = to.params.id;
  if (to.name === "user" && typeof id === "string") return () => prefetchUser(api, id);
  return null;
}

function returningFromAuth0(): boolean {
  const params = new URLSearchParams(window.location.search);
  return params.has("state") && (params.has("code") || params.has("error"));
}

/** Resolves once the session is restored (or not), or after `ms` at the latest. */
function settledWithin(session: Session, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(done, ms);
    const stop = watch(session.isLoading, (loading) => loading || done(), { immediate: true });
    function done(): void {
      window.clearTimeout(timer);
      queueMicrotask(() => stop());
      resolve();
    }
  });
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  createApp({
    render: () =>
      h("main", { class: "startup-error", role: "alert" }, [
        h("h1", "Userdesk could not start"),
        h("p", message),
      ]),
  }).mount("#app");
});
