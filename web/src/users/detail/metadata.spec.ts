import { describe, expect, it } from "vitest";
import type { Metadata } from "./api";
import { isEmptyPlan, parseMetadata, planMetadata, sameJson } from "./metadata";

/** What the provider holds after merging `patch` into `current` (Auth0's root merge). */
function mergeMetadata(current: Metadata, patch: Metadata): Metadata {
  const result: Metadata = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = value;
  }
  return result;
}

describe("parseMetadata", () => {
  it("reads a JSON object and treats an empty box as no metadata", () => {
    expect(parseMetadata('{"plan": "pro"}')).toEqual({ ok: true, value: { plan: "pro" } });
    expect(parseMetadata("  ")).toEqual({ ok: true, value: {} });
  });

  it("says why text is refused", () => {
    const broken = parseMetadata('{"plan": }');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.error).toMatch(/^This is not valid JSON/);
    for (const text of ["[1, 2]", "null", "42", '"text"']) {
      const refused = parseMetadata(text);
      expect(refused.ok, text).toBe(false);
      if (!refused.ok) expect(refused.error).toContain("must be a JSON object");
    }
  });
});

describe("sameJson", () => {
  it("ignores key order but not values or array order", () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([], {})).toBe(false);
  });
});

describe("planMetadata", () => {
  const current = { plan: "free", seats: 3, prefs: { theme: "dark", lang: "en" }, legacy: true };

  it("sends only what changed, and removed keys as null", () => {
    const plan = planMetadata(current, { plan: "pro", seats: 3, prefs: { lang: "en", theme: "dark" }, team: "blue" });
    expect(plan.patch).toEqual({ plan: "pro", team: "blue", legacy: null });
    expect(plan.merged).toEqual([
      { key: "plan", before: "free", after: "pro" },
      { key: "team", before: undefined, after: "blue" },
    ]);
    expect(plan.deleted).toEqual(["legacy"]);
  });

  it("sends a changed nested object whole: the provider merges at the root only", () => {
    const plan = planMetadata(current, { ...current, prefs: { theme: "light" } });
    expect(plan.patch).toEqual({ prefs: { theme: "light" } });
    expect(plan.deleted).toEqual([]);
  });

  it("treats a key typed as null as a deletion, and ignores null for a key that is not there", () => {
    const plan = planMetadata(current, { ...current, legacy: null, ghost: null });
    expect(plan.patch).toEqual({ legacy: null });
    expect(plan.deleted).toEqual(["legacy"]);
    expect(plan.merged).toEqual([]);
  });

  it("finds nothing to send when nothing changed", () => {
    expect(isEmptyPlan(planMetadata(current, structuredClone(current)))).toBe(true);
    expect(isEmptyPlan(planMetadata({}, {}))).toBe(true);
  });

  it("predicts what the provider will hold after the merge", () => {
    const edited = { plan: "pro", prefs: { theme: "light" }, team: "blue" };
    const plan = planMetadata(current, edited);
    // Whatever the staff member typed is what the user will have.
    expect(mergeMetadata(current, plan.patch)).toEqual(edited);
  });
});
