import type { DeskClient } from "./client";

export interface LooseInit {
  params?: { path?: Record<string, string>; query?: Record<string, unknown> };
  body?: unknown;
  signal?: AbortSignal;
}
type Call = (path: string, init?: LooseInit) => Promise<{ data?: unknown }>;
export interface LooseClient {
  GET: Call;
  POST: Call;
  PATCH: Call;
  DELETE: Call;
}

/**
 * The same client (token, `ApiError` on failure) for routes and parameters whose types are
 * written by hand from the desk's contract: the OpenAPI document gains them route by route,
 * and each call moves to the generated `paths` once they are there.
 */
export function loose(api: DeskClient): LooseClient {
  return api as unknown as LooseClient;
}
