import type { App } from "vue";
import { createAuth0 } from "@auth0/auth0-vue";
import type { SpaConfig } from "@/config";
import { auth0Session, type GrantsLookup } from "./auth0Session";
import type { Session } from "./session";

/**
 * The auth0-vue client and the Session over it, in their own chunk (see `lazySession`).
 * Installing the plugin restores the session, or finishes a sign-in Auth0 sent back,
 * and then sends the visitor to `appState.target` through the app's router.
 */
export function startAuth0(app: App, config: SpaConfig, lookupGrants: GrantsLookup): Session {
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
  const session = auth0Session(auth0, lookupGrants);
  app.use(auth0);
  return session;
}
