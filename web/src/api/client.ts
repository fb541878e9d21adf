import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { toApiError } from "./errors";

export type DeskClient = ReturnType<typeof createClient<paths>>;

/** Supplies a Bearer token when someone is signed in, or null for anonymous calls. */
export type TokenSource = () => Promise<string | null>;

/**
 * The typed desk API client. Failures are thrown as ApiError so every caller
 * handles them in one place instead of checking `error` on each result.
 */
export function createDeskClient(tokens: TokenSource, baseUrl = ""): DeskClient {
  const client = createClient<paths>({ baseUrl: baseUrl || window.location.origin });
  const auth: Middleware = {
    async onRequest({ request }) {
      const token = await tokens();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
    async onResponse({ response }) {
      if (response.ok) return undefined;
      const body: unknown = await response
        .clone()
        .json()
        .catch(() => null);
      throw await toApiError(response, body);
    },
  };
  client.use(auth);
  return client;
}
