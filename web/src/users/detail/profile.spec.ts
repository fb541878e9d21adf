import { describe, expect, it } from "vitest";
import type { UserDetail } from "./api";
import { profileChanges, profileForm } from "./profile";

const grace = {
  user_id: "auth0|grace",
  email: "grace@example.com",
  name: "Grace Hopper",
  nickname: "grace",
  given_name: "Grace",
  family_name: null,
  picture: null,
  blocked: false,
} as UserDetail;

describe("profileChanges", () => {
  it("sends nothing when nothing changed", () => {
    expect(profileChanges(grace, profileForm(grace))).toEqual({ changes: {}, error: null });
  });

  it("sends only the changed fields, trimmed, and a cleared one as null", () => {
    const form = { ...profileForm(grace), name: "  Grace B. Hopper ", nickname: "", family_name: "Hopper" };
    expect(profileChanges(grace, form)).toEqual({
      changes: { name: "Grace B. Hopper", nickname: null, family_name: "Hopper" },
      error: null,
    });
  });

  it("refuses an empty or malformed email", () => {
    expect(profileChanges(grace, { ...profileForm(grace), email: " " }).error).toContain("cannot be empty");
    expect(profileChanges(grace, { ...profileForm(grace), email: "grace" }).error).toContain("email address");
    expect(profileChanges(grace, { ...profileForm(grace), email: "g@navy.mil" }).changes).toEqual({ email: "g@navy.mil" });
  });
});
