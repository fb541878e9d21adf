"""Paging, sorting and field selection shared by the list endpoints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from userdesk.tenant.management.errors import BadRequest, InvalidQuery

# Auth0 only pages through the first 1000 results of any search, and says so in this message.
SEARCH_CAP = 1000
CAP_MESSAGE = (
    "You can only page through the first 1000 records. "
    "See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation"
)
DEFAULT_PER_PAGE = 50


@dataclass(frozen=True)
class Paging:
    start: int
    limit: int

    @classmethod
    def of(cls, page: int | None, per_page: int | None) -> Paging:
        limit = DEFAULT_PER_PAGE if per_page is None else per_page
        return cls(start=(page or 0) * limit, limit=limit)

    def capped(self) -> Paging:
        """Refuse a page that reaches past the first 1000 results, as Auth0 does."""
        if self.limit and self.start + self.limit > SEARCH_CAP:
            raise BadRequest(CAP_MESSAGE, error_code="invalid_paging")
        return self


def parse_sort(sort: str | None, allowed: Iterable[str]) -> tuple[str, bool] | None:
    """``field:1`` or ``field:-1`` into (field, descending)."""
    if not sort:
        return None
    name, sep, direction = sort.partition(":")
    if not sep or direction not in {"1", "-1"}:
        raise InvalidQuery(
            f"Query validation error: 'String does not match pattern field:1 or field:-1: "
            f"{sort}' on property sort."
        )
    if name not in set(allowed):
        raise InvalidQuery(f"Query validation error: 'Sorting by {name} is not supported'.")
    return name, direction == "-1"


def field_list(fields: str | None) -> list[str] | None:
    if fields is None:
        return None
    names = [f.strip() for f in fields.split(",") if f.strip()]
    return names or None


def select_fields(
    document: dict[str, Any], fields: list[str] | None, include: bool
) -> dict[str, Any]:
    if fields is None:
        return document
    if include:
        return {k: v for k, v in document.items() if k in fields}
    return {k: v for k, v in document.items() if k not in fields}


def iso(moment: Any) -> str | None:
    """Auth0's date form: ISO-8601, milliseconds, ``Z``."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
