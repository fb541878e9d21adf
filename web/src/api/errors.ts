/** A desk API failure, carrying what the UI needs to say what happened. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait before retrying, from `Retry-After` on a 429. */
  readonly retryAfter: number | null;

  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export async function toApiError(response: Response, body: unknown): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  let code = `http_${response.status}`;
  let message = response.statusText || `The desk answered ${response.status}.`;
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    if (typeof record.error === "string") code = record.error;
    if (typeof record.message === "string") message = record.message;
    // FastAPI's own validation and routing errors use `detail`.
    else if (typeof record.detail === "string") message = record.detail;
  }
  return new ApiError(response.status, code, message, retryAfter);
}

/** A sentence a staff member can act on. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter ?? 1;
      return `The identity provider is rate limiting the desk: try again in ${wait} s.`;
    }
    if (error.status === 401) return "Your session has expired: sign in again.";
    if (error.status === 403) return `You are not allowed to do this (${error.message}).`;
    if (error.status === 404) return `Not found: ${error.message}`;
    if (error.status >= 500) return `The desk could not reach the identity provider (${error.message}).`;
    return error.message;
  }
  if (error instanceof TypeError) return "The desk could not be reached: check your connection.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
