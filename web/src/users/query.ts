/**
 * Turns what a staff member types into the desk's `q` (Auth0's Lucene subset).
 *
 * Plain words match the start of a name or an email (`name:ali* OR email:ali*`);
 * several words must all match. Input that already reads as Lucene (a `field:`,
 * `_exists_`, or an upper-case AND/OR/NOT) is an expert's query and passes through.
 */

const FIELD = /(^|[\s(])[A-Za-z_][\w.]*:/;
const OPERATOR = /(^|\s)(AND|OR|NOT)(\s|$)/;
// Characters Lucene gives a meaning to inside a term; such words are matched as exact phrases.
const SPECIAL = /[+&|!(){}[\]^"~*?:\\/]|^-/;

export function looksLikeLucene(text: string): boolean {
  return FIELD.test(text) || OPERATOR.test(text) || text.includes("_exists_");
}

function quoted(word: string): string {
  return `"${word.replace(/["\\]/g, "\\$&")}"`;
}

function wordClause(word: string): string {
  if (SPECIAL.test(word)) return `name:${quoted(word)} OR email:${quoted(word)}`;
  return `name:${word}* OR email:${word}*`;
}

export function buildQuery(input: string): string | undefined {
  const text = input.trim();
  if (!text) return undefined;
  if (looksLikeLucene(text)) return text;
  const words = text.split(/\s+/);
  if (words.length === 1) return wordClause(words[0] as string);
  return words.map((word) => `(${wordClause(word)})`).join(" AND ");
}

export type SortOrder = 1 | -1;

/** The desk's (and Auth0's) `sort=field:1|-1`. */
export function buildSort(field: string | null | undefined, order: number | null | undefined): string | undefined {
  if (!field || !order) return undefined;
  return `${field}:${order > 0 ? 1 : -1}`;
}
