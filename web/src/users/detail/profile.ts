import type { UserChanges, UserDetail } from "./api";

export const EDITABLE = ["name", "nickname", "given_name", "family_name", "picture", "email"] as const;
export type EditableField = (typeof EDITABLE)[number];
export type ProfileForm = Record<EditableField, string>;

export const LABELS: Record<EditableField, string> = {
  name: "Name",
  nickname: "Nickname",
  given_name: "Given name",
  family_name: "Family name",
  picture: "Picture URL",
  email: "Email",
};

export function profileForm(user: UserDetail): ProfileForm {
  return Object.fromEntries(EDITABLE.map((field) => [field, user[field] ?? ""])) as ProfileForm;
}

/**
 * Only the fields that changed, trimmed. A cleared optional field is sent as null (the
 * provider removes it); the email cannot be cleared, so an empty one is reported instead.
 */
export function profileChanges(user: UserDetail, form: ProfileForm): { changes: UserChanges; error: string | null } {
  const changes: UserChanges = {};
  for (const field of EDITABLE) {
    const typed = form[field].trim();
    if (typed === (user[field] ?? "")) continue;
    if (field === "email") {
      if (!typed) return { changes: {}, error: "The email cannot be empty." };
      if (!/^[^\s@]+@[^\s@]+$/.test(typed)) return { changes: {}, error: "This does not look like an email address." };
      changes.email = typed;
    } else {
      changes[field] = typed || null;
    }
  }
  return { changes, error: null };
}
