"""Reading tenant log events: offset pages, checkpoints (from/take) and ``q`` searches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.management.errors import InvalidQuery
from userdesk.tenant.management.logs.repository import LOG_SORT, LogFilter, LogRepository
from userdesk.tenant.management.paging import Paging, iso, parse_sort
from userdesk.tenant.management.query import QuerySyntaxError
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.store.models import LogEvent

LOG_FIELDS = (
    "log_id",
    "date",
    "type",
    "description",
    "client_id",
    "client_name",
    "ip",
    "user_agent",
    "user_id",
    "user_name",
    "connection",
    "connection_id",
    "audience",
    "scope",
    "details",
)


def log_json(event: LogEvent) -> dict[str, Any]:
    document = {name: getattr(event, name) for name in LOG_FIELDS}
    document["date"] = iso(event.date)
    return {k: v for k, v in document.items() if v is not None}


@dataclass
class LogPage:
    logs: list[LogEvent]
    paging: Paging
    total: int | None


class LogService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.logs = LogRepository(session)

    def of_user(self, user_id: str) -> LogFilter:
        """One user's events; the user must exist."""
        UserService(self.session).get(user_id)
        return LogFilter(user_id=user_id)

    def page(
        self,
        where: LogFilter,
        *,
        page: int | None,
        per_page: int | None,
        sort: str | None,
        with_total: bool,
    ) -> LogPage:
        paging = Paging.of(page, per_page)
        descending = (parse_sort(sort, LOG_SORT) or ("date", True))[1]
        with _readable_query():
            events = self.logs.page(where, descending, paging.start, paging.limit)
            total = self.logs.count(where) if with_total else None
        return LogPage(events, paging, total)

    def checkpoint(self, where: LogFilter, from_id: str | None, take: int) -> list[LogEvent]:
        """Auth0's checkpoint paging: events after ``from`` in order, or the newest ``take``."""
        with _readable_query():
            if from_id is None:
                return self.logs.page(where, True, 0, take)
            return self.logs.after(where, from_id, take)


@contextmanager
def _readable_query() -> Iterator[None]:
    """Turn a ``q`` syntax error into the Management API's invalid-query answer."""
    try:
        yield
    except QuerySyntaxError as exc:
        raise InvalidQuery(f"Invalid query: {exc}") from None
