import { describe, expect, it } from "vitest";
import { entryTokens } from "./theme";
import { toolTokens } from "./themeTools";
import { workTokens } from "./themeWork";

/** PrimeVue modules that draw nothing themselves, or whose tokens go by another name. */
const NO_TOKENS = new Set(["column", "config", "toastservice", "usetoast"]);
const TOKENS_OF: Record<string, string> = { tab: "tabs", tablist: "tabs", tabpanel: "tabs", tabpanels: "tabs", inputicon: "iconfield" };

// Every source file's text, spec files aside, as Vite reads them.
const sources = import.meta.glob<string>(["./**/*.{vue,ts}", "!./**/*.spec.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("the theme", () => {
  it("has the tokens of every PrimeVue component the app uses", () => {
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const match of text.matchAll(/from "primevue\/([a-z]+)"|import\("primevue\/([a-z]+)"\)/g)) {
        const name = (match[1] ?? match[2])!;
        if (!NO_TOKENS.has(name)) used.add(TOKENS_OF[name] ?? name);
      }
    }
    const themed = new Set([...Object.keys(entryTokens), ...Object.keys(workTokens), ...Object.keys(toolTokens)]);
    expect([...used].filter((name) => !themed.has(name))).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });
});
