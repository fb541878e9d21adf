import { describe, expect, it } from "vitest";
import { userAbilities } from "./abilities";

const ALL = ["create:users", "delete:users", "manage:users", "read:audit", "read:users", "update:roles", "update:users"];

describe("userAbilities", () => {
  it("follows the seeded roles", () => {
    expect(userAbilities(["read:users"], false)).toEqual({
      update: false,
      manageRoles: false,
      delete: false,
      readHistory: false,
    });
    expect(userAbilities(["read:users", "update:users"], false)).toEqual({
      update: true,
      manageRoles: false,
      delete: false,
      readHistory: false,
    });
    expect(userAbilities(["read:audit", "read:users"], false)).toEqual({
      update: false,
      manageRoles: false,
      delete: false,
      readHistory: true,
    });
    expect(userAbilities(ALL, false)).toEqual({ update: true, manageRoles: true, delete: true, readHistory: true });
  });

  it("never offers to delete one's own account", () => {
    expect(userAbilities(ALL, true).delete).toBe(false);
    expect(userAbilities(ALL, true).update).toBe(true);
  });

  it("does not read manage:users itself: the desk's list is already effective", () => {
    expect(userAbilities(["manage:users"], false)).toEqual({
      update: false,
      manageRoles: false,
      delete: false,
      readHistory: false,
    });
  });
});
