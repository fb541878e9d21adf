/** What each desk permission lets a staff member do, in the words of the desk's design. */
const MEANINGS: Record<string, string> = {
  "read:users": "list, search and view users",
  "update:users": "block, unblock and edit users, send verification and password emails",
  "create:users": "create users",
  "delete:users": "delete users",
  "update:roles": "assign and remove roles",
  "read:audit": "read the audit log",
  "manage:users": "every permission above (the original design's name for them)",
};

export function permissionMeaning(permission: string): string | null {
  return MEANINGS[permission] ?? null;
}
