import { describe, expect, it } from "vitest";
import css from "./icons.css?raw";

const sources = import.meta.glob<string>(["./**/*.vue", "./**/*.ts", "!./**/*.spec.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("icons.css", () => {
  it("draws every PrimeIcons class the app uses", () => {
    const used = new Set(Object.values(sources).flatMap((text) => text.match(/\bpi-[a-z-]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    expect(css.length).toBeGreaterThan(100);
    const missing = [...used].filter((name) => !css.includes(`.${name} {`));
    expect(missing).toEqual([]);
  });
});
