import { describe, expect, it, vi } from "vitest";
import { nextTick, ref } from "vue";
import { sessionWith } from "@/testing/mount";
import type { DeskClient } from "@/api/client";
import { prefetchUsers, readUsersLastTime, rememberReadUsers, searchFor, takePrefetched } from "./prefetch";
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

describe("rememberReadUsers", () => {
  it("remembers whether the desk let the staff member read users, and forgets on sign-out", async () => {
    window.localStorage.clear();
    const session = sessionWith(["read:users"]);
    const known = ref(false);
    const signedIn = ref(true);
    rememberReadUsers({ ...session, permissionsKnown: known, isAuthenticated: signedIn });
    expect(readUsersLastTime()).toBe(false);
    known.value = true;
    await nextTick();
    expect(readUsersLastTime()).toBe(true);
    signedIn.value = false;
    await nextTick();
    expect(readUsersLastTime()).toBe(false);
  });
});
