"""Reading tenant log events: offset pages, checkpoints (from/take) and ``q`` searches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from userdesk.tenant.management.errors import InvalidQuery
from userdesk.tenant.management.paging import Paging, iso, parse_sort
from userdesk.tenant.management.query import QuerySyntaxError, parse
from userdesk.tenant.management.search import Kind, SearchField, SearchSchema, build
from userdesk.tenant.store.models import LogEvent
from userdesk.tenant.store.repository import Repository

LOG_SEARCH = SearchSchema(
    fields={
        "type": SearchField(Kind.TEXT, LogEvent.type),
        "user_id": SearchField(Kind.TEXT, LogEvent.user_id),
        "user_name": SearchField(Kind.TEXT, LogEvent.user_name),
        "client_id": SearchField(Kind.TEXT, LogEvent.client_id),
        "client_name": SearchField(Kind.TEXT, LogEvent.client_name),
        "connection": SearchField(Kind.TEXT, LogEvent.connection),
        "ip": SearchField(Kind.TEXT, LogEvent.ip),
        "audience": SearchField(Kind.TEXT, LogEvent.audience),
        "description": SearchField(Kind.TEXT, LogEvent.description),
        "log_id": SearchField(Kind.TEXT, LogEvent.log_id),
        "date": SearchField(Kind.DATE, LogEvent.date),
    },
    defaults=("type", "user_id", "user_name", "client_id", "description"),
)

LOG_SORT = {"date": LogEvent.seq}
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


class LogRepository(Repository[LogEvent]):
    model = LogEvent

    def page(
        self, condition: ColumnElement[bool], order: Sequence[Any], offset: int, limit: int
    ) -> list[LogEvent]:
        query = select(LogEvent).where(condition).order_by(*order).offset(offset).limit(limit)
        return list(self.session.scalars(query))

    def count(self, condition: ColumnElement[bool]) -> int:
        return int(self.session.scalar(select(func.count(LogEvent.seq)).where(condition)) or 0)

    def seq_of(self, log_id: str) -> int | None:
        return self.session.scalar(select(LogEvent.seq).where(LogEvent.log_id == log_id))

    def after(self, condition: ColumnElement[bool], seq: int, take: int) -> list[LogEvent]:
        query = (
            select(LogEvent)
            .where(condition, LogEvent.seq > seq)
            .order_by(LogEvent.seq.asc())
            .limit(take)
        )
        return list(self.session.scalars(query))


@dataclass
class LogPage:
    logs: list[LogEvent]
    paging: Paging
    total: int | None


class LogService:
    def __init__(self, session: Session) -> None:
        self.logs = LogRepository(session)

    def condition(self, q: str | None, user_id: str | None = None) -> ColumnElement[bool]:
        condition: ColumnElement[bool] = true()
        if q and q.strip():
            try:
                condition = build(parse(q), LOG_SEARCH)
            except QuerySyntaxError as exc:
                raise InvalidQuery(f"Invalid query: {exc}") from None
        if user_id is not None:
            condition = condition & (LogEvent.user_id == user_id)
        return condition

    def page(
        self,
        condition: ColumnElement[bool],
        *,
        page: int | None,
        per_page: int | None,
        sort: str | None,
        with_total: bool,
    ) -> LogPage:
        paging = Paging.of(page, per_page)
        sorting = parse_sort(sort, LOG_SORT) or ("date", True)
        column = LOG_SORT[sorting[0]]
        order = [column.desc() if sorting[1] else column.asc()]
        events = self.logs.page(condition, order, paging.start, paging.limit)
        total = self.logs.count(condition) if with_total else None
        return LogPage(events, paging, total)

    def checkpoint(
        self, condition: ColumnElement[bool], from_id: str | None, take: int
    ) -> list[LogEvent]:
        """Auth0's checkpoint paging: events after ``from`` in order, or the newest ``take``."""
        if from_id is None:
            return self.logs.page(condition, [LogEvent.seq.desc()], 0, take)
        seq = self.logs.seq_of(from_id)
        if seq is None:
            return []
        return self.logs.after(condition, seq, take)
