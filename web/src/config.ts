/** What the desk tells the SPA at start, so one build serves any tenant. */
export interface SpaConfig {
  domain: string;
  clientId: string;
  audience: string;
}

export async function loadConfig(fetchImpl: typeof fetch = fetch): Promise<SpaConfig> {
  const response = await fetchImpl("/api/config", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The desk's /api/config answered ${response.status}.`);
  const body = (await response.json()) as Partial<SpaConfig>;
  if (!body.domain || !body.clientId || !body.audience) {
    throw new Error("The desk's /api/config lacks domain, clientId or audience.");
  }
  return { domain: body.domain, clientId: body.clientId, audience: body.audience };
}
