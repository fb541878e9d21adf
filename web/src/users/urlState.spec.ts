import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, readState, writeState } from "./urlState";

describe("the Users page address", () => {
  it("round-trips search, page, page size and sort", () => {
    const state = { search: "ada lo", first: 50, rows: 25, sortField: "email", sortOrder: -1 as const };
    const query = writeState(state);
    expect(query).toEqual({ search: "ada lo", page: "3", per_page: "25", sort: "email:-1" });
    expect(readState(query as never)).toEqual(state);
  });

  it("keeps a plain /users for the defaults", () => {
    expect(writeState(DEFAULT_STATE)).toEqual({});
    expect(readState({})).toEqual(DEFAULT_STATE);
  });

  it("ignores values it cannot use instead of sending them to the desk", () => {
    expect(readState({ page: "-2", per_page: "7", sort: "email:2; drop", search: ["x", "y"] })).toEqual({
      ...DEFAULT_STATE,
      search: "x",
    });
    expect(readState({ page: "abc", per_page: "100", sort: "logins_count:1" })).toEqual({
      ...DEFAULT_STATE,
      rows: 100,
      sortField: "logins_count",
      sortOrder: 1,
    });
  });
});
