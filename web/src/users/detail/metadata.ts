import type { Metadata } from "./api";

export type Parsed = { ok: true; value: Metadata } | { ok: false; error: string };

/** Reads what a staff member typed: a JSON object, or a sentence saying what is wrong. */
export function parseMetadata(text: string): Parsed {
  if (!text.trim()) return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `This is not valid JSON: ${reason}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: "Metadata must be a JSON object, such as {\"plan\": \"pro\"}." };
  }
  return { ok: true, value: value as Metadata };
}

export function formatMetadata(value: Metadata | null | undefined): string {
  return JSON.stringify(value ?? {}, null, 2);
}

/** Equality of JSON values, whatever order an object's keys were typed in. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => key in right && sameJson(left[key], right[key]));
}

export interface MetadataChange {
  key: string;
  /** undefined: the key is new. */
  before: unknown;
  after: unknown;
}

/** What saving an edited metadata object will send, and what it will do. */
export interface MetadataPlan {
  /** The PATCH body's value: changed root keys with their new value, deleted keys as null. */
  patch: Metadata;
  /** Root keys added or given a new value (merged). */
  merged: MetadataChange[];
  /** Root keys that will be removed. */
  deleted: string[];
}

/**
 * Turns "the metadata should now read like this" into Auth0's update: the provider merges
 * metadata at the root (a nested object is replaced whole) and deletes a root key sent as
 * null. Keys missing from the edited object, or set to null in it, are deleted.
 */
export function planMetadata(current: Metadata, edited: Metadata): MetadataPlan {
  const patch: Metadata = {};
  const merged: MetadataChange[] = [];
  const deleted: string[] = [];
  for (const [key, after] of Object.entries(edited)) {
    if (after === null) continue;
    const before = Object.hasOwn(current, key) ? current[key] : undefined;
    if (before !== undefined && sameJson(before, after)) continue;
    patch[key] = after;
    merged.push({ key, before, after });
  }
  for (const key of Object.keys(current)) {
    if (!Object.hasOwn(edited, key) || edited[key] === null) {
      patch[key] = null;
      deleted.push(key);
    }
  }
  return { patch, merged, deleted };
}

export function isEmptyPlan(plan: MetadataPlan): boolean {
  return plan.merged.length === 0 && plan.deleted.length === 0;
}
