import { describe, expect, it } from "vitest";
import {
  EMPTY_FILTERS,
  fieldChanges,
  localToIso,
  readFilters,
  showValue,
  targetsUser,
  toAuditQuery,
  writeFilters,
} from "./entries";

describe("fieldChanges", () => {
  it("lines up before and after by field", () => {
    expect(fieldChanges({ before: { name: "Ada", blocked: false }, after: { name: "Ada L.", nickname: "ada" } })).toEqual([
      { field: "blocked", before: false, after: undefined },
      { field: "name", before: "Ada", after: "Ada L." },
      { field: "nickname", before: undefined, after: "ada" },
    ]);
  });

  it("has nothing to show for entries without them", () => {
    expect(fieldChanges({ before: null, after: null })).toEqual([]);
    expect(fieldChanges({})).toEqual([]);
  });
});

describe("showValue", () => {
  it("shows strings bare, other JSON as JSON, and absence as a dash", () => {
    expect(showValue("Ada")).toBe("Ada");
    expect(showValue(false)).toBe("false");
    expect(showValue(null)).toBe("null");
    expect(showValue(undefined)).toBe("—");
    expect(showValue({ plan: "pro" })).toBe('{\n  "plan": "pro"\n}');
  });
});

describe("targetsUser", () => {
  it("links targets of user actions only", () => {
    expect(targetsUser({ action: "users.update", target: "auth0|1" })).toBe(true);
    expect(targetsUser({ action: "users.roles.assign", target: "auth0|1" })).toBe(true);
    expect(targetsUser({ action: "exports.create", target: "42" })).toBe(false);
  });
});

describe("audit filters in the address", () => {
  it("round-trips, leaving defaults out", () => {
    const filters = { ...EMPTY_FILTERS, actor: "ada@example.com", outcome: "denied" as const, page: 3, perPage: 50 };
    const query = writeFilters(filters);
    expect(query).toEqual({ actor: "ada@example.com", outcome: "denied", page: "3", per_page: "50" });
    expect(readFilters(query)).toEqual(filters);
    expect(writeFilters(EMPTY_FILTERS)).toEqual({});
  });

  it("ignores what it cannot read", () => {
    expect(readFilters({ outcome: "exploded", page: "-2", per_page: "7" })).toEqual(EMPTY_FILTERS);
    expect(readFilters({ target: ["auth0|1", "auth0|2"] }).target).toBe("auth0|1");
  });

  it("sends local times as UTC instants and leaves empty filters out", () => {
    expect(localToIso("")).toBeUndefined();
    expect(localToIso("not a date")).toBeUndefined();
    expect(localToIso("2026-11-30T10:00")).toBe(new Date(2026, 10, 30, 10, 0).toISOString());
    expect(toAuditQuery({ ...EMPTY_FILTERS, q: "  ", target: " auth0|1 " })).toEqual({
      actor: undefined,
      target: "auth0|1",
      action: undefined,
      outcome: undefined,
      since: undefined,
      until: undefined,
      q: undefined,
      page: 1,
      per_page: 25,
    });
  });
});
