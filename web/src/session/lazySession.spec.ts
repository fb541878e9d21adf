import { describe, expect, it, vi } from "vitest";
import { ref } from "vue";
import { flushPromises } from "@vue/test-utils";
import { lazySession, mayHaveSession } from "./lazySession";
import type { Session } from "./session";

function realSession(): Session {
  return {
    isLoading: ref(false),
    isAuthenticated: ref(true),
    profile: ref({ name: "Ada Staff" }),
    permissionsKnown: ref(true),
    permissions: ref(["read:users"]),
    roles: ref(["Support"]),
    sub: ref("auth0|ada"),
    permissionsError: ref(null),
    error: ref(null),
    login: vi.fn(async () => undefined),
    logout: vi.fn(async () => undefined),
    accessToken: vi.fn(async () => "token"),
  };
}

describe("lazySession", () => {
  it("loads nothing for a visitor with no session to restore", async () => {
    const start = vi.fn(async () => realSession());
    const session = lazySession(start, false);
    expect(session.isLoading.value).toBe(false);
    expect(session.isAuthenticated.value).toBe(false);
    expect(session.permissionsKnown.value).toBe(true);
    expect(await session.accessToken()).toBeNull();
    await session.logout();
    expect(start).not.toHaveBeenCalled();
  });

  it("loads the sign-in SDK once, when Log in is pressed", async () => {
    const real = realSession();
    const start = vi.fn(async () => real);
    const session = lazySession(start, false);
    await Promise.all([session.login("/users"), session.login("/audit")]);
    expect(start).toHaveBeenCalledTimes(1);
    expect(real.login).toHaveBeenCalledWith("/users");
  });

  it("restores at once, loading until the real session has settled", async () => {
    const real = realSession();
    const session = lazySession(async () => real, true);
    expect(session.isLoading.value).toBe(true);
    expect(session.permissionsKnown.value).toBe(false);
    await flushPromises();
    expect(session.isLoading.value).toBe(false);
    expect(session.isAuthenticated.value).toBe(true);
    expect(session.permissions.value).toEqual(["read:users"]);
    expect(await session.accessToken()).toBe("token");
  });

  it("says so when the SDK cannot load", async () => {
    const session = lazySession(async () => {
      throw new Error("chunk missing");
    }, true);
    await flushPromises();
    expect(session.isLoading.value).toBe(false);
    expect(session.error.value).toContain("chunk missing");
  });
});

describe("mayHaveSession", () => {
  const at = (search: string) => ({ search }) as Location;
  it("sees the SDK's cookie, its localStorage cache, or Auth0's answer in the address", () => {
    const empty = window.localStorage;
    empty.clear();
    expect(mayHaveSession("abc", at(""), empty, "")).toBe(false);
    expect(mayHaveSession("abc", at(""), empty, "x=1; auth0.abc.is.authenticated=true")).toBe(true);
    expect(mayHaveSession("abc", at("?code=1&state=2"), empty, "")).toBe(true);
    expect(mayHaveSession("abc", at("?error=login_required&state=2"), empty, "")).toBe(true);
    expect(mayHaveSession("abc", at("?state=2"), empty, "")).toBe(false);
    empty.setItem("@@auth0spajs@@::abc::aud::openid", "{}");
    expect(mayHaveSession("abc", at(""), empty, "")).toBe(true);
    empty.clear();
  });
});
