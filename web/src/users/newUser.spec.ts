import { describe, expect, it } from "vitest";
import { ApiError } from "@/api/errors";
import { checkNewUser, createFailure } from "./newUser";

describe("createFailure", () => {
  it("puts a duplicate beside the email", () => {
    expect(createFailure(new ApiError(409, "user_exists", "The user already exists."))).toEqual({
      field: "email",
      message: "A user with this email already exists in this connection.",
    });
  });

  it("puts the provider's reason for a weak password beside the password", () => {
    expect(createFailure(new ApiError(400, "weak_password", "PasswordStrengthError: Password is too weak"))).toEqual({
      field: "password",
      message: "The password is too weak: PasswordStrengthError: Password is too weak",
    });
  });

  it("says anything else for the whole form", () => {
    expect(createFailure(new ApiError(403, "forbidden", "create:users"))).toEqual({
      field: null,
      message: "You are not allowed to do this (create:users).",
    });
  });
});

describe("checkNewUser", () => {
  it("asks for an email and a password before calling the desk", () => {
    expect(checkNewUser("nope", "x")?.field).toBe("email");
    expect(checkNewUser("a@example.com", "")?.field).toBe("password");
    expect(checkNewUser(" a@example.com ", "secret")).toBeNull();
  });
});
