/** What the desk tells the SPA at start, so one build serves any tenant. */
export interface SpaConfig {
  domain: string;
  clientId: string;
  audience: string;
  /** Whether avatars hosted elsewhere (Gravatar...) may load; off unless the operator opts in. */
  remoteAvatars: boolean;
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<SpaConfig> {
  const response = await fetchImpl("/api/config", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The desk's /api/config answered ${response.status}.`);
  const body = (await response.json()) as Partial<SpaConfig>;
  // Name the desk setting to fix: the staff member reading this may be the one deploying it.
  const missing = [
    ["domain", "AUTH0_DOMAIN"],
    ["clientId", "AUTH0_SPA_CLIENT_ID"],
    ["audience", "AUTH0_AUDIENCE"],
  ].filter(([key]) => !body[key as "domain" | "clientId" | "audience"]);
  if (missing.length || !body.domain || !body.clientId || !body.audience) {
    const names = missing.map(([key, variable]) => `${key} (set ${variable})`).join(", ");
    throw new Error(`The desk's /api/config has no ${names}.`);
  }
  return {
    domain: body.domain,
    clientId: body.clientId,
    audience: body.audience,
    // Anything but an explicit true keeps staff browsers from calling third parties.
    remoteAvatars: body.remoteAvatars === true,
  };
}
