import type { LocationQuery, LocationQueryRaw } from "vue-router";

/** What the Users page keeps in its address, so a reload or a shared link shows the same list. */
export interface DirectoryState {
  search: string;
  first: number;
  rows: number;
  sortField: string | null;
  sortOrder: 1 | -1 | null;
}

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_STATE: DirectoryState = { search: "", first: 0, rows: 10, sortField: null, sortOrder: null };

function single(value: LocationQuery[string] | undefined): string | null {
  const item = Array.isArray(value) ? value[0] : value;
  return typeof item === "string" ? item : null;
}

function positive(value: string | null): number | null {
  if (!value || !/^\d{1,6}$/.test(value)) return null;
  const number = Number(value);
  return number >= 1 ? number : null;
}

export function readState(query: LocationQuery): DirectoryState {
  const perPage = positive(single(query.per_page));
  const rows = perPage && (PAGE_SIZES as readonly number[]).includes(perPage) ? perPage : DEFAULT_STATE.rows;
  const page = positive(single(query.page)) ?? 1;
  const sort = /^([A-Za-z_.]+):(-?1)$/.exec(single(query.sort) ?? "");
  return {
    search: single(query.search) ?? "",
    first: (page - 1) * rows,
    rows,
    sortField: sort ? (sort[1] as string) : null,
    sortOrder: sort ? (Number(sort[2]) as 1 | -1) : null,
  };
}

/** Only what differs from the defaults, so a plain visit keeps a plain `/users`. */
export function writeState(state: DirectoryState): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  if (state.search.trim()) query.search = state.search;
  const page = Math.floor(state.first / state.rows) + 1;
  if (page > 1) query.page = String(page);
  if (state.rows !== DEFAULT_STATE.rows) query.per_page = String(state.rows);
  if (state.sortField && state.sortOrder) query.sort = `${state.sortField}:${state.sortOrder}`;
  return query;
}
