import type { AuditEntry, AuditQuery, Outcome } from "./api";
import { OUTCOMES } from "./api";

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** The fields an entry's `before` and `after` mention, side by side, in a stable order. */
export function fieldChanges(entry: Pick<AuditEntry, "before" | "after">): FieldChange[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return fields.map((field) => ({ field, before: before[field], after: after[field] }));
}

/** A JSON value in a table cell; an absent one reads as a dash. */
export function showValue(value: unknown): string {
  if (value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/** Actions on one user (`users.update`, `users.roles.assign`...) have a user id as target. */
export function targetsUser(entry: Pick<AuditEntry, "action" | "target">): boolean {
  return entry.action.startsWith("users.") && entry.target.length > 0;
}

export const OUTCOME_WORDS: Record<Outcome, string> = {
  attempted: "Attempted",
  succeeded: "Succeeded",
  failed: "Failed",
  denied: "Denied",
};

export const OUTCOME_SEVERITY: Record<Outcome, "info" | "success" | "danger" | "warn"> = {
  attempted: "info",
  succeeded: "success",
  failed: "danger",
  denied: "warn",
};

/** The Audit page's filters as they sit in the address bar. */
export interface AuditFilters {
  actor: string;
  target: string;
  action: string;
  outcome: Outcome | null;
  /** `datetime-local` values (the staff member's time zone). */
  since: string;
  until: string;
  q: string;
  page: number;
  perPage: number;
}

export const EMPTY_FILTERS: AuditFilters = {
  actor: "",
  target: "",
  action: "",
  outcome: null,
  since: "",
  until: "",
  q: "",
  page: 1,
  perPage: 25,
};
const PER_PAGE = [10, 25, 50, 100];
const TEXT_FIELDS = ["actor", "target", "action", "since", "until", "q"] as const;

type Query = Record<string, unknown>;
const single = (value: unknown): string => (Array.isArray(value) ? single(value[0]) : typeof value === "string" ? value : "");

export function readFilters(query: Query): AuditFilters {
  const filters: AuditFilters = { ...EMPTY_FILTERS };
  for (const field of TEXT_FIELDS) filters[field] = single(query[field]);
  const outcome = single(query.outcome);
  filters.outcome = (OUTCOMES as string[]).includes(outcome) ? (outcome as Outcome) : null;
  const page = Number(single(query.page));
  filters.page = Number.isInteger(page) && page > 0 ? page : 1;
  const perPage = Number(single(query.per_page));
  filters.perPage = PER_PAGE.includes(perPage) ? perPage : EMPTY_FILTERS.perPage;
  return filters;
}

export function writeFilters(filters: AuditFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const field of TEXT_FIELDS) if (filters[field].trim()) query[field] = filters[field].trim();
  if (filters.outcome) query.outcome = filters.outcome;
  if (filters.page !== 1) query.page = String(filters.page);
  if (filters.perPage !== EMPTY_FILTERS.perPage) query.per_page = String(filters.perPage);
  return query;
}

/** A `datetime-local` value (local time) as the UTC instant the desk compares with. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function toAuditQuery(filters: AuditFilters): AuditQuery {
  const text = (value: string) => value.trim() || undefined;
  return {
    actor: text(filters.actor),
    target: text(filters.target),
    action: text(filters.action),
    outcome: filters.outcome ?? undefined,
    since: localToIso(filters.since),
    until: localToIso(filters.until),
    q: text(filters.q),
    page: filters.page,
    per_page: filters.perPage,
  };
}
