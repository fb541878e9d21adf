/** What a staff member may do on a user's page, from the desk's effective permissions. */
export interface UserAbilities {
  /** Edit the profile and metadata, block and unblock, sign out everywhere, send emails. */
  update: boolean;
  /** Assign and remove roles. */
  manageRoles: boolean;
  delete: boolean;
  /** See this user's entries in the audit log. */
  readHistory: boolean;
}

/**
 * The desk already expands `manage:users`, so each check is one permission. Deleting
 * one's own account is refused by the desk (409); the page does not offer it either.
 */
export function userAbilities(permissions: readonly string[], isSelf: boolean): UserAbilities {
  const has = (permission: string) => permissions.includes(permission);
  return {
    update: has("update:users"),
    manageRoles: has("update:roles"),
    delete: has("delete:users") && !isSelf,
    readHistory: has("read:audit"),
  };
}
