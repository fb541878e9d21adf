import { createApp, h } from "vue";
import { createAuth0 } from "@auth0/auth0-vue";
import PrimeVue from "primevue/config";
import ToastService from "primevue/toastservice";
import "primeicons/primeicons.css";
import "./style.css";
import App from "./App.vue";
import { ApiKey } from "./api/inject";
import { createDeskClient, type DeskClient } from "./api/client";
import { loadConfig } from "./config";
import { createDeskRouter } from "./router";
import { auth0Session } from "./session/auth0Session";
import { SessionKey } from "./session/session";
import { UserdeskPreset } from "./theme";
import { RemoteAvatarsKey } from "./users/avatars";

async function start(): Promise<void> {
  const config = await loadConfig();
  const auth0 = createAuth0({
    domain: config.domain,
    clientId: config.clientId,
    // A localStorage cache with refresh tokens keeps staff signed in across reloads
    // without the third-party-cookie iframe; `issuer` stays unset so http tenants work.
    cacheLocation: "localstorage",
    useRefreshTokens: true,
    authorizationParams: {
      redirect_uri: window.location.origin,
      audience: config.audience,
      scope: "openid profile email offline_access",
    },
  });
  // The session asks the desk what the staff member may do once signed in; the desk client
  // asks the session for tokens: the lookup runs only after both exist.
  let api: DeskClient | undefined;
  const session = auth0Session(auth0, async () => {
    const { data } = (await api?.GET("/api/me")) ?? {};
    if (!data) throw new Error("The desk did not say what you may do.");
    return { permissions: data.permissions, roles: data.roles.map((role) => role.name), sub: data.sub };
  });
  api = createDeskClient(() => session.accessToken());
  const router = createDeskRouter(session);

  createApp(App)
    // The router goes first: auth0-vue sends the visitor back to `appState.target` through it.
    .use(router)
    .use(auth0)
    .use(PrimeVue, { theme: { preset: UserdeskPreset, options: { darkModeSelector: ".dark-mode" } } })
    .use(ToastService)
    .provide(SessionKey, session)
    .provide(ApiKey, api)
    .provide(RemoteAvatarsKey, config.remoteAvatars)
    .mount("#app");
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
