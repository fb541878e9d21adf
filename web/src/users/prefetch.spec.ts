import { describe, expect, it, vi } from "vitest";
import { nextTick, ref } from "vue";
import { sessionWith } from "@/testing/mount";
import type { DeskClient } from "@/api/client";
import {
  prefetchUser,
  prefetchUsers,
  readUsersLastTime,
  rememberReadUsers,
  searchFor,
  takePrefetched,
  takePrefetchedUser,
} from "./prefetch";
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

describe("prefetchUser", () => {
  it("asks for a user once, and hands the answer out once, for that user only", async () => {
    const ada = { user_id: "auth0|ada", email: "ada@example.com" };
    const api = { GET: vi.fn(async () => ({ data: ada })) } as unknown as DeskClient & { GET: ReturnType<typeof vi.fn> };
    prefetchUser(api, "auth0|ada");
    prefetchUser(api, "auth0|ada");
    await vi.waitFor(() => expect(api.GET).toHaveBeenCalledTimes(1));
    expect(api.GET.mock.calls[0]![0]).toBe("/api/users/{user_id}");
    expect(takePrefetchedUser("auth0|bob")).toBeNull();
    prefetchUser(api, "auth0|ada");
    expect(await takePrefetchedUser("auth0|ada")).toEqual(ada);
    expect(takePrefetchedUser("auth0|ada")).toBeNull();
  });

  it("keeps the users list's early page apart from a user's", async () => {
    const api = fakeApi();
    const search = searchFor(DEFAULT_STATE);
    prefetchUsers(api, search);
    prefetchUser(api, "auth0|ada");
    expect(takePrefetchedUser("auth0|ada")).not.toBeNull();
    expect(await takePrefetched(search)).toMatchObject({ total: 0 });
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
