import { describe, expect, it, vi } from "vitest";
import { ref } from "vue";
import { flushPromises } from "@vue/test-utils";
import type { Auth0VueClient } from "@auth0/auth0-vue";
import { ApiError } from "@/api/errors";
import { auth0Session, type GrantsLookup } from "./auth0Session";

/** The parts of auth0-vue the session reads; the token grants nothing the desk did not say. */
function fakeAuth0(signedIn: boolean) {
  const token = "header.eyJwZXJtaXNzaW9ucyI6WyJkZWxldGU6dXNlcnMiXX0.signature";
  return {
    isLoading: ref(true),
    isAuthenticated: ref(signedIn),
    user: ref(signedIn ? { name: "Ada Staff", email: "ada@example.com" } : undefined),
    idTokenClaims: ref(undefined),
    error: ref(null),
    getAccessTokenSilently: vi.fn(async () => token),
    loginWithRedirect: vi.fn(async () => undefined),
    logout: vi.fn(async () => undefined),
  };
}

describe("auth0Session", () => {
  it("takes permissions and role names from the desk once signed in", async () => {
    const auth0 = fakeAuth0(true);
    const lookup: GrantsLookup = vi.fn(async () => ({ permissions: ["read:users", "read:audit"], roles: ["Auditor"] }));
    const session = auth0Session(auth0 as unknown as Auth0VueClient, lookup);
    expect(lookup).not.toHaveBeenCalled();
    expect(session.permissionsKnown.value).toBe(false);

    auth0.isLoading.value = false;
    await flushPromises();

    expect(lookup).toHaveBeenCalledTimes(1);
    expect(session.permissionsKnown.value).toBe(true);
    expect(session.permissions.value).toEqual(["read:audit", "read:users"]);
    expect(session.roles.value).toEqual(["Auditor"]);
    expect(session.permissionsError.value).toBeNull();
  });

  it("grants nothing when the desk cannot be asked, and says why", async () => {
    const auth0 = fakeAuth0(true);
    auth0.isLoading.value = false;
    const session = auth0Session(auth0 as unknown as Auth0VueClient, async () => {
      throw new ApiError(503, "upstream_unavailable", "tenant down");
    });
    await flushPromises();
    expect(session.permissionsKnown.value).toBe(true);
    expect(session.permissions.value).toEqual([]);
    expect(session.permissionsError.value).toContain("tenant down");
  });

  it("forgets everything on sign-out without asking the desk", async () => {
    const auth0 = fakeAuth0(true);
    auth0.isLoading.value = false;
    const lookup = vi.fn(async () => ({ permissions: ["read:users"], roles: ["Viewer"] }));
    const session = auth0Session(auth0 as unknown as Auth0VueClient, lookup);
    await flushPromises();
    auth0.isAuthenticated.value = false;
    await flushPromises();
    expect(session.permissions.value).toEqual([]);
    expect(session.roles.value).toEqual([]);
    expect(session.permissionsKnown.value).toBe(true);
    expect(lookup).toHaveBeenCalledTimes(1);
  });
});
