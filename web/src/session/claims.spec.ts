import { describe, expect, it } from "vitest";
import { decodePayload, permissionsOf, rolesOf } from "./claims";
import { can } from "./session";

function token(payload: object): string {
  const encode = (value: object) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  return `${encode({ alg: "RS256" })}.${encode(payload)}.signature`;
}

describe("access token claims", () => {
  it("reads permissions and namespaced roles from the payload", () => {
    const claims = decodePayload(
      token({ permissions: ["read:users", "delete:users"], "https://userdesk/roles": ["Admin"], name: "Zoë" }),
    );
    expect(permissionsOf(claims)).toEqual(["read:users", "delete:users"]);
    expect(rolesOf(claims, { roles: ["Support", "Admin"] })).toEqual(["Admin", "Support"]);
    expect(claims.name).toBe("Zoë");
  });

  it("treats a malformed token as carrying nothing", () => {
    expect(decodePayload("not-a-jwt")).toEqual({});
    expect(decodePayload("a.!!!.c")).toEqual({});
    expect(permissionsOf({ permissions: "read:users" })).toEqual([]);
  });
});

describe("can", () => {
  it("grants a permission that is held, or any users permission through manage:users", () => {
    expect(can(["read:users"], "read:users")).toBe(true);
    expect(can(["read:users"], "delete:users")).toBe(false);
    expect(can(["manage:users"], "delete:users")).toBe(true);
    expect(can(["manage:users"], "read:audit")).toBe(false);
  });
});
