/**
 * Turns what a staff member types into the desk's `q` (Auth0's Lucene subset), and
 * says in words how it was understood, so the search box can show it.
 *
 * In order: a Lucene query passes through as written; then a user id
 * (`auth0|…`), an email domain (`@globex.com`), an email or its start, a bare
 * domain (`globex.com`), a phone number; otherwise names. One word is the start of
 * any name part or of the email ("santos" finds Grace Santos); several words are a
 * full name. Auth0's `name:foo*` is a prefix of the whole name, so name parts are
 * searched through `given_name` and `family_name`.
 */

export interface SearchMeaning {
  /** The desk's `q`, or undefined to list everyone. */
  query: string | undefined;
  /** How the input was understood, for the staff member: "name is Grace Santos". */
  meaning: string;
}

const FIELD = /(^|[\s(])[A-Za-z_][\w.]*:/;
const OPERATOR = /(^|\s)(AND|OR|NOT)(\s|$)/;
// Characters Lucene gives a meaning to inside a term; such words are matched as exact phrases.
const SPECIAL = /[+&|!(){}[\]^"~*?:\\/]|^-/;

const USER_ID = /^[A-Za-z0-9-]+\|\S+$/;
const DOMAIN = /^(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/;
const AT_DOMAIN = /^@(\S+)$/;
const EMAIL = /^[^\s@]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})$/;
const EMAIL_START = /^[^\s@]+@\S*$/;
const PHONE = /^\+?[\d\s().-]+$/;
const PHONE_MIN_DIGITS = 6;

export const EMPTY_SEARCH_HINT = "Type a name, email, email domain, user id or phone number, or a Lucene query.";

export function looksLikeLucene(text: string): boolean {
  return FIELD.test(text) || OPERATOR.test(text) || text.includes("_exists_");
}

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, "\\$&")}"`;
}

/** `field:word*` for a plain word, or an exact `field:"word"` when the word holds Lucene syntax. */
function startsWith(field: string, word: string): string {
  return SPECIAL.test(word) ? `${field}:${quoted(word)}` : `${field}:${word}*`;
}

function anyOf(...clauses: string[]): string {
  return clauses.join(" OR ");
}

function oneWord(word: string): SearchMeaning {
  const fields = ["given_name", "family_name", "name", "email"];
  const exact = SPECIAL.test(word);
  return {
    query: anyOf(...fields.map((field) => startsWith(field, word))),
    meaning: exact ? `a name or email is ${word}` : `a name or email starts with ${word}`,
  };
}

function fullName(words: string[], text: string): SearchMeaning {
  const given = words.slice(0, -1).join(" ");
  const family = words[words.length - 1] as string;
  const givenClause = words.length > 2 || SPECIAL.test(given) ? `given_name:${quoted(given)}` : `given_name:${given}`;
  return {
    // The whole name as a phrase, or first name(s) and the start of the last name while typing.
    query: anyOf(`name:${quoted(text)}`, `(${givenClause} AND ${startsWith("family_name", family)})`),
    meaning: `name is ${text}`,
  };
}

function phone(text: string): SearchMeaning | null {
  const digits = text.replace(/\D/g, "");
  if (digits.length < PHONE_MIN_DIGITS) return null;
  // Auth0 stores phone numbers in E.164 (+14155550100): without a +, try the number both ways.
  const query = text.startsWith("+")
    ? `phone_number:"+${digits}"`
    : anyOf(`phone_number:"${digits}"`, `phone_number:"+${digits}"`);
  return { query, meaning: `phone number is ${text}` };
}

export function interpretSearch(input: string): SearchMeaning {
  const text = input.trim().replace(/\s+/g, " ");
  if (!text) return { query: undefined, meaning: EMPTY_SEARCH_HINT };
  if (looksLikeLucene(text)) return { query: text, meaning: "Lucene query, sent as written" };
  if (USER_ID.test(text)) return { query: `user_id:${quoted(text)}`, meaning: `user id is ${text}` };

  const atDomain = AT_DOMAIN.exec(text);
  if (atDomain) {
    const domain = (atDomain[1] as string).toLowerCase();
    if (DOMAIN.test(domain)) return { query: `email.domain:${quoted(domain)}`, meaning: `email domain is ${domain}` };
    return { query: startsWith("email.domain", domain), meaning: `email domain starts with ${domain}` };
  }
  if (EMAIL.test(text)) return { query: `email:${quoted(text)}`, meaning: `email is ${text}` };
  if (EMAIL_START.test(text)) return { query: startsWith("email", text), meaning: `email starts with ${text}` };
  if (DOMAIN.test(text)) {
    const domain = text.toLowerCase();
    return {
      query: anyOf(`email.domain:${quoted(domain)}`, startsWith("email", text)),
      meaning: `email domain is ${domain}, or email starts with ${text}`,
    };
  }
  if (PHONE.test(text)) {
    const found = phone(text);
    if (found) return found;
  }
  const words = text.split(" ");
  return words.length === 1 ? oneWord(text) : fullName(words, text);
}

export type SortOrder = 1 | -1;

/** The desk's (and Auth0's) `sort=field:1|-1`. */
export function buildSort(field: string | null | undefined, order: number | null | undefined): string | undefined {
  if (!field || !order) return undefined;
  return `${field}:${order > 0 ? 1 : -1}`;
}
