/**
 * Reads an access token's payload for display only: the desk verifies every
 * token it receives, so nothing here is trusted for access decisions server-side.
 */
export function decodePayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) return {};
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** The RBAC `permissions` claim Auth0 adds to access tokens for an API. */
export function permissionsOf(claims: Record<string, unknown>): string[] {
  return strings(claims.permissions);
}

/**
 * Auth0 only puts roles in tokens through a namespaced custom claim (an Action
 * adding e.g. `https://example.com/roles`), so accept any claim named `roles`
 * or ending in `/roles`.
 */
export function rolesOf(...sources: (Record<string, unknown> | undefined)[]): string[] {
  const found = new Set<string>();
  for (const claims of sources) {
    if (!claims) continue;
    for (const [name, value] of Object.entries(claims)) {
      if (name === "roles" || name.endsWith("/roles")) strings(value).forEach((role) => found.add(role));
    }
  }
  return [...found].sort();
}
