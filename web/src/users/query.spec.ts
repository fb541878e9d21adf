import { describe, expect, it } from "vitest";
import { buildQuery, buildSort, looksLikeLucene } from "./query";

describe("buildQuery", () => {
  it("sends nothing for an empty or blank search", () => {
    expect(buildQuery("")).toBeUndefined();
    expect(buildQuery("   ")).toBeUndefined();
  });

  it("turns one word into a prefix match on name or email", () => {
    expect(buildQuery("ali")).toBe("name:ali* OR email:ali*");
    expect(buildQuery("  jane.doe@exa ")).toBe("name:jane.doe@exa* OR email:jane.doe@exa*");
  });

  it("requires every word of a plain search to match", () => {
    expect(buildQuery("jane smi")).toBe("(name:jane* OR email:jane*) AND (name:smi* OR email:smi*)");
  });

  it("matches words holding Lucene's special characters as exact phrases", () => {
    expect(buildQuery("o'brien!")).toBe('name:"o\'brien!" OR email:"o\'brien!"');
    expect(buildQuery('say"hi')).toBe('name:"say\\"hi" OR email:"say\\"hi"');
  });

  it("passes an expert's Lucene query through as typed", () => {
    for (const query of [
      'email:"jane@example.com"',
      "logins_count:[100 TO *]",
      "app_metadata.plan:gold",
      "blocked:true AND name:jo*",
      "jane OR john",
      "NOT smith",
      "_exists_:last_login",
      "(email.domain:example.com)",
    ]) {
      expect(looksLikeLucene(query)).toBe(true);
      expect(buildQuery(query)).toBe(query);
    }
  });

  it("does not mistake ordinary words for operators", () => {
    expect(looksLikeLucene("sandor")).toBe(false);
    expect(looksLikeLucene("andrea or")).toBe(false);
    expect(buildQuery("ORLANDO")).toBe("name:ORLANDO* OR email:ORLANDO*");
  });
});

describe("buildSort", () => {
  it("writes the desk's field:1 and field:-1", () => {
    expect(buildSort("email", 1)).toBe("email:1");
    expect(buildSort("last_login", -1)).toBe("last_login:-1");
  });

  it("sends nothing when the table is unsorted", () => {
    expect(buildSort(null, 1)).toBeUndefined();
    expect(buildSort("email", 0)).toBeUndefined();
    expect(buildSort("email", null)).toBeUndefined();
  });
});
