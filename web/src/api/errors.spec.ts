import { describe, expect, it } from "vitest";
import { ApiError, describeError, parseRetryAfter, toApiError } from "./errors";

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("7")).toBe(7);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:12 GMT", now)).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("toApiError and describeError", () => {
  it("says how long to wait after a 429", async () => {
    const response = new Response(JSON.stringify({ error: "rate_limited", message: "Too many requests" }), {
      status: 429,
      headers: { "Retry-After": "12" },
    });
    const error = await toApiError(response, await response.clone().json());
    expect(error).toMatchObject({ status: 429, code: "rate_limited", retryAfter: 12 });
    expect(describeError(error)).toContain("try again in 12 s");
  });

  it("keeps the desk's message for other failures", () => {
    expect(describeError(new ApiError(403, "forbidden", "Missing permission delete:users"))).toContain(
      "delete:users",
    );
    expect(describeError(new ApiError(503, "upstream_unavailable", "Tenant unreachable"))).toContain(
      "could not reach the identity provider",
    );
    expect(describeError(new TypeError("Failed to fetch"))).toContain("could not be reached");
  });
});
