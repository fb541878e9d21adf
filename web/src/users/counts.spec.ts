import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/errors";
import { describeSearchError, isPastCap, pageReport, usersSummary } from "./counts";

describe("user counts", () => {
  it("counts users exactly when the provider counted them all", () => {
    expect(usersSummary(1, false)).toBe("1 user");
    expect(usersSummary(45, false)).toBe("45 users");
    expect(pageReport(11, 20, 45, false)).toBe("11 to 20 of 45");
    expect(pageReport(1991, 2000, 12345, false)).toBe("1,991 to 2,000 of 12,345");
  });

  it("never presents a capped count as the total", () => {
    expect(usersSummary(1000, true)).toBe("More than 1,000 users match; refine the search, or export them all");
    expect(pageReport(1, 10, 1000, true)).toBe("1 to 10 of more than 1,000");
  });
});

describe("search errors", () => {
  it("explains the search cap in the page's words", () => {
    const error = new ApiError(400, "search_cap_reached", "Only the first 1,000 matches of q ...");
    expect(isPastCap(error)).toBe(true);
    const text = describeSearchError(error);
    expect(text).toContain("Only the first 1,000 matching users can be listed");
    expect(text).toContain("refine the search, or export them all");
    expect(text).not.toMatch(/\bq\b/);
  });

  it("says a refused search was refused, and leaves other failures to the usual wording", () => {
    expect(describeSearchError(new ApiError(400, "bad_request", "unknown search field 'shoe_size'"))).toBe(
      "The desk did not accept this search: unknown search field 'shoe_size'",
    );
    expect(describeSearchError(new ApiError(429, "rate_limited", "slow down", 7))).toContain("try again in 7 s");
    expect(isPastCap(new ApiError(400, "bad_request", "x"))).toBe(false);
  });

  it("says plainly when the directory cannot search phone numbers", () => {
    const refused = new ApiError(400, "bad_request", "Invalid query: unknown search field 'phone_number'");
    expect(describeSearchError(refused)).toBe(
      "This directory cannot search by phone number: search by name, email or user id instead.",
    );
  });
});
