import { describe, expect, it, vi } from "vitest";
import type { DeskClient } from "@/api/client";
import { prefetchUsers, searchFor, takePrefetched } from "./prefetch";
import { DEFAULT_STATE } from "./urlState";

function fakeApi() {
  const page = { users: [], total: 0, total_is_capped: false };
  return { GET: vi.fn(async () => ({ data: page })) } as unknown as DeskClient & { GET: ReturnType<typeof vi.fn> };
}

describe("prefetchUsers", () => {
  it("hands the early first page out once, for exactly the search it was asked for", async () => {
    const api = fakeApi();
    const search = searchFor(DEFAULT_STATE);
    prefetchUsers(api, search);
    prefetchUsers(api, search);
    expect(api.GET).toHaveBeenCalledTimes(1);
    expect(takePrefetched({ ...search, page: 2 })).toBeNull();
    prefetchUsers(api, search);
    expect(await takePrefetched(search)).toMatchObject({ total: 0 });
    expect(takePrefetched(search)).toBeNull();
  });

  it("reads the page and sort from the address state as the table does", () => {
    expect(searchFor({ ...DEFAULT_STATE, first: 50, rows: 25, sortField: "email", sortOrder: -1 })).toMatchObject({
      page: 3,
      perPage: 25,
    });
  });
});
