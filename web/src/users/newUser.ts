import { ApiError, describeError } from "@/api/errors";

export interface CreateFailure {
  /** The form field the message belongs beside, or null for the whole form. */
  field: "email" | "password" | null;
  message: string;
}

/** Where a refused create is explained: duplicates by the email, weak passwords by the password. */
export function createFailure(error: unknown): CreateFailure {
  if (error instanceof ApiError) {
    if (error.status === 409 || error.code === "user_exists") {
      return { field: "email", message: "A user with this email already exists in this connection." };
    }
    if (error.code === "weak_password" || error.code === "password_strength_error") {
      return { field: "password", message: `The password is too weak: ${error.message}` };
    }
  }
  return { field: null, message: describeError(error) };
}

/** What the form can say before asking the desk. */
export function checkNewUser(email: string, password: string): CreateFailure | null {
  if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) return { field: "email", message: "Enter an email address." };
  if (!password) return { field: "password", message: "Enter a password." };
  return null;
}
