import { describe, expect, it } from "vitest";
import { buildSort, EMPTY_SEARCH_HINT, interpretSearch, looksLikeLucene } from "./query";

describe("interpretSearch", () => {
  it("sends nothing for an empty or blank search, and says what may be typed", () => {
    expect(interpretSearch("")).toEqual({ query: undefined, meaning: EMPTY_SEARCH_HINT });
    expect(interpretSearch("   ").query).toBeUndefined();
  });

  it("finds a full name as a phrase, or by first name and the start of the last name", () => {
    expect(interpretSearch("Grace Santos")).toEqual({
      query: 'name:"Grace Santos" OR (given_name:Grace AND family_name:Santos*)',
      meaning: "name is Grace Santos",
    });
    // While the last name is still being typed.
    expect(interpretSearch("grace san").query).toBe('name:"grace san" OR (given_name:grace AND family_name:san*)');
    expect(interpretSearch("  Mary   Ann  Smith ").query).toBe(
      'name:"Mary Ann Smith" OR (given_name:"Mary Ann" AND family_name:Smith*)',
    );
  });

  it("finds one word at the start of any name part or of the email", () => {
    expect(interpretSearch("santos")).toEqual({
      query: "given_name:santos* OR family_name:santos* OR name:santos* OR email:santos*",
      meaning: "a name or email starts with santos",
    });
    expect(interpretSearch("ORLANDO").query).toBe("given_name:ORLANDO* OR family_name:ORLANDO* OR name:ORLANDO* OR email:ORLANDO*");
  });

  it("matches words holding Lucene's special characters exactly", () => {
    expect(interpretSearch("o'brien!")).toEqual({
      query: 'given_name:"o\'brien!" OR family_name:"o\'brien!" OR name:"o\'brien!" OR email:"o\'brien!"',
      meaning: "a name or email is o'brien!",
    });
    expect(interpretSearch('say"hi').query).toContain('family_name:"say\\"hi"');
    expect(interpretSearch("anne-marie o!neil").query).toBe(
      'name:"anne-marie o!neil" OR (given_name:anne-marie AND family_name:"o!neil")',
    );
  });

  it("finds an email exactly, and the start of one while it is typed", () => {
    expect(interpretSearch("grace.santos12@globex.com")).toEqual({
      query: 'email:"grace.santos12@globex.com"',
      meaning: "email is grace.santos12@globex.com",
    });
    expect(interpretSearch("grace.santos12@glo")).toEqual({
      query: "email:grace.santos12@glo*",
      meaning: "email starts with grace.santos12@glo",
    });
    expect(interpretSearch("grace.santos12@").query).toBe("email:grace.santos12@*");
  });

  it("finds an email domain, with or without the @", () => {
    expect(interpretSearch("@Globex.com")).toEqual({
      query: 'email.domain:"globex.com"',
      meaning: "email domain is globex.com",
    });
    expect(interpretSearch("globex.com")).toEqual({
      query: 'email.domain:"globex.com" OR email:globex.com*',
      meaning: "email domain is globex.com, or email starts with globex.com",
    });
    expect(interpretSearch("@glob")).toEqual({ query: "email.domain:glob*", meaning: "email domain starts with glob" });
  });

  it("finds a pasted user id exactly", () => {
    expect(interpretSearch(" auth0|65000003a1b2c3d4 ")).toEqual({
      query: 'user_id:"auth0|65000003a1b2c3d4"',
      meaning: "user id is auth0|65000003a1b2c3d4",
    });
    expect(interpretSearch("google-oauth2|1234567890").query).toBe('user_id:"google-oauth2|1234567890"');
  });

  it("finds a phone number however it is spaced", () => {
    expect(interpretSearch("+1 415 555-0100")).toEqual({
      query: 'phone_number:"+14155550100"',
      meaning: "phone number is +1 415 555-0100",
    });
    expect(interpretSearch("(415) 555 0100").query).toBe('phone_number:"4155550100" OR phone_number:"+4155550100"');
    // Too few digits for a phone number: the start of a name part or an email.
    expect(interpretSearch("2026").query).toBe("given_name:2026* OR family_name:2026* OR name:2026* OR email:2026*");
  });

  it("passes an expert's Lucene query through as written", () => {
    for (const query of [
      'email:"jane@example.com"',
      "logins_count:[100 TO *]",
      "app_metadata.plan:gold",
      "blocked:true AND name:jo*",
      "jane OR john",
      "NOT smith",
      "_exists_:last_login",
      "(email.domain:example.com)",
      'user_id:"auth0|abc"',
    ]) {
      expect(looksLikeLucene(query)).toBe(true);
      expect(interpretSearch(query)).toEqual({ query, meaning: "Lucene query, sent as written" });
    }
  });

  it("does not mistake ordinary words for operators", () => {
    expect(looksLikeLucene("sandor")).toBe(false);
    expect(looksLikeLucene("andrea or")).toBe(false);
    expect(interpretSearch("andrea or").meaning).toBe("name is andrea or");
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
