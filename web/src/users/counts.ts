import { ApiError, describeError } from "@/api/errors";

/**
 * Auth0 counts and pages through at most 1,000 matches of a search; the desk says
 * so with `total_is_capped` and refuses pages past them (`search_cap_reached`).
 */
export const SEARCH_CAP = 1000;

const count = new Intl.NumberFormat("en");

export function cappedSummary(): string {
  return `More than ${count.format(SEARCH_CAP)} users match; refine the search, or export them all`;
}

/** The table's line above the rows: how many users there are, in honest words. */
export function usersSummary(total: number, totalIsCapped: boolean): string {
  if (totalIsCapped) return cappedSummary();
  return total === 1 ? "1 user" : `${count.format(total)} users`;
}

/** The paginator's "11 to 20 of 200", never presenting a capped count as the total. */
export function pageReport(first: number, last: number, total: number, totalIsCapped: boolean): string {
  const of = totalIsCapped ? `more than ${count.format(SEARCH_CAP)}` : count.format(total);
  return `${count.format(first)} to ${count.format(last)} of ${of}`;
}

export function isPastCap(error: unknown): boolean {
  return error instanceof ApiError && error.code === "search_cap_reached";
}

/** What went wrong with a search, in the words of the Users page (never the API's `q`). */
export function describeSearchError(error: unknown): string {
  if (isPastCap(error)) {
    return (
      `Only the first ${count.format(SEARCH_CAP)} matching users can be listed, and this page comes after them. ` +
      "Go back to the first page and refine the search, or export them all."
    );
  }
  if (error instanceof ApiError && error.status === 400 && /\bphone_number\b/.test(error.message)) {
    // Auth0 searches phone numbers; a directory without them (the embedded tenant) refuses.
    return "This directory cannot search by phone number: search by name, email or user id instead.";
  }
  if (error instanceof ApiError && error.status === 400) {
    return `The desk did not accept this search: ${error.message}`;
  }
  return describeError(error);
}
