import { describe, expect, it, vi } from "vitest";
import { sessionWith } from "@/testing/mount";
import { createDeskRouter } from "./router";

describe("the desk's routes", () => {
  it("opens Users for signed-in staff who visit the desk's address", async () => {
    const router = createDeskRouter(sessionWith(["read:users"]));
    await router.push("/");
    expect(router.currentRoute.value.name).toBe("users");
  });

  it("keeps the welcome page for visitors, and the events list public", async () => {
    const session = sessionWith(null, false);
    const login = vi.spyOn(session, "login");
    const router = createDeskRouter(session);
    await router.push("/");
    expect(router.currentRoute.value.name).toBe("home");
    await router.push("/events");
    expect(router.currentRoute.value.name).toBe("events");
    expect(login).not.toHaveBeenCalled();
  });

  it("sends visitors to sign in for an event and for Users", async () => {
    const session = sessionWith(null, false);
    const login = vi.spyOn(session, "login");
    const router = createDeskRouter(session);
    await router.push("/events/2");
    await router.push("/users?page=2");
    expect(login.mock.calls).toEqual([["/events/2"], ["/users?page=2"]]);
  });
});
